import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CSP } from '../../../main/adapters/app-protocol';
import { resolveInside } from '../../../main/core/window-files';
import { isOwnUrl } from '../../../main/adapters/security';
import {
  setXdgAutostart,
  xdgAutostartEnabled,
  xdgAutostartFile,
} from '../../../main/core/autostart';

describe('app:// protocol', () => {
  const root = path.resolve('/app/dist/renderer');
  it('serves files inside the renderer folder only', () => {
    expect(resolveInside(root, '/')).toBe(path.join(root, 'index.html'));
    expect(resolveInside(root, '/assets/main.js')).toBe(path.join(root, 'assets/main.js'));
    expect(resolveInside(root, '/../main/index.cjs')).toBeNull();
    expect(resolveInside(root, '/%2e%2e/%2e%2e/etc/passwd')).toBeNull();
    expect(resolveInside(root, '/%E0%A4%A')).toBeNull();
  });
  it('sends a strict CSP: no inline script, no remote anything', () => {
    expect(CSP).toContain("default-src 'none'");
    expect(CSP).toContain("script-src 'self'");
    expect(CSP).not.toContain('unsafe-inline');
    expect(CSP).not.toContain('unsafe-eval');
    expect(CSP).toContain("connect-src 'none'");
  });
});

describe('navigation guard', () => {
  it('allows only our own origin', () => {
    expect(isOwnUrl('app://katya/index.html')).toBe(true);
    expect(isOwnUrl('app://katya.evil/index.html')).toBe(false);
    expect(isOwnUrl('https://katya.example/')).toBe(false);
    expect(isOwnUrl('file:///etc/passwd')).toBe(false);
    expect(isOwnUrl('javascript:alert(1)')).toBe(false);
  });
});

describe('Linux autostart entry', () => {
  it('writes and removes an XDG autostart file with a quoted Exec line', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'katya-home-'));
    const file = xdgAutostartFile({}, home);
    expect(file).toBe(path.join(home, '.config', 'autostart', 'katya-desktop.desktop'));
    expect(xdgAutostartFile({ XDG_CONFIG_HOME: '/cfg' }, home)).toBe(
      '/cfg/autostart/katya-desktop.desktop',
    );
    expect(xdgAutostartFile({ XDG_CONFIG_HOME: 'relative' }, home)).toBe(file);
    setXdgAutostart(file, true, ['/opt/Katya Desktop/katya-desktop']);
    expect(xdgAutostartEnabled(file)).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('[Desktop Entry]');
    expect(text).toContain('Exec="/opt/Katya Desktop/katya-desktop" --hidden');
    setXdgAutostart(file, false, []);
    expect(existsSync(file)).toBe(false);
    expect(() => setXdgAutostart(file, false, [])).not.toThrow();
  });
});
