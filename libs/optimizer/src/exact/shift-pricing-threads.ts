import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

import { postAndAwaitReply } from '../worker-reply';

import type { CompiledProblem } from '../model';
import type { ShiftPrice } from './home-visit-route-bound';

/** First message to a helper: the day (without its travel provider, which need not cross threads) and the board. */
export interface PricingThreadInit {
  readonly kind: 'init';
  readonly compiled: Omit<CompiledProblem, 'travel'>;
  readonly gridPoints: number;
  readonly ngMaxItems: number;
  readonly board: SharedArrayBuffer;
}

/** Price shifts taken from the board at node prices π; past the caller's `exactUntil` only the cheap relaxations. */
export interface PricingRequest {
  readonly kind: 'price';
  readonly pi: Float64Array;
  readonly exactArcs: boolean;
  readonly exactUntilEpochMs: number;
  readonly keepRoutes: number | undefined;
  /** Shifts in the order they are taken (the slowest of the last round first). */
  readonly order: Int32Array;
}

export interface PricedShifts {
  readonly shifts: number[];
  readonly prices: ShiftPrice[];
  readonly milliseconds: number[];
}

export type PricingThreadReply =
  | { readonly kind: 'ready' }
  | ({ readonly kind: 'prices' } & PricedShifts)
  | { readonly kind: 'failed'; readonly message: string };

/**
 * Shared between the threads pricing one day: slot 0 is the next position of the request's order to take (an
 * atomic counter), slot 1 + s the number of times shift s's labelling gave up (its state must not depend on which
 * thread priced it last; a thread copies it in before pricing the shift and back after).
 */
export class PricingBoard {
  private readonly slots: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.slots = new Int32Array(buffer);
  }

  static allocate(shiftCount: number): PricingBoard {
    return new PricingBoard(new SharedArrayBuffer(4 * (shiftCount + 1)));
  }

  giveUps(shift: number): number {
    return this.slots[1 + shift] ?? 0;
  }

  reset(): void {
    Atomics.store(this.slots, 0, 0);
  }

  /**
   * Takes the next shift of `order` (false when every shift is taken) and prices it with its shared give-up count:
   * copied into the shift's data before `price`, and back after.
   */
  takeAndPrice<Shift extends { ngOverflows: number }>(
    order: Int32Array,
    shifts: readonly Shift[],
    price: (shift: Shift) => ShiftPrice,
    into: PricedShifts,
  ): boolean {
    const position = Atomics.add(this.slots, 0, 1);
    if (position >= order.length) return false;
    const shift = order[position];
    const data = shifts[shift];
    const started = performance.now();
    data.ngOverflows = this.slots[1 + shift];
    into.prices.push(price(data));
    this.slots[1 + shift] = data.ngOverflows;
    into.shifts.push(shift);
    into.milliseconds.push(performance.now() - started);
    return true;
  }
}

/**
 * Helper threads for the route bound's pricing: shifts are priced independently, so the caller and its helpers
 * take shifts from a shared counter, the slowest of the last round first (a static split left one thread idle
 * for half a round). The prices are the ones the caller would compute alone: a shift's give-up count travels
 * with it, and the labelling's graph cache only saves time (only clock-based cut-offs differ, as between runs).
 */
export class ShiftPricingThreads {
  private order: Int32Array;

  private constructor(
    private readonly helpers: readonly Worker[],
    private readonly board: PricingBoard,
    shiftCount: number,
  ) {
    this.order = Int32Array.from({ length: shiftCount }, (_, shift) => shift);
  }

  static async start(
    compiled: CompiledProblem,
    gridPoints: number,
    ngMaxItems: number,
    helperCount: number,
  ): Promise<ShiftPricingThreads> {
    const file = join(__dirname, `shift-pricing-worker${extname(__filename)}`);
    // Under a TypeScript loader (benches, specs) the helper needs the same loader; the build runs plain JavaScript.
    const execArgv = extname(__filename) === '.ts' ? ['-r', '@swc-node/register'] : undefined;
    const { travel: _travel, ...shareable } = compiled;
    const board = PricingBoard.allocate(compiled.vehicleCount);
    const helpers = Array.from({ length: helperCount }, () => new Worker(file, { execArgv }));
    const threads = new ShiftPricingThreads(helpers, board, compiled.vehicleCount);
    try {
      await Promise.all(
        helpers.map((helper) =>
          threads.ask(helper, {
            kind: 'init',
            compiled: shareable,
            gridPoints,
            ngMaxItems,
            board: board.buffer,
          }),
        ),
      );
    } catch (error) {
      await threads.close();
      throw error;
    }
    return threads;
  }

  /**
   * Prices every shift: the request is posted to the helpers, then the caller takes shifts of its own copy too
   * (`price`) until none is left, and waits for the helpers' last ones.
   */
  async price<Shift extends { ngOverflows: number }>(
    request: Omit<PricingRequest, 'kind' | 'order'>,
    shifts: readonly Shift[],
    price: (shift: Shift) => ShiftPrice,
  ): Promise<ShiftPrice[]> {
    this.board.reset();
    const order = this.order;
    const replies = this.helpers.map((helper) =>
      this.ask(helper, { kind: 'price', ...request, order }),
    );
    const own: PricedShifts = { shifts: [], prices: [], milliseconds: [] };
    while (this.board.takeAndPrice(order, shifts, price, own));
    const rounds: PricedShifts[] = [own];
    for (const reply of await Promise.all(replies)) {
      if (reply.kind !== 'prices') throw new Error('shift pricing helper answered out of turn');
      rounds.push(reply);
    }
    const prices = new Array<ShiftPrice>(order.length);
    const milliseconds = new Float64Array(order.length);
    for (const round of rounds)
      round.shifts.forEach((shift, index) => {
        prices[shift] = round.prices[index];
        milliseconds[shift] = round.milliseconds[index];
      });
    this.order = Int32Array.from(order).sort(
      (a, b) => (milliseconds[b] ?? 0) - (milliseconds[a] ?? 0),
    );
    return prices;
  }

  /** Copies every shift's give-up count into the caller's pricing data (for pricing on the caller alone again). */
  copyGiveUps(shifts: readonly { ngOverflows: number }[]): void {
    shifts.forEach((shift, index) => (shift.ngOverflows = this.board.giveUps(index)));
  }

  async close(): Promise<void> {
    await Promise.all(this.helpers.map((helper) => helper.terminate()));
  }

  private async ask(
    helper: Worker,
    message: PricingThreadInit | PricingRequest,
  ): Promise<PricingThreadReply> {
    const reply = await postAndAwaitReply<PricingThreadReply>(
      helper,
      message,
      'shift pricing helper',
    );
    if (reply.kind === 'failed') throw new Error(`shift pricing helper: ${reply.message}`);
    return reply;
  }
}
