// A minimal SOCKS5 proxy on loopback (RFC 1928: no authentication, CONNECT only), enough to
// show the app's SOCKS5 route end to end. It records the targets it was asked for, and counts
// the connections it accepted (a SOCKS4 request it does not speak is never a target).
import { connect, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface SocksProxy {
  url: string;
  readonly targets: string[];
  /** TCP connections accepted */
  readonly connections: () => number;
  close(): Promise<void>;
}

export async function startSocksProxy(): Promise<SocksProxy> {
  const targets: string[] = [];
  const open = new Set<Socket>();
  let connections = 0;
  const server = createServer((client) => {
    connections++;
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => undefined);
    let stage: 'greeting' | 'request' = 'greeting';
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (stage === 'greeting') {
        if (buffered.length < 2 || buffered.length < 2 + buffered[1]!) return;
        buffered = buffered.subarray(2 + buffered[1]!);
        client.write(Buffer.from([5, 0])); // version 5, no authentication
        stage = 'request';
      }
      if (buffered.length < 5) return;
      const type = buffered[3];
      const nameLength = type === 3 ? 1 + buffered[4]! : type === 1 ? 4 : 16;
      if (buffered.length < 4 + nameLength + 2) return;
      const addr = buffered.subarray(4, 4 + nameLength);
      const host =
        type === 3 ? addr.subarray(1).toString() : type === 1 ? [...addr].join('.') : '::1';
      const port = buffered.readUInt16BE(4 + nameLength);
      client.off('data', onData);
      targets.push(`${host}:${port}`);
      const upstream = connect(port, host === 'localhost' ? '127.0.0.1' : host);
      open.add(upstream);
      upstream.on('close', () => open.delete(upstream));
      upstream.once('error', () => client.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0])));
      upstream.once('connect', () => {
        client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
        upstream.pipe(client).pipe(upstream);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `socks5h://127.0.0.1:${(server.address() as AddressInfo).port}`,
    targets,
    connections: () => connections,
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
