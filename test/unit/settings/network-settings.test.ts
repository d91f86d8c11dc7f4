// The proxy and trust settings: their schema and error codes, the migration from version 1,
// and the admin policy presetting and locking the proxy mode, the manual proxy and the CA file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SettingsService,
  confBackend,
  policyFromDocument,
} from '../../../main/core/settings/settings';
import { migrate } from '../../../main/core/settings/migrations';
import { DEFAULT_SETTINGS, SETTINGS_VERSION } from '../../../main/core/common/settings-schema';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'katya-net-settings-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('proxy and trust settings', () => {
  it('default to the system proxy and no extra CA file', () => {
    expect(DEFAULT_SETTINGS).toMatchObject({ proxyMode: 'system', proxyUrl: '', extraCaFile: '' });
  });

  it('refuse a proxy URL that is not one, or holds credentials, and a relative CA path, by code', () => {
    const s = new SettingsService({ backend: confBackend({ cwd: dir }) });
    const codes = (patch: Record<string, unknown>) => {
      const r = s.update(patch);
      return r.ok ? 'ok' : r.errors.map((e) => `${e.field}:${e.code}`).join(',');
    };
    expect(codes({ proxyMode: 'manual', proxyUrl: 'http://proxy.corp:3128' })).toBe('ok');
    expect(codes({ proxyUrl: 'socks5://10.0.0.1:1080' })).toBe('ok');
    expect(codes({ proxyUrl: 'ftp://proxy.corp' })).toBe('proxyUrl:proxy.scheme');
    expect(codes({ proxyUrl: 'http://alice:pw@proxy.corp:3128' })).toBe(
      'proxyUrl:proxy.credentials',
    );
    expect(codes({ proxyUrl: 'http://proxy.corp:3128/x' })).toBe('proxyUrl:proxy.path');
    expect(codes({ extraCaFile: 'ca.pem' })).toBe('extraCaFile:caFile.absolute');
    expect(codes({ extraCaFile: '/etc/ssl/acme-ca.pem' })).toBe('ok');
    expect(codes({ extraCaFile: 'C:\\certs\\acme.pem' })).toBe('ok');
    expect(codes({ proxyMode: 'pac' })).toBe('proxyMode:invalid');
  });
});

describe('migration 1 -> 2', () => {
  it('adds the system proxy, and keeps what a hand edit already set', () => {
    expect(migrate({ version: 1, serverUrl: 'wss://k.example/v1/ws' }).doc).toMatchObject({
      version: SETTINGS_VERSION,
      proxyMode: 'system',
      proxyUrl: '',
      extraCaFile: '',
    });
    expect(migrate({ version: 1, proxyMode: 'none' }).doc.proxyMode).toBe('none');
  });

  it('loads a version 1 file without a notice, and writes the current version back', () => {
    const {
      proxyMode: _m,
      proxyUrl: _u,
      extraCaFile: _c,
      ...v1
    } = {
      ...DEFAULT_SETTINGS,
      version: 1,
      theme: 'dark' as const,
    };
    const file = join(dir, 'settings.json');
    writeFileSync(file, JSON.stringify(v1));
    const s = new SettingsService({ backend: confBackend({ cwd: dir }) });
    expect(s.notices()).toEqual([]);
    expect(s.get()).toMatchObject({ theme: 'dark', proxyMode: 'system' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      version: SETTINGS_VERSION,
      proxyMode: 'system',
    });
  });
});

describe('admin policy', () => {
  it('presets and locks the proxy mode, the manual proxy and the extra CA file', () => {
    const { policy } = policyFromDocument(
      {
        message: 'ACME IT',
        proxyMode: 'manual',
        proxyUrl: 'http://proxy.acme.example:3128',
        extraCaFile: '/etc/ssl/acme-root.pem',
      },
      'policy.json',
    );
    const s = new SettingsService({ backend: confBackend({ cwd: dir }), policy });
    expect(s.get()).toMatchObject({
      proxyMode: 'manual',
      proxyUrl: 'http://proxy.acme.example:3128',
      extraCaFile: '/etc/ssl/acme-root.pem',
    });
    expect(s.locks().locked).toEqual({
      proxyMode: 'ACME IT',
      proxyUrl: 'ACME IT',
      extraCaFile: 'ACME IT',
    });
    const r = s.update({ proxyMode: 'none' });
    expect(r.ok ? [] : r.errors.map((e) => e.code)).toEqual(['locked']);
  });

  it('refuses a policy proxy URL with credentials: every user can read the file', () => {
    const r = policyFromDocument({ proxyUrl: 'http://u:p@proxy:3128' }, 'policy.json');
    expect(r.policy).toBeNull();
    expect(r.error).toMatch(/proxyUrl/);
  });
});
