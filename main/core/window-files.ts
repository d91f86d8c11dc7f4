// How the window's files are served, by the app's app:// protocol and by the browser preview
// alike: one Content-Security-Policy, one table of content types, one path check.
import path from 'node:path';

/**
 * The window's policy: its own scripts and styles only, nothing inline, nothing remote.
 * `connect` is 'none' in the app (it talks over IPC) and 'self' in the preview (its bridge).
 */
export function windowCsp(connect: "'none'" | "'self'"): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export function contentType(file: string): string {
  return CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
}

/** The file a request path names inside root, or null if it tries to leave root. */
export function resolveInside(root: string, urlPath: string): string | null {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath).replace(/^\/+/, '') || 'index.html';
  } catch {
    return null;
  }
  const base = path.resolve(root);
  const file = path.resolve(base, rel);
  return file.startsWith(base + path.sep) ? file : null;
}

/** Headers for every file of the window. */
export function windowHeaders(file: string, csp: string): Record<string, string> {
  return {
    'content-type': contentType(file),
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
  };
}
