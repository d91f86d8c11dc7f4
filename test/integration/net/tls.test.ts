// wss:// through a TLS front signed by a private CA made for the run (openssl), in front of
// the reference server: trusted through the extra CA file, refused without it, and refused for
// expired, not-yet-valid, self-signed and wrong-name certificates, each in its own words with
// the certificate's subject, issuer, dates and SHA-256 fingerprint. The engine keeps its
// backoff on a refused certificate, and never writes a byte (the token) to such a server.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startKatyaServer } from '../../../main/server/server';
import type { KatyaServer } from '../../../main/server/server';
import { loadTrust } from '../../../main/core/net/trust';
import type { ConnectionState } from '../../../main/core/connection/types';
import { cleanup, engine, GOOD_TOKEN } from '../connection/support/harness';
import { waitFor } from '../connection/support/test-clock';
import { createPrivateCa } from './support/private-ca';
import type { PrivateCa } from './support/private-ca';
import { startTlsFront } from './support/tls-front';
import type { TlsFront } from './support/tls-front';

let ca: PrivateCa;
let server: KatyaServer;
const fronts: TlsFront[] = [];
beforeAll(async () => {
  ca = createPrivateCa();
  server = await startKatyaServer({ tokens: [{ token: GOOD_TOKEN, channels: ['*'] }] });
});
afterAll(async () => {
  await server.close();
  ca.cleanup();
});
afterEach(async () => {
  await cleanup();
  await Promise.all(fronts.splice(0).map((f) => f.close()));
});

async function front(pem: { key: string; cert: string }): Promise<TlsFront> {
  const f = await startTlsFront(server.url, pem);
  fronts.push(f);
  return f;
}

const withCa = () => ({ trust: () => loadTrust({ extraCaFiles: [ca.caCert], env: {} }) });
const withoutCa = () => ({ trust: () => loadTrust({ env: {} }) });

type Reconnecting = Extract<ConnectionState, { state: 'reconnecting' }>;
const refusal = (states: ConnectionState[]) =>
  states.find((s): s is Reconnecting => s.state === 'reconnecting' && s.problem !== undefined);

describe('wss:// with a private CA', () => {
  it('connects when the CA is trusted through the extra CA file', async () => {
    const f = await front(ca.issue('localhost'));
    const { engine: e } = engine({ url: f.url(), network: withCa() });
    await waitFor(() => e.getState().state === 'open', 'open');
  });

  it('refuses the certificate without the CA: issuer not trusted, with the certificate in words, and writes nothing', async () => {
    const leaf = ca.issue('localhost');
    const f = await front(leaf);
    const { engine: e, rec } = engine({ url: f.url(), network: withoutCa() });
    const s = await waitFor(() => refusal(rec.states), 'a refusal');
    expect(s.problem).toMatchObject({
      kind: 'certificate',
      reason: 'untrusted_issuer',
      host: 'localhost',
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      certificate: {
        subject: 'CN=localhost',
        issuer: 'CN=Katya Test Root CA, O=Katya Tests',
        fingerprint256: leaf.fingerprint256,
        names: ['localhost', '127.0.0.1'],
      },
    });
    expect(s.lastError).toMatch(
      /^certificate not trusted: the certificate of localhost was refused because its issuer "CN=Katya Test Root CA, O=Katya Tests" is not a trusted authority; the certificate: "CN=localhost" issued by .* valid \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d, SHA-256 [0-9A-F:]{95}$/,
    );
    expect(e.getState().state).toBe('reconnecting');
    // The upgrade request (and its Authorization header) never reached the server.
    expect(f.bytesIn).toBe(0);
  });

  it('keeps its backoff on a refused certificate: no tight loop', async () => {
    const f = await front(ca.issue('localhost'));
    const { rec } = engine({
      url: f.url(),
      network: withoutCa(),
      random: () => 0.5,
      backoff: { minMs: 200, maxMs: 10_000 },
    });
    await new Promise((r) => setTimeout(r, 1000));
    const retries = rec.states.filter((s): s is Reconnecting => s.state === 'reconnecting');
    // Waits of 100, 200, 400 ms...: four attempts at most in a second, each one refused.
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(retries.length).toBeLessThanOrEqual(4);
    expect(retries.map((r) => r.delayMs)).toEqual(retries.map((_, i) => 100 * 2 ** i));
    expect(retries.every((r) => r.problem?.kind === 'certificate')).toBe(true);
  });

  it('names an expired certificate, the one that expired', async () => {
    const leaf = ca.issue('localhost', {
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z'),
    });
    const f = await front(leaf);
    const { rec } = engine({ url: f.url(), network: withCa() });
    const s = await waitFor(() => refusal(rec.states), 'a refusal');
    expect(s.problem).toMatchObject({
      kind: 'certificate',
      reason: 'expired',
      code: 'CERT_HAS_EXPIRED',
      certificate: {
        validFrom: '2020-01-01T00:00:00.000Z',
        validTo: '2021-01-01T00:00:00.000Z',
        fingerprint256: leaf.fingerprint256,
      },
    });
    expect(s.lastError).toContain('because it expired on 2021-01-01');
  });

  it('names a certificate that is not valid yet', async () => {
    const f = await front(
      ca.issue('localhost', {
        notBefore: new Date(Date.now() + 10 * 86_400_000),
        notAfter: new Date(Date.now() + 40 * 86_400_000),
      }),
    );
    const { rec } = engine({ url: f.url(), network: withCa() });
    const s = await waitFor(() => refusal(rec.states), 'a refusal');
    expect(s.problem).toMatchObject({ kind: 'certificate', reason: 'not_yet_valid' });
    expect(s.lastError).toMatch(/because it is not valid until \d{4}-\d\d-\d\d/);
  });

  it('names a certificate for another host', async () => {
    const f = await front(ca.issue('other.example', { names: ['other.example'] }));
    const { rec } = engine({ url: f.url(), network: withCa() });
    const s = await waitFor(() => refusal(rec.states), 'a refusal');
    expect(s.problem).toMatchObject({
      kind: 'certificate',
      reason: 'name_mismatch',
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      certificate: { subject: 'CN=other.example', names: ['other.example'] },
    });
    expect(s.lastError).toContain('because it is for other.example, not localhost');
  });

  it('names a self-signed certificate', async () => {
    const f = await front(ca.issue('localhost', { selfSigned: true }));
    const { rec } = engine({ url: f.url(), network: withCa() });
    const s = await waitFor(() => refusal(rec.states), 'a refusal');
    expect(s.problem).toMatchObject({
      kind: 'certificate',
      reason: 'self_signed',
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      certificate: { subject: 'CN=localhost', issuer: 'CN=localhost' },
    });
  });

  it('trusts a self-signed certificate given as the extra CA file', async () => {
    const leaf = ca.issue('localhost', { selfSigned: true });
    const f = await front(leaf);
    const { engine: e } = engine({
      url: f.url(),
      network: { trust: () => loadTrust({ extraCaFiles: [leaf.cert], env: {} }) },
    });
    await waitFor(() => e.getState().state === 'open', 'open');
  });
});
