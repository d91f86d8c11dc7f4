// Settings errors as codes with parameters: what the window gets, however the error was made.
import { describe, expect, it } from 'vitest';
import { checkField, fieldErrorFrom, rangeError } from '../../../main/core/common/settings-errors';
import {
  HISTORY_LIMITS,
  clockTimeSchema,
  historySchema,
  serverUrlSchema,
} from '../../../main/core/common/settings-schema';

describe('settings errors', () => {
  it('a check with a code keeps it; the English message stays beside it', () => {
    expect(checkField(serverUrlSchema, 'ws://katya.example/v1/ws', 'serverUrl')).toEqual({
      field: 'serverUrl',
      code: 'url.ws',
      params: {},
      message: expect.stringMatching(/^ws:\/\/ is unencrypted/),
    });
    expect(checkField(serverUrlSchema, 'not a url', 'serverUrl')?.code).toBe('url.notUrl');
    expect(checkField(serverUrlSchema, 'wss://u:p@k.example/v1/ws', 'serverUrl')?.code).toBe(
      'url.credentials',
    );
    expect(checkField(serverUrlSchema, 'wss://k.example:0/v1/ws', 'serverUrl')?.code).toBe(
      'url.port',
    );
    expect(checkField(clockTimeSchema, '24:00', 'q')).toMatchObject({ field: 'q', code: 'hhmm' });
    expect(checkField(clockTimeSchema, '23:59', 'q')).toBeNull();
  });

  it('ranges carry their limits from the schema', () => {
    const { min, max } = HISTORY_LIMITS.maxAgeDays;
    expect(checkField(historySchema.shape.maxAgeDays, max + 1, 'h')).toEqual({
      field: 'h',
      code: 'range',
      params: { min, max },
      message: `must be a whole number from ${min} to ${max}`,
    });
    expect(rangeError('h', HISTORY_LIMITS.maxAgeDays)).toEqual(
      checkField(historySchema.shape.maxAgeDays, 0, 'h'),
    );
  });

  it('an error from another process is taken only when it is whole', () => {
    expect(
      fieldErrorFrom({ field: 'history.maxEvents', code: 'range', params: { min: 1, max: 2 } }),
    ).toMatchObject({ field: 'history.maxEvents', code: 'range', params: { min: 1, max: 2 } });
    // unknown code, missing parameters, junk: 'invalid' with whatever text there was
    expect(fieldErrorFrom({ field: 'x', code: 'nope', message: 'too many' })).toEqual({
      field: 'x',
      code: 'invalid',
      params: { detail: 'too many' },
      message: 'too many',
    });
    expect(fieldErrorFrom({ field: 'x', code: 'range', params: { min: 1 } }).code).toBe('invalid');
    expect(fieldErrorFrom(null)).toMatchObject({ field: 'settings', code: 'invalid' });
    // parameters are plain strings and numbers only
    expect(
      fieldErrorFrom({
        field: 'x',
        code: 'locked',
        params: { reason: 'IT', extra: { toString: 'x' }, n: Infinity },
      }).params,
    ).toEqual({ reason: 'IT' });
  });
});
