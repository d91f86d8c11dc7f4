// Access tokens of the reference server: who may read which channel and who may publish.
// The file format is the one `katya server --tokens FILE` documents:
//   {"tokens":[{"token":"s3cret","channels":["*"],"admin":true},{"token":"viewer","channels":["messages"]}]}
import { readFile } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { canonicalChannel } from '../core/common/protocol';
import type { Channel } from '../core/common/protocol';

export interface TokenGrant {
  token: string;
  /** channel names; `"*"` means every channel; the aliases `alerts` and `metrics` are accepted */
  channels: string[];
  /** may publish events over HTTP */
  admin?: boolean;
}

/**
 * A grant with its channel list resolved, so permission checks are one set lookup. It holds the
 * token's SHA-256, not the token: a grant kept by a connection (to notice its revocation) or
 * printed while debugging does not carry a secret.
 */
export interface ResolvedGrant {
  /** SHA-256 of the token, hex */
  digest: string;
  all: boolean;
  channels: ReadonlySet<Channel>;
  admin: boolean;
}

const channelName = z
  .string()
  .min(1)
  .refine((n) => n === '*' || canonicalChannel(n) !== null, {
    message:
      'unknown channel (use "*" or one of messages, rooms, trust, analytics, security, system)',
  });

const grantSchema = z.object({
  token: z.string().min(1).max(4096),
  channels: z.array(channelName),
  admin: z.boolean().optional(),
});

export const tokensFileSchema = z.object({ tokens: z.array(grantSchema) });

export function resolveGrant(grant: TokenGrant): ResolvedGrant {
  const channels = new Set<Channel>();
  let all = false;
  for (const name of grant.channels) {
    const channel = canonicalChannel(name);
    if (name === '*') all = true;
    else if (channel) channels.add(channel);
  }
  return { digest: tokenDigest(grant.token), all, channels, admin: grant.admin === true };
}

export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Grants by the SHA-256 of their token, never by the token itself. Looking a presented token
 * up by itself (a Map keyed by tokens, or `===`) takes time that grows with how much of it
 * matches a real token, and an attacker who can time answers recovers a token one character at
 * a time. Here the presented token is hashed first (in time that depends only on its length)
 * and the digest is what the Map compares: learning that the digest of a guess shares leading
 * characters with the digest of a real token says nothing about which guess to try next, since
 * SHA-256 cannot be inverted. So a Map lookup of the digest leaks nothing useful, and the
 * throttle in auth-throttle.ts caps the guesses anyway. Later grants for the same token win.
 */
export type GrantTable = ReadonlyMap<string, ResolvedGrant>;

/** Check grants given in code or read from a file and index them; throws like validateGrants. */
export function grantTable(tokens: TokenGrant[]): GrantTable {
  return new Map(
    validateGrants(tokens).map((g) => {
      const resolved = resolveGrant(g);
      return [resolved.digest, resolved] as const;
    }),
  );
}

/** The grant of a presented token, or null. */
export function findGrant(table: GrantTable, token: string): ResolvedGrant | null {
  return table.get(tokenDigest(token)) ?? null;
}

export function mayRead(grant: ResolvedGrant, channel: Channel): boolean {
  return grant.all || grant.channels.has(channel);
}

/** Check grants given in code (the in-process API); throws with a readable message. */
export function validateGrants(tokens: TokenGrant[]): TokenGrant[] {
  const parsed = z.array(grantSchema).safeParse(tokens);
  if (!parsed.success) throw new Error(`invalid token grants: ${describeIssue(parsed.error)}`);
  return parsed.data;
}

/** Read and check a tokens file; the error says which file and what is wrong with it. */
export async function loadTokensFile(path: string): Promise<TokenGrant[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read tokens file ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`tokens file ${path} is not valid JSON`, { cause: err });
  }
  const parsed = tokensFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`tokens file ${path}: ${describeIssue(parsed.error)}`);
  }
  return parsed.data.tokens;
}

/** The token a server without `--tokens` prints: every channel, may publish. */
export function generateDemoToken(): TokenGrant {
  return { token: `demo_${randomBytes(16).toString('hex')}`, channels: ['*'], admin: true };
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const where = issue.path.length ? issue.path.join('.') : 'file';
  return `${where}: ${issue.message}`;
}
