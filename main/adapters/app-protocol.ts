// Serves the window from the app's own files over app://katya/, never from the network or
// file://. Every response carries the strict Content-Security-Policy.
import type { Protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { resolveInside, windowCsp, windowHeaders } from '../core/window-files';

export const CSP = windowCsp("'none'");

/** Must run before app is ready. */
export function registerAppScheme(protocol: Protocol): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: false } },
  ]);
}

export function serveRenderer(protocol: Protocol, root: string): void {
  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    const file = url.host === 'katya' ? resolveInside(root, url.pathname) : null;
    if (!file) return new Response('not found', { status: 404 });
    try {
      return new Response(await readFile(file), { headers: windowHeaders(file, CSP) });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}
