// The optional admin policy file: a read-only JSON file in a system location that presets and
// locks the server URL, the auth method, the subscriptions and the notification rules, for
// fleets of admin desktops. Every field present in the file is locked. See docs/admin-policy.md.
import { readFileSync, statSync } from 'node:fs';
import { win32, posix } from 'node:path';
import { z } from 'zod';
import { AUTH_METHODS, SEVERITIES } from '../protocol';
import {
  DEFAULT_SETTINGS,
  notificationRulesSchema,
  serverUrlSchema,
  settingsSchema,
} from './schema';
import type { LockableField, Settings } from './schema';

export const POLICY_VERSION = 1;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use the 24-hour form HH:MM');

export const adminPolicyFileSchema = z
  .object({
    version: z.literal(POLICY_VERSION).optional(),
    /** shown next to each locked field, for example "Managed by ACME IT (it@acme.example)" */
    message: z.string().min(1).max(200).optional(),
    serverUrl: serverUrlSchema.optional(),
    authMethod: z.enum(AUTH_METHODS as ['header', 'query', 'message']).optional(),
    subscriptions: settingsSchema.shape.subscriptions.optional(),
    /** any subset of the rules; what is left out takes the app's defaults */
    notifications: z
      .object({
        threshold: z.enum(SEVERITIES).optional(),
        perEvent: notificationRulesSchema.shape.perEvent.optional(),
        mutedChannels: notificationRulesSchema.shape.mutedChannels.optional(),
        quietHours: z
          .object({ enabled: z.boolean(), start: hhmm, end: hhmm })
          .partial()
          .strict()
          .optional(),
        criticalBreaksThrough: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export interface AdminPolicy {
  /** the file it came from */
  source: string;
  /** the reason shown to the user next to a locked field */
  reason: string;
  /** preset and locked values, whole fields */
  values: Partial<Pick<Settings, LockableField>>;
}

const DEFAULT_REASON = 'Set by your organisation (admin policy)';
const MAX_POLICY_BYTES = 256 * 1024;

/** Turn the parsed file into whole, valid settings fields. */
export function policyFromDocument(
  doc: unknown,
  source: string,
): { policy: AdminPolicy | null; error?: string } {
  const parsed = adminPolicyFileSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'file';
    return {
      policy: null,
      error: `admin policy ${source} is invalid and was ignored: ${where}: ${issue?.message ?? 'invalid'}`,
    };
  }
  const p = parsed.data;
  const values: AdminPolicy['values'] = {};
  if (p.serverUrl !== undefined) values.serverUrl = p.serverUrl;
  if (p.authMethod !== undefined) values.authMethod = p.authMethod;
  if (p.subscriptions !== undefined) values.subscriptions = p.subscriptions;
  if (p.notifications !== undefined) {
    const d = DEFAULT_SETTINGS.notifications;
    values.notifications = {
      threshold: p.notifications.threshold ?? d.threshold,
      perEvent: p.notifications.perEvent ?? d.perEvent,
      mutedChannels: p.notifications.mutedChannels ?? d.mutedChannels,
      quietHours: { ...d.quietHours, ...p.notifications.quietHours },
      criticalBreaksThrough: p.notifications.criticalBreaksThrough ?? d.criticalBreaksThrough,
    };
  }
  return { policy: { source, reason: p.message ?? DEFAULT_REASON, values } };
}

/**
 * Read the policy file. No file is the normal case (no policy, no error). A file that cannot be
 * read or is invalid gives no policy and an error sentence for the window and the log: the app
 * still starts, with the user's own settings.
 */
export function loadAdminPolicy(path: string): { policy: AdminPolicy | null; error?: string } {
  let text: string;
  try {
    if (statSync(path).size > MAX_POLICY_BYTES) {
      return { policy: null, error: `admin policy ${path} is larger than 256 KiB and was ignored` };
    }
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { policy: null };
    return {
      policy: null,
      error: `admin policy ${path} cannot be read and was ignored: ${(err as Error).message}`,
    };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, '')); // Notepad writes a BOM
  } catch (err) {
    return {
      policy: null,
      error: `admin policy ${path} is not valid JSON and was ignored: ${(err as Error).message}`,
    };
  }
  return policyFromDocument(doc, path);
}

/** The one documented location per OS (docs/admin-policy.md). */
export function defaultPolicyPath(
  platform: NodeJS.Platform,
  env: Record<string, string | undefined> = process.env,
): string {
  switch (platform) {
    case 'win32':
      return win32.join(env.ProgramData || 'C:\\ProgramData', 'Katya Desktop', 'policy.json');
    case 'darwin':
      return '/Library/Application Support/Katya Desktop/policy.json';
    default:
      return posix.join('/etc', 'katya-desktop', 'policy.json');
  }
}
