// The browser preview's stand-in for the Electron preload: the same `window.katya` (KatyaApi),
// carried over a WebSocket to the preview server on loopback instead of Electron IPC.
// Built only into dist/preview, which no packaged build contains.
//
// Secrets: the per-run launch secret comes in the page's URL fragment (never sent over HTTP),
// but the same URL is on the browser's command line, readable by every local user. So the
// bridge trades it, on its first connect, for a session secret the server makes for this page,
// and the launch secret is dead from then on. The session secret is kept in sessionStorage
// rather than only in memory so that a reload (the UI loop: rebuild the renderer, press F5)
// still connects: sessionStorage belongs to this tab and this origin only and ends with the
// tab, and any script able to read it already runs in the page and could call window.katya.
import { EVENT_CHANNELS, INVOKE_CHANNELS, SEND_CHANNELS } from './channels';
import type { EventChannel, EventPayloads, KatyaApi } from './contract';

type Outgoing =
  | { t: 'hello'; launch: string }
  | { t: 'hello'; session: string }
  | { t: 'invoke'; id: number; channel: string; args: unknown[] }
  | { t: 'send'; channel: string; args: unknown[] };

type Incoming =
  | { t: 'ready'; session?: string }
  | { t: 'result'; id: number; ok: true; value: unknown }
  | { t: 'result'; id: number; ok: false; error: string }
  | { t: 'event'; channel: string; payload: unknown };

const SESSION_KEY = 'katya-preview-session';

function loadSession(): string | null {
  try {
    return sessionStorage.getItem(SESSION_KEY);
  } catch {
    return null; // storage disabled: the session lives in memory only, until a reload
  }
}

function saveSession(value: string) {
  try {
    sessionStorage.setItem(SESSION_KEY, value);
  } catch {
    // as above
  }
}

/** The launch secret from the fragment, removed from the address bar and history: it works once. */
function takeLaunchSecret(): string | null {
  const launch = new URLSearchParams(location.hash.slice(1)).get('s');
  if (launch !== null) history.replaceState(history.state, '', location.pathname + location.search);
  return launch;
}

// A launch URL wins over a stored session: it means a new preview run (the old session died
// with the old server).
let launch = takeLaunchSecret();
let session = launch === null ? loadSession() : null;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
const listeners = new Map<string, Set<(payload: unknown) => void>>();
let queue: Outgoing[] = [];
let socket: WebSocket | null = null;
let ready = false;
let nextId = 1;
let retryMs = 250;

function post(message: Outgoing) {
  if (ready && socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  else queue.push(message);
}

/** The session secret once we have one; before that, the launch secret to exchange. */
function hello(): Outgoing {
  if (session !== null) return { t: 'hello', session };
  return { t: 'hello', launch: launch ?? '' };
}

function connect() {
  const ws = new WebSocket(
    `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/bridge`,
  );
  socket = ws;
  ws.onopen = () => ws.send(JSON.stringify(hello()));
  ws.onmessage = (e) => {
    let m: Incoming;
    try {
      m = JSON.parse(String(e.data)) as Incoming;
    } catch {
      return;
    }
    if (m.t === 'ready') {
      if (typeof m.session === 'string') {
        session = m.session;
        launch = null;
        saveSession(session);
      }
      ready = true;
      retryMs = 250;
      const waiting = queue;
      queue = [];
      for (const q of waiting) post(q);
    } else if (m.t === 'result') {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.ok) p?.resolve(m.value);
      else p?.reject(new Error(m.error));
    } else if (m.t === 'event') {
      for (const l of listeners.get(m.channel) ?? []) l(m.payload);
    }
  };
  ws.onclose = () => {
    ready = false;
    // Calls in flight or waiting are lost with the socket: fail them so the window can say so,
    // and drop them from the queue so none runs later after being reported as failed.
    for (const [id, p] of pending) {
      pending.delete(id);
      p.reject(new Error('the preview server went away'));
    }
    queue = queue.filter((m) => m.t !== 'invoke');
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 5000);
  };
}

const invoke = Object.fromEntries(
  INVOKE_CHANNELS.map((channel) => [
    channel,
    (...args: unknown[]) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        post({ t: 'invoke', id, channel, args });
      }),
  ]),
) as KatyaApi['invoke'];

const send = Object.fromEntries(
  SEND_CHANNELS.map((channel) => [
    channel,
    (...args: unknown[]) => post({ t: 'send', channel, args }),
  ]),
) as KatyaApi['send'];

const known = new Set<string>(EVENT_CHANNELS);

const api: KatyaApi = {
  invoke,
  send,
  on<C extends EventChannel>(channel: C, listener: (payload: EventPayloads[C]) => void) {
    if (!known.has(channel)) throw new Error(`unknown event channel: ${String(channel)}`);
    const set = listeners.get(channel) ?? new Set();
    listeners.set(channel, set);
    const l = listener as (payload: unknown) => void;
    set.add(l);
    return () => {
      set.delete(l);
    };
  },
};

Object.defineProperty(window, 'katya', {
  value: Object.freeze(api),
  writable: false,
  configurable: false,
});
connect();
