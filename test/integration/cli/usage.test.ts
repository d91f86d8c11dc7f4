// `katya --help`, `katya COMMAND --help` and bad usage (exit 2, with the reason and the usage).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KatyaProcess, buildKatya } from './katya-process';

let bin: string;
let cleanup: () => void;
beforeAll(async () => ({ bin, cleanup } = await buildKatya()), 60_000);
afterAll(() => cleanup?.());

describe('help', () => {
  it('describes every command', async () => {
    const r = await KatyaProcess.run(bin, ['--help']);
    expect(r.code).toBe(0);
    for (const word of ['katya server', 'katya tail', 'katya doctor', 'Exit codes']) {
      expect(r.stdout).toContain(word);
    }
  });

  it.each([
    [
      'server',
      [
        '--tokens FILE',
        '--demo-rate',
        '--max-subscriptions',
        '--ping-interval',
        '/healthz',
        'curl',
      ],
    ],
    [
      'tail',
      [
        '--url',
        '--token',
        'KATYA_TOKEN',
        '--auth',
        '--channels',
        '--events',
        '--json',
        '--idle-timeout',
        'notification',
        'security.alert.created',
        '--url [NAME=]URL',
        '--token NAME=TOKEN',
        '"server"',
      ],
    ],
    ['doctor', ['--url', '--token', 'TLS', 'round-trip']],
  ])('describes %s and its options', async (command, words) => {
    for (const args of [
      [command, '--help'],
      ['help', command],
    ]) {
      const r = await KatyaProcess.run(bin, args);
      expect(r.code).toBe(0);
      for (const word of words) expect(r.stdout, `${args.join(' ')}: ${word}`).toContain(word);
    }
  });
});

describe('bad usage exits with 2 and prints the usage', () => {
  it.each([
    ['no command', [], /Usage:/],
    ['an unknown command', ['frobnicate'], /no command "frobnicate"/],
    ['tail without --url', ['tail', '--token', 't'], /--url is required/],
    ['tail without a token', ['tail', '--url', 'ws://127.0.0.1:1/v1/ws'], /KATYA_TOKEN/],
    [
      'an unknown option',
      ['tail', '--url', 'ws://127.0.0.1:1/v1/ws', '--token', 't', '--colour'],
      /--colour/,
    ],
    [
      'a bad auth method',
      ['tail', '--url', 'ws://127.0.0.1:1/v1/ws', '--token', 't', '--auth', 'cookie'],
      /--auth must be one of header, query, message/,
    ],
    [
      'an unknown channel',
      ['tail', '--url', 'ws://127.0.0.1:1/v1/ws', '--token', 't', '--channels', 'rooms,gossip'],
      /unknown channel "gossip"/,
    ],
    [
      'an unknown event type',
      ['tail', '--url', 'ws://127.0.0.1:1/v1/ws', '--token', 't', '--events', 'room.exploded'],
      /unknown event type/,
    ],
    [
      'a bad idle timeout',
      ['tail', '--url', 'ws://127.0.0.1:1/v1/ws', '--token', 't', '--idle-timeout', 'soon'],
      /--idle-timeout/,
    ],
    ['a bad port', ['server', '--port', '99999'], /--port must be a whole number/],
    ['a negative demo rate', ['server', '--demo-rate', '-1'], /--demo-rate/],
    ['doctor without --url', ['doctor'], /--url is required/],
  ])('%s', async (_what, args, message) => {
    const r = await KatyaProcess.run(bin, args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/Usage: katya|Usage:\n/);
  });

  it('refuses ws:// to a host that is not this computer, and says why', async () => {
    const r = await KatyaProcess.run(bin, [
      'tail',
      '--url',
      'ws://katya.example/v1/ws',
      '--token',
      't',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unencrypted/);
    expect(r.stderr).toContain('wss://katya.example/v1/ws');
    expect(r.stderr).toContain('Usage: katya tail');
  });
});
