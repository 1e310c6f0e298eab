import { DescentGate } from './descent-gate';

describe(DescentGate.name, () => {
  it('should never skip before a full window of descents has been recorded', () => {
    const gate = new DescentGate(3, 1);
    gate.record(1);
    gate.record(1);
    expect(gate.shouldSkip(1_000)).toBe(false);
    gate.record(1);
    expect(gate.shouldSkip(1_000)).toBe(true);
  });

  it('should skip only when the excess is beyond margin times the largest recent gain', () => {
    const gate = new DescentGate(4, 1.5);
    for (const gain of [0, 2, 8, 1]) gate.record(gain);
    expect(gate.shouldSkip(12)).toBe(false);
    expect(gate.shouldSkip(12.01)).toBe(true);
  });

  it('should never skip a plan at or below the acceptance threshold, even after gainless descents', () => {
    const gate = new DescentGate(2, 1);
    gate.record(0);
    gate.record(0);
    expect(gate.shouldSkip(0)).toBe(false);
    expect(gate.shouldSkip(-5)).toBe(false);
    expect(gate.shouldSkip(Number.NaN)).toBe(false);
    expect(gate.shouldSkip(1e-9)).toBe(true);
  });

  it('should forget a large gain once it has left the window', () => {
    const gate = new DescentGate(2, 1);
    gate.record(50);
    gate.record(1);
    expect(gate.shouldSkip(10)).toBe(false);
    gate.record(1);
    expect(gate.shouldSkip(10)).toBe(true);
  });
});
