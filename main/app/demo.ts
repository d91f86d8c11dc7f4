// Demo mode: with no server configured, the app runs the reference Katya server in-process on
// a loopback port, with its demo event generator on, and connects to it with its own token.
import { startKatyaServer } from '../server/server';
import type { DemoServer } from './app-service';

export async function startDemoServer(): Promise<DemoServer> {
  const server = await startKatyaServer({
    host: '127.0.0.1',
    port: 0,
    demoRate: 2,
    log: () => undefined,
  });
  if (!server.demoToken) {
    await server.close();
    throw new Error('the demo server did not generate a token');
  }
  return { url: server.url, token: server.demoToken, stop: () => server.close() };
}
