// wss:// in front of the reference server: a node:tls server with a certificate a test
// chooses, piping the decrypted bytes on to the server's plain port. It counts the bytes
// clients sent through it, so a test can show that nothing (not the upgrade request, not the
// token) was written to a server whose certificate the client refused.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:tls';
import type { TLSSocket } from 'node:tls';

export interface TlsFront {
  /** wss://HOST:PORT/v1/ws for the host name given */
  url(host?: string): string;
  port: number;
  /** bytes received from clients after the handshake */
  readonly bytesIn: number;
  close(): Promise<void>;
}

export async function startTlsFront(
  upstreamUrl: string,
  pem: { key: string; cert: string },
): Promise<TlsFront> {
  const upstream = new URL(upstreamUrl);
  let bytesIn = 0;
  const open = new Set<TLSSocket>();
  const server = createServer(
    { key: readFileSync(pem.key), cert: readFileSync(pem.cert) },
    (secure) => {
      open.add(secure);
      const plain = connect(Number(upstream.port), upstream.hostname);
      secure.on('data', (chunk: Buffer) => (bytesIn += chunk.length));
      secure.pipe(plain).pipe(secure);
      secure.on('error', () => plain.destroy());
      plain.on('error', () => secure.destroy());
      secure.on('close', () => {
        open.delete(secure);
        plain.destroy();
      });
    },
  );
  // A client that refuses the certificate resets the handshake; that is the point, not a fault.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (host = 'localhost') => `wss://${host}:${port}/v1/ws`,
    port,
    get bytesIn() {
      return bytesIn;
    },
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
