// Builds an engine against a test server and records everything it reports, with cleanup
// that every test file registers in afterEach.
import { ConnectionEngine } from '../../../../main/core/connection/engine';
import type {
  ConnectionOptions,
  ConnectionState,
  Gap,
  ProtocolErrorInfo,
  SubscriptionStatus,
} from '../../../../main/core/connection/types';
import type { EventMessage } from '../../../../main/core/common/protocol';
import { KatyaTestServer } from './katya-test-server';
import type { TestServerOptions } from './katya-test-server';
import { TestClock } from './test-clock';

export const GOOD_TOKEN = 'good-token';

export interface Recorded {
  states: ConnectionState[];
  events: EventMessage[];
  /** the text of the frame of each event in `events`, as the engine handed it over */
  frames: string[];
  batches: number[];
  /** how many frames came with each batch: must equal `batches` */
  frameCounts: number[];
  gaps: Gap[];
  errors: ProtocolErrorInfo[];
  subscriptions: SubscriptionStatus[][];
  logs: string[];
}

const cleanups: (() => unknown)[] = [];

export async function cleanup(): Promise<void> {
  const all = cleanups.splice(0).reverse();
  for (const fn of all) await fn();
}

export async function server(options: TestServerOptions = {}): Promise<KatyaTestServer> {
  const s = await KatyaTestServer.start(options);
  cleanups.push(() => s.close());
  return s;
}

export function engine(
  options: Partial<ConnectionOptions> & { url: string },
  { start = true }: { start?: boolean } = {},
): { engine: ConnectionEngine; clock: TestClock; rec: Recorded } {
  const clock = (options.clock as TestClock | undefined) ?? new TestClock('real');
  const rec: Recorded = {
    states: [],
    events: [],
    frames: [],
    batches: [],
    frameCounts: [],
    gaps: [],
    errors: [],
    subscriptions: [],
    logs: [],
  };
  const e = new ConnectionEngine({
    token: GOOD_TOKEN,
    random: () => 0.5,
    log: (level, message) => rec.logs.push(`${level} ${message}`),
    ...options,
    clock,
  });
  e.on('state', (s) => rec.states.push(s));
  e.on('events', (batch, frames) => {
    rec.batches.push(batch.length);
    rec.events.push(...batch);
    rec.frameCounts.push(frames.length);
    rec.frames.push(...frames);
  });
  e.on('gap', (g) => rec.gaps.push(g));
  e.on('protocolError', (err) => rec.errors.push(err));
  e.on('subscriptions', (s) => rec.subscriptions.push(s));
  cleanups.push(() => e.stop());
  if (start) e.start();
  return { engine: e, clock, rec };
}

export function stateIs(e: ConnectionEngine, state: ConnectionState['state']): boolean {
  return e.getState().state === state;
}
