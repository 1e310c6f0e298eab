import { parentPort } from 'node:worker_threads';

import { CompiledMatrixTravel } from '../heuristic/parallel-solve';

import { buildShiftPricingData, PricingScratch, priceShift } from './home-visit-route-bound';
import { PricingBoard } from './shift-pricing-threads';

import type { ShiftPricingData } from './home-visit-route-bound';
import type {
  PricedShifts,
  PricingRequest,
  PricingThreadInit,
  PricingThreadReply,
} from './shift-pricing-threads';

/**
 * A helper thread of `ShiftPricingThreads`: builds the day's pricing data once (the same deterministic build as the
 * caller's) and, at each request, prices shifts taken from the shared board until none is left.
 */
const port = parentPort;
if (port === null) throw new Error('shift-pricing-worker must run as a worker thread');

let shifts: readonly ShiftPricingData[] = [];
let board: PricingBoard | undefined;
const scratch = new PricingScratch();

port.on('message', (message: PricingThreadInit | PricingRequest) => {
  let reply: PricingThreadReply;
  try {
    reply = message.kind === 'init' ? initialise(message) : priceTaken(message);
  } catch (error) {
    reply = { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});

function initialise(message: PricingThreadInit): PricingThreadReply {
  // The travel provider did not cross threads; the compiled matrices it was read into did.
  const { compiled: received } = message;
  const travel = new CompiledMatrixTravel(
    received.locationSource,
    received.travelSeconds,
    received.travelMeters,
  );
  shifts = buildShiftPricingData({ ...received, travel }, message.gridPoints, message.ngMaxItems);
  board = new PricingBoard(message.board);
  return { kind: 'ready' };
}

function priceTaken(request: PricingRequest): PricingThreadReply {
  if (board === undefined) throw new Error('price request before init');
  // The caller's deadline, on this thread's clock (each thread has its own performance.timeOrigin).
  const exactUntil = request.exactUntilEpochMs - performance.timeOrigin;
  const taken: PricedShifts = { shifts: [], prices: [], milliseconds: [] };
  const limits = {
    exactUntil: request.exactArcs ? exactUntil : -Infinity,
    keepRoutes: request.keepRoutes,
  };
  const price = (data: ShiftPricingData) => priceShift(data, request.pi, scratch, limits);
  while (board.takeAndPrice(request.order, shifts, price, taken));
  return { kind: 'prices', ...taken };
}
