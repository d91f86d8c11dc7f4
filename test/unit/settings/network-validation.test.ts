// The rules a server's network settings (proxy mode, manual proxy URL, extra CA file) are checked
// by: which values pass, the code each wrong one gets, and what the window says for that code.
import { describe, expect, it } from 'vitest';
import {
  caFileSchema,
  proxyUrlSchema,
  serverNetworkSchema,
} from '../../../main/core/common/settings-schema';
import { checkField, fieldErrorsFromIssues } from '../../../main/core/common/settings-errors';
import { createTranslator } from '../../../main/core/common/messages';

const errors = (value: unknown) => {
  const r = serverNetworkSchema.safeParse(value);
  return r.success ? [] : fieldErrorsFromIssues(r.error.issues).map((e) => `${e.field}:${e.code}`);
};
const network = { proxyMode: 'manual', proxyUrl: 'http://proxy.corp:3128', extraCaFile: '' };

describe('proxy mode', () => {
  it('is system, none or manual', () => {
    for (const proxyMode of ['system', 'none', 'manual']) {
      expect(errors({ ...network, proxyMode })).toEqual([]);
    }
    expect(errors({ ...network, proxyMode: 'pac' })).toEqual(['proxyMode:invalid']);
    expect(errors({ ...network, proxyMode: 'System' })).toEqual(['proxyMode:invalid']);
  });
});

describe('proxy URL', () => {
  it('may be empty (no manual proxy set yet) or scheme://HOST:PORT', () => {
    expect(checkField(proxyUrlSchema, '', 'proxyUrl')).toBeNull();
    expect(checkField(proxyUrlSchema, 'socks5://10.0.0.1:1080', 'proxyUrl')).toBeNull();
    expect(checkField(proxyUrlSchema, 'proxy.corp:3128', 'proxyUrl')).toBeNull();
  });

  it.each([
    ['http://[', 'proxy.notUrl', '"http://[" is not a proxy URL'],
    ['socks5://', 'proxy.notUrl', '"socks5://" is not a proxy URL: it has no host'],
    [
      'ftp://proxy.corp',
      'proxy.scheme',
      'a proxy URL starts with http://, https://, socks5:// or socks4:// (got ftp://)',
    ],
    [
      'http://alice:pw@proxy.corp:3128',
      'proxy.credentials',
      'the proxy URL must not contain a user name or password; use the proxy credential fields',
    ],
    ['http://proxy.corp:3128/x', 'proxy.path', 'a proxy URL has no path: scheme://HOST:PORT'],
  ])('%s: %s', (value, code, message) => {
    expect(checkField(proxyUrlSchema, value, 'proxyUrl')).toEqual({
      field: 'proxyUrl',
      code,
      params: {},
      message,
    });
  });

  it('is checked whatever the proxy mode', () => {
    expect(errors({ ...network, proxyMode: 'system', proxyUrl: 'ftp://p' })).toEqual([
      'proxyUrl:proxy.scheme',
    ]);
  });
});

describe('extra CA file', () => {
  it.each([
    '',
    '/etc/ssl/acme-ca.pem',
    'C:\\certs\\acme.pem',
    'c:/certs/acme.pem',
    '\\\\fileserver\\certs\\acme.pem',
  ])('%j passes: none, or an absolute path on any system', (path) => {
    expect(checkField(caFileSchema, path, 'extraCaFile')).toBeNull();
  });

  it.each(['acme.pem', './acme.pem', 'C:acme.pem', '\\\\fileserver', '~/acme.pem'])(
    '%j is refused: not an absolute path',
    (path) => {
      expect(checkField(caFileSchema, path, 'extraCaFile')).toEqual({
        field: 'extraCaFile',
        code: 'caFile.absolute',
        params: {},
        message: 'use the full path of a PEM file, such as /etc/ssl/acme-ca.pem',
      });
    },
  );

  it('is at most 4096 characters long', () => {
    const path = (length: number) => `/${'a'.repeat(length - 1)}`;
    expect(checkField(caFileSchema, path(4096), 'extraCaFile')).toBeNull();
    expect(checkField(caFileSchema, path(4097), 'extraCaFile')?.code).toBe('caFile.absolute');
  });
});

describe('the window says each problem in both languages', () => {
  const en = createTranslator('en');
  const ru = createTranslator('ru');

  it.each([
    [
      'error.proxy.notUrl',
      'This is not a proxy URL. Expected http://HOST:PORT.',
      'Это не адрес прокси. Ожидается http://ХОСТ:ПОРТ.',
    ],
    [
      'error.proxy.scheme',
      'A proxy URL starts with http://, https://, socks5:// or socks4://.',
      'Адрес прокси начинается с http://, https://, socks5:// или socks4://.',
    ],
    [
      'error.proxy.credentials',
      'Enter the user name and password in their own fields below, not in the URL.',
      'Введите имя пользователя и пароль в отдельные поля ниже, а не в адрес.',
    ],
    [
      'error.proxy.path',
      'A proxy URL has no path: scheme://HOST:PORT.',
      'У адреса прокси нет пути: схема://ХОСТ:ПОРТ.',
    ],
    [
      'error.caFile.absolute',
      'Enter the full path of a PEM file, such as /etc/ssl/acme-ca.pem.',
      'Введите полный путь к файлу PEM, например /etc/ssl/acme-ca.pem.',
    ],
  ] as const)('%s', (key, english, russian) => {
    expect(en(key)).toBe(english);
    expect(ru(key)).toBe(russian);
  });
});
