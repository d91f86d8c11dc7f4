// The baseline clients of the ingest benchmark, each in a process of its own (the core runs in
// core-host.ts): `bare` is a `ws` client that only parses each frame's JSON, the practical
// limit of a Node client; `document` is the Katya document's KatyaWebSocketClient, ported in
// document-client.ts; `engine` is our ConnectionEngine alone (validation, de-duplication,
// batching, no history or notifications), to show where the core's time goes. All subscribe to
// the six channels, as the app does.
//   argv: bare|document|engine URL COUNT  -> {type:'delivered', at, delivered} when COUNT events arrived
// It also serves as a baseline elsewhere: a bare client left connected answers {type:'cpu'}
// (idle CPU) and {type:'collect'} (arrival time of every event id, for transport latency, and
// how late its event loop ran).
import WebSocket from 'ws';
import { ConnectionEngine } from '../../main/core/connection/engine';
import { CHANNELS } from '../../main/core/common/protocol';
import { KatyaWebSocketClient } from './document-client';
import { epochNow, failToParent, takeLoopDelay, tellParent } from './lib';

const [kind, url, countArg] = process.argv.slice(2);
const count = Number(countArg);
const recordArrivals = process.argv.includes('--arrivals');
const token = process.argv.find((a) => a.startsWith('--token='))?.slice('--token='.length);
let delivered = 0;
const arrivals: [string, number][] = [];

function arrived() {
  if (++delivered === count) {
    tellParent({ type: 'delivered', at: epochNow(), delivered });
  }
}

function bare() {
  const ws = new WebSocket(url!, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
  ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', channels: [...CHANNELS] })));
  ws.on('message', (data: Buffer) => {
    const msg = JSON.parse(data.toString()) as { type?: string; id?: string };
    if (msg.type === 'event') {
      if (recordArrivals) arrivals.push([String(msg.id), epochNow()]);
      arrived();
    } else if (msg.type === 'ping') {
      // Answered, so that the server keeps an idle baseline connected.
      ws.send(JSON.stringify({ type: 'pong' }));
    }
  });
  ws.on('error', failToParent);
  return () => ws.close();
}

function documentClient() {
  const client = new KatyaWebSocketClient({
    url,
    token: token ?? 'bench-token',
    channels: [...CHANNELS],
    autoReconnect: true,
  });
  client.on('event', arrived);
  return () => client.close();
}

function engineOnly() {
  const engine = new ConnectionEngine({
    url: url!,
    token: token ?? 'bench-token',
    subscriptions: { channels: [...CHANNELS], events: [] },
  });
  engine.on('events', (batch) => {
    for (let i = 0; i < batch.length; i++) arrived();
  });
  engine.start();
  return () => engine.stop();
}

try {
  if (!url || !Number.isInteger(count) || count < 1) throw new Error('usage: KIND URL COUNT');
  const close =
    kind === 'bare'
      ? bare()
      : kind === 'document'
        ? documentClient()
        : kind === 'engine'
          ? engineOnly()
          : null;
  if (!close) throw new Error(`unknown client kind "${kind}"`);
  process.on('message', (m: { type: string }) => {
    if (m.type === 'cpu') {
      const u = process.cpuUsage();
      tellParent({ type: 'cpu', user: u.user, system: u.system, at: epochNow() });
    } else if (m.type === 'collect') {
      tellParent({ type: 'arrivals', arrivals: arrivals.splice(0), loopDelay: takeLoopDelay() });
    } else if (m.type === 'stop') {
      close();
      setTimeout(() => process.exit(0), 50);
    }
  });
  tellParent({ type: 'alive' });
} catch (err) {
  failToParent(err);
}
