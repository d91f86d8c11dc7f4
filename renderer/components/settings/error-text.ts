// Settings errors arrive as codes with parameters (main/core/common/settings-errors.ts); this is
// where the window puts them into the user's words. The table's type makes every code have a
// text, and the catalogue's type makes every text exist in both languages.
import type {
  SettingsErrorCode,
  SettingsFieldError,
} from '../../../main/core/common/settings-errors';
import type { I18n, Params, StringKey } from '../../i18n';
import { scalarText } from '../../format/text';

const TEXT: Record<SettingsErrorCode, StringKey> = {
  hhmm: 'error.hhmm',
  range: 'error.range',
  'url.notUrl': 'error.url.notUrl',
  'url.scheme': 'error.url.scheme',
  'url.ws': 'error.url.ws',
  'url.port': 'error.url.port',
  'url.credentials': 'error.url.credentials',
  'url.token': 'error.url.token',
  'url.empty': 'error.url.empty',
  serverName: 'error.serverName',
  'serverName.taken': 'error.serverName.taken',
  'servers.tooMany': 'error.servers.tooMany',
  'proxy.notUrl': 'error.proxy.notUrl',
  'proxy.scheme': 'error.proxy.scheme',
  'proxy.port': 'error.proxy.port',
  'proxy.credentials': 'error.proxy.credentials',
  'proxy.path': 'error.proxy.path',
  'caFile.absolute': 'error.caFile.absolute',
  'token.empty': 'error.token.empty',
  'token.spaces': 'error.token.spaces',
  'token.long': 'error.token.long',
  locked: 'settings.locked',
  unknown: 'error.unknown',
  saveFailed: 'error.saveFailed',
  invalid: 'error.invalid',
};

/** The error in the user's language. Text parameters (a policy's reason, main's detail) are
 * shown as cleaned, bounded text. */
export function errorText(error: SettingsFieldError, i18n: I18n): string {
  const params: Params = {};
  for (const [name, value] of Object.entries(error.params))
    params[name] = typeof value === 'string' ? scalarText(value, 300) : value;
  return i18n.t(TEXT[error.code] ?? 'error.invalid', params);
}
