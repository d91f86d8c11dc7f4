// What an admin policy fixes about the servers list and each server, and why, in one place for
// the servers card and a server's own card. The policy may lock the list (`servers`: none
// added, removed or moved), every server's auth method and subscriptions, and preset servers:
// listed first, never removed or moved, with the fields it names fixed.
import { useApp } from '../context';
import type { PresetServerField } from '../../../main/core/common/views';
import { scalarText } from '../../format/text';

export interface ServerLocks {
  /** why servers cannot be added (undefined: they can) */
  add: string | undefined;
  /** why this server cannot be removed */
  remove(id: string): string | undefined;
  /** whether the server at `index` of `count` may move up (-1) or down (+1) */
  canMove(id: string, index: number, by: -1 | 1, count: number): boolean;
  /** why a field of this server is fixed */
  field(id: string, field: PresetServerField): string | undefined;
  /** how many servers the policy presets (first in the list) */
  presetCount: number;
}

export function useServerLocks(): ServerLocks {
  const app = useApp();
  const locks = app.locks.value;
  const locked = locks.locked ?? {};
  const reason = (field: keyof typeof locked) =>
    field in locked ? scalarText(locked[field], 300) : undefined;
  const presets = Array.isArray(locks.presets) ? locks.presets : [];
  // A preset says no reason of its own: the policy's, as any locked field gives it.
  const policyReason =
    Object.values(locked).find((r) => typeof r === 'string') ??
    app.i18n.value.t('servers.presetReason');
  const presetReason = scalarText(policyReason, 300);
  const preset = (id: string) => presets.find((p) => p.id === id);
  const listLock = reason('servers');
  const presetCount = app.settings.value.servers.filter((s) => preset(s.id)).length;

  return {
    add: listLock,
    presetCount,
    remove: (id) => listLock ?? (preset(id) ? presetReason : undefined),
    canMove(id, index, by, count) {
      if (listLock !== undefined || preset(id)) return false;
      const to = index + by;
      // own servers come after the presets
      return to >= presetCount && to < count;
    },
    field(id, field) {
      const fixed = preset(id)?.fields.includes(field) ? presetReason : undefined;
      switch (field) {
        case 'authMethod':
        case 'subscriptions':
          return reason(field) ?? fixed;
        case 'notifications':
          // the app's rules locked: no server may have rules of its own either
          return fixed ?? reason('notifications');
        case 'network':
          return fixed ?? reason('proxyMode') ?? reason('proxyUrl') ?? reason('extraCaFile');
        default:
          // a policy that locks the list without naming presets fixes names and addresses too
          return fixed ?? (presets.length === 0 ? listLock : undefined);
      }
    },
  };
}
