// A TCP port that accepts connections and never writes a byte: a proxy stuck before it answers
// CONNECT, or a "wss://" port that never answers the TLS hello. It counts what it accepted and
// tells when the other side has closed every connection, so a test can prove nothing was left
// half-open.
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface SilentPort {
  port: number;
  /** connections accepted so far */
  readonly accepted: number;
  /** connections the other side has not closed yet */
  readonly open: number;
  /** resolves once every accepted connection has been closed by the other side */
  allClosed(): Promise<void>;
  close(): Promise<void>;
}

export async function startSilentPort(): Promise<SilentPort> {
  const open = new Set<Socket>();
  let accepted = 0;
  let wake: () => void = () => undefined;
  const server = createServer((socket) => {
    accepted++;
    open.add(socket);
    socket.on('error', () => undefined);
    socket.resume(); // read (and drop) what comes, so that the other side's close is seen
    socket.on('close', () => {
      open.delete(socket);
      if (open.size === 0) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get accepted() {
      return accepted;
    },
    get open() {
      return open.size;
    },
    allClosed: () =>
      open.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => (wake = resolve)),
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
