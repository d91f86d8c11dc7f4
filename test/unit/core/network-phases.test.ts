// A retry after a refused certificate or a refusing proxy reads as its own phase, in the
// window's view and the tray, for as long as it lasts: not "reconnecting", not "offline".
import { describe, expect, it } from 'vitest';
import { connectionView, OFFLINE_AFTER_MS } from '../../../main/core/connection-view';
import { trayState } from '../../../main/core/tray-state';
import type { ConnectionProblem } from '../../../main/core/common/network';
import type { ConnectionState } from '../../../main/core/connection/types';

const now = Date.UTC(2026, 5, 1, 12);
const certificate: ConnectionProblem = {
  kind: 'certificate',
  reason: 'untrusted_issuer',
  host: 'katya.example',
  code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  certificate: {
    subject: 'CN=katya.example',
    issuer: 'CN=ACME Root',
    validFrom: '2026-01-01T00:00:00.000Z',
    validTo: '2027-01-01T00:00:00.000Z',
    fingerprint256: 'AB:CD',
    names: ['katya.example'],
  },
};
const proxy: ConnectionProblem = {
  kind: 'proxy',
  reason: 'auth_required',
  proxy: 'HTTP proxy proxy.corp:3128',
  target: 'katya.example:443',
  status: 407,
  credentialsSent: false,
};
const retrying = (problem?: ConnectionProblem): ConnectionState => ({
  state: 'reconnecting',
  since: now,
  attempt: 3,
  delayMs: 2000,
  retryAt: now + 2000,
  lastError: 'words',
  ...(problem && { problem }),
});
const view = (state: ConnectionState, lostForMs: number | null = 1000) =>
  connectionView({
    state,
    disconnectedSince: now - 1000,
    lostForMs,
    serverUrl: 'wss://katya.example/v1/ws',
    demo: false,
    missingToken: false,
  });

describe('connection view', () => {
  it('says "certificate" and "proxy" instead of reconnecting, with the problem', () => {
    expect(view(retrying(certificate))).toMatchObject({
      phase: 'certificate',
      problem: certificate,
      retryAt: now + 2000,
    });
    expect(view(retrying(proxy))).toMatchObject({ phase: 'proxy', problem: proxy });
    expect(view(retrying())).toMatchObject({ phase: 'reconnecting', problem: null });
  });

  it('keeps saying so after two minutes: that is what the user must act on', () => {
    expect(view(retrying(certificate), OFFLINE_AFTER_MS + 1).phase).toBe('certificate');
    expect(view(retrying(), OFFLINE_AFTER_MS + 1).phase).toBe('offline');
  });
});

describe('tray', () => {
  const tray = (problem: ConnectionProblem, language: 'en' | 'ru' = 'en') =>
    trayState({
      connection: view(retrying(problem)),
      unread: 0,
      unreadAlerts: 0,
      snoozedUntil: null,
      now,
      formatTime: () => '12:00',
      language,
    });

  it('names the certificate and why in the tooltip, with a problem icon', () => {
    const t = tray(certificate);
    expect(t.icon).toBe('offline');
    expect(t.tooltip).toBe(
      'Katya Desktop — Certificate not trusted: the issuer CN=ACME Root is not a trusted authority',
    );
    expect(tray(certificate, 'ru').statusLine).toBe(
      'Сертификат не вызывает доверия: издатель CN=ACME Root не входит в число доверенных',
    );
  });

  it('names the proxy and why', () => {
    expect(tray(proxy).statusLine).toBe(
      'Proxy problem: HTTP proxy proxy.corp:3128 needs a user name and password',
    );
  });
});
