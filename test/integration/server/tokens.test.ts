// Reading `--tokens FILE`: real files in a temp dir, errors that say what is wrong.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  findGrant,
  grantTable,
  loadTokensFile,
  mayRead,
  resolveGrant,
} from '../../../main/server/tokens';

const dir = mkdtempSync(path.join(tmpdir(), 'katya-tokens-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('tokens file', () => {
  it('reads the documented format', async () => {
    const p = file(
      'ok.json',
      '{"tokens":[{"token":"s3cret","channels":["*"],"admin":true},{"token":"viewer","channels":["messages","rooms","alerts"]}]}',
    );
    const tokens = await loadTokensFile(p);
    expect(tokens).toHaveLength(2);
    const admin = resolveGrant(tokens[0]!);
    const viewer = resolveGrant(tokens[1]!);
    expect(admin.admin).toBe(true);
    expect(mayRead(admin, 'system')).toBe(true);
    expect(viewer.admin).toBe(false);
    expect(mayRead(viewer, 'rooms')).toBe(true);
    expect(mayRead(viewer, 'security')).toBe(true); // through the alias
    expect(mayRead(viewer, 'system')).toBe(false);
  });

  it.each([
    ['missing.json', null, /cannot read/],
    ['junk.json', '{tokens:', /not valid JSON/],
    ['shape.json', '{"tokens":[{"token":"x"}]}', /tokens\.0\.channels/],
    ['channel.json', '{"tokens":[{"token":"x","channels":["nope"]}]}', /unknown channel/],
  ])('refuses %s with a readable error', async (name, text, message) => {
    const p = text === null ? path.join(dir, name) : file(name, text);
    await expect(loadTokensFile(p)).rejects.toThrow(message);
  });
});

describe('token look-up', () => {
  const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

  it('keeps no raw token in a resolved grant, only its SHA-256', () => {
    const grant = resolveGrant({ token: 's3cret', channels: ['messages'], admin: true });
    expect(grant).not.toHaveProperty('token');
    expect(Object.values(grant)).not.toContain('s3cret');
    expect(grant.digest).toBe(sha256('s3cret'));
  });

  it('keys the table by digests and finds a grant by the exact token only', () => {
    const table = grantTable([
      { token: 's3cret', channels: ['*'], admin: true },
      { token: 's3creu', channels: ['messages'] },
    ]);
    expect([...table.keys()].sort()).toEqual([sha256('s3cret'), sha256('s3creu')].sort());
    expect(findGrant(table, 's3cret')?.admin).toBe(true);
    expect(findGrant(table, 's3creu')?.admin).toBe(false);
    for (const guess of ['s3cre', 's3crett', 'S3CRET', '', sha256('s3cret'), 'constructor']) {
      expect(findGrant(table, guess), guess).toBeNull();
    }
  });

  it('refuses invalid grants given in code', () => {
    expect(() => grantTable([{ token: '', channels: ['*'] }])).toThrow(/invalid token grants/);
  });
});
