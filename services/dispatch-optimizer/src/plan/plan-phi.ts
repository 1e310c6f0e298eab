import type { PlanInputs } from './problem-builder';

/**
 * The part of a plan's inputs snapshot that names or locates patients: the appointments'
 * display names and addresses, the visits unserved before solving, and the addresses of
 * every location. Stored encrypted (`inputs_phi`); the rest stays jsonb (ids, times,
 * durations, the solver's problem and solution), so a re-plan and the checker read it as is.
 */
export interface InputsPhi {
  readonly appointments: PlanInputs['appointments'];
  readonly preUnserved: PlanInputs['preUnserved'];
  readonly locationAddresses: PlanInputs['locationAddresses'];
}

/** Splits the inputs into what is stored readable and what is stored encrypted. */
export function splitInputsPhi(inputs: PlanInputs): { readable: PlanInputs; phi: InputsPhi } {
  const { appointments, preUnserved, locationAddresses } = inputs;
  return {
    readable: { ...inputs, appointments: {}, preUnserved: [], locationAddresses: [] },
    phi: { appointments, preUnserved, locationAddresses },
  };
}

/** The inputs whole again. */
export function joinInputsPhi(readable: PlanInputs, phi: InputsPhi): PlanInputs {
  return { ...readable, ...phi };
}
