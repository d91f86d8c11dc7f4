import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  contentType,
  resolveInside,
  windowCsp,
  windowHeaders,
} from '../../../main/core/window-files';

describe('the window files, as app:// and the preview serve them', () => {
  const root = path.resolve('/app/dist/renderer');

  it('names the content type of each kind of file, and octet-stream for the rest', () => {
    expect(contentType('/r/index.html')).toBe('text/html; charset=utf-8');
    expect(contentType('main.js')).toBe('text/javascript; charset=utf-8');
    expect(contentType('a/b.css')).toBe('text/css; charset=utf-8');
    expect(contentType('icon.svg')).toBe('image/svg+xml');
    expect(contentType('icon.png')).toBe('image/png');
    expect(contentType('font.woff2')).toBe('font/woff2');
    expect(contentType('data.json')).toBe('application/json');
    expect(contentType('archive.zip')).toBe('application/octet-stream');
    expect(contentType('README')).toBe('application/octet-stream');
  });

  it('sends every file with its type, the policy, and no sniffing', () => {
    expect(windowHeaders('/r/main.js', 'the-csp')).toEqual({
      'content-type': 'text/javascript; charset=utf-8',
      'content-security-policy': 'the-csp',
      'x-content-type-options': 'nosniff',
    });
  });

  it('has one policy: own files only, connect as asked', () => {
    expect(windowCsp("'self'")).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
        "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; " +
        "frame-ancestors 'none'",
    );
    expect(windowCsp("'none'")).toContain("connect-src 'none';");
  });

  it('resolves a request path inside the root, with or without leading slashes', () => {
    expect(resolveInside(root, '')).toBe(path.join(root, 'index.html'));
    expect(resolveInside(root, '///')).toBe(path.join(root, 'index.html'));
    expect(resolveInside(root, 'assets/main.js')).toBe(path.join(root, 'assets', 'main.js'));
    expect(resolveInside(root, '//assets/main.js')).toBe(path.join(root, 'assets', 'main.js'));
    expect(resolveInside(root, '/a%20b.css')).toBe(path.join(root, 'a b.css'));
  });

  it('refuses the root itself and a sibling folder whose name starts like it', () => {
    expect(resolveInside(root, '/.')).toBeNull();
    expect(resolveInside(root, '/../renderer-evil/x.js')).toBeNull();
    expect(resolveInside(root, '/%E0%A4%A')).toBeNull();
  });
});
