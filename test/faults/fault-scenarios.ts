import { Topics } from '@caredispatch/contracts';
import { type ServiceName, sleep, TwilioFailures } from '@caredispatch/testing';

import { type FaultContext, type FaultScenario, SERVICES } from './fault-harness';

/** Enough injected Twilio failures or holds to cover every send of a window. */
const WHOLE_WINDOW = 1_000_000;

/** Each listed service's database refuses and drops connections for `outageSeconds`, in turn. */
export function databaseOutage(
  services: readonly ServiceName[],
  outageSeconds: number,
  gapSeconds = 10,
): FaultScenario {
  const firstAt = 8;
  return {
    id: 'database',
    title: `each service's database unavailable for ${outageSeconds} s (${services.join(', ')})`,
    broker: 'shared',
    streamSeconds: firstAt + services.length * (outageSeconds + gapSeconds),
    async inject(context: FaultContext): Promise<void> {
      let at = firstAt;
      for (const service of services) {
        const proxy = context.databaseProxies.get(service);
        if (!proxy) throw new Error(`${service} has no database proxy`);
        await context.at(at);
        proxy.cut();
        context.log(`${service} database cut`);
        await context.at(at + outageSeconds);
        proxy.restore();
        context.log(`${service} database restored`);
        at += outageSeconds + gapSeconds;
      }
    },
  };
}

/** The (dedicated) broker killed with SIGKILL, down for `downSeconds`, then restarted. */
export function brokerKill(downSeconds = 5): FaultScenario {
  return {
    id: 'broker-kill',
    title: `the Kafka broker killed with kill -9, restarted after ${downSeconds} s`,
    broker: 'dedicated',
    streamSeconds: 45,
    async inject(context: FaultContext): Promise<void> {
      const kafka = required(context.kafka);
      await context.at(12);
      kafka.kill(1);
      context.log('broker killed (SIGKILL)');
      await sleep(downSeconds * 1000);
      await kafka.restart(1);
      context.log('broker restarted and answering');
    },
  };
}

/** Topics a booking crosses on its way to a text: the EHR's event, the appointment, the message. */
const BOOKING_TOPICS = [
  Topics.EhrAppointmentV1,
  Topics.SchedulingAppointmentV1,
  Topics.MessagingMessageV1,
];

/**
 * In a 3-node cluster (replication factor 3, min.insync.replicas 2), the node that leads the
 * most partitions of the booking topics killed with SIGKILL under load, restarted later: every
 * producer and consumer meets NOT_LEADER / connection errors until the elections settle.
 */
export function clusterLeaderKill(downSeconds = 15): FaultScenario {
  return {
    id: 'leader-kill',
    title: `3-node cluster: the busiest partition leader killed with kill -9, back after ${downSeconds} s`,
    broker: 'cluster',
    streamSeconds: 45,
    async inject(context: FaultContext): Promise<void> {
      const kafka = required(context.kafka);
      await context.at(12);
      const leader = await kafka.busiestLeader(BOOKING_TOPICS);
      kafka.kill(leader.node);
      context.log(
        `node ${leader.node} (leader of ${leader.partitions} partitions of ${BOOKING_TOPICS.join(', ')}) killed`,
      );
      await sleep(downSeconds * 1000);
      await kafka.restart(leader.node);
      context.log(`node ${leader.node} restarted and answering`);
    },
  };
}

/** Every service killed with SIGKILL at random moments, `rounds` times each, and restarted. */
export function serviceKills(rounds: number, seed: number): FaultScenario {
  const roundSeconds = 28;
  return {
    id: 'service-kill',
    title: `kill -9 of each service at random moments, ${rounds}× each (seed ${seed})`,
    broker: 'shared',
    streamSeconds: 5 + rounds * roundSeconds,
    async inject(context: FaultContext): Promise<void> {
      const random = seededRandom(seed);
      for (let round = 0; round < rounds; round += 1) {
        const order = [...SERVICES].sort(() => random() - 0.5);
        const slot = roundSeconds / order.length;
        for (const [position, service] of order.entries()) {
          const at = 5 + round * roundSeconds + position * slot + random() * (slot / 2);
          await context.at(at);
          await context.stack.service(service).kill();
          context.log(`${service} killed (SIGKILL)`);
          await context.stack.restart(service);
          context.log(`${service} restarted and ready`);
        }
      }
    },
  };
}

/** Twilio answers 500, then accepts but never answers in time, and lists messages late. */
export function twilioTrouble(phaseSeconds: number, listingLagSeconds = 20): FaultScenario {
  const firstAt = 8;
  return {
    id: 'twilio',
    title: `Twilio 500s, then timeouts, and late listing (${3 * phaseSeconds} s)`,
    broker: 'shared',
    streamSeconds: firstAt + 3 * phaseSeconds + 10,
    async inject(context: FaultContext): Promise<void> {
      const twilio = context.stack.twilio;
      await context.at(firstAt);
      twilio.failNext(WHOLE_WINDOW, TwilioFailures.internalServerError);
      context.log('Twilio answers 500');
      await context.at(firstAt + phaseSeconds);
      twilio.clearFaults();
      twilio.holdNextResponses(WHOLE_WINDOW);
      twilio.delayListing(listingLagSeconds * 1000);
      context.log(`Twilio accepts but answers too late; lists ${listingLagSeconds} s late`);
      await context.at(firstAt + 2 * phaseSeconds);
      twilio.clearFaults();
      twilio.delayListing(listingLagSeconds * 1000);
      context.log(`Twilio answers again; still lists ${listingLagSeconds} s late`);
      await context.at(firstAt + 3 * phaseSeconds);
      twilio.clearFaults();
      context.log('Twilio healthy');
    },
  };
}

/** Each listed service cut off from Kafka (its proxy refuses) for `outageSeconds`, in turn. */
export function kafkaPartition(
  services: readonly ServiceName[],
  outageSeconds: number,
  gapSeconds = 10,
): FaultScenario {
  const firstAt = 8;
  return {
    id: 'kafka-cut',
    title: `a service cut off from Kafka for ${outageSeconds} s (${services.join(', ')})`,
    broker: 'dedicated',
    streamSeconds: firstAt + services.length * (outageSeconds + gapSeconds),
    async inject(context: FaultContext): Promise<void> {
      let at = firstAt;
      for (const service of services) {
        const proxy = context.kafkaProxies.get(service);
        if (!proxy) throw new Error(`${service} has no Kafka proxy`);
        await context.at(at);
        proxy.cut();
        context.log(`${service} cut off from Kafka`);
        await context.at(at + outageSeconds);
        proxy.restore();
        context.log(`${service} reconnected to Kafka`);
        at += outageSeconds + gapSeconds;
      }
    },
  };
}

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('this fault needs its own Kafka');
  return value;
}

/** mulberry32: a reproducible sequence, so a failing kill schedule can be replayed by its seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
