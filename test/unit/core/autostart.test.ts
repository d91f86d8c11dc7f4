import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setXdgAutostart, xdgAutostartEnabled } from '../../../main/core/autostart';

describe('the XDG autostart entry (Linux start at login)', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'katya-autostart-'));
    file = path.join(dir, 'autostart', 'katya-desktop.desktop');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const execLine = (exec: string[]) => {
    setXdgAutostart(file, true, exec);
    return readFileSync(file, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Exec='));
  };

  it('is a complete desktop entry that starts the app hidden, readable by the desktop', () => {
    setXdgAutostart(file, true, ['/usr/bin/katya-desktop']);
    expect(readFileSync(file, 'utf8')).toBe(
      [
        '[Desktop Entry]',
        'Type=Application',
        'Name=Katya Desktop',
        'Comment=Katya server alerts in the tray',
        'Exec=/usr/bin/katya-desktop --hidden',
        'Terminal=false',
        'X-GNOME-Autostart-enabled=true',
        '',
      ].join('\n'),
    );
    expect(statSync(file).mode & 0o777).toBe(0o644);
    expect(xdgAutostartEnabled(file)).toBe(true);
  });

  it('quotes an Exec argument only when it must, escaping what the specification says', () => {
    expect(execLine(['/opt/katya', '--flag=1'])).toBe('Exec=/opt/katya --flag=1 --hidden');
    expect(execLine(['/opt/Katya Desktop/k'])).toBe('Exec="/opt/Katya Desktop/k" --hidden');
    expect(execLine(['/opt/tab\there'])).toBe('Exec="/opt/tab\there" --hidden');
    expect(execLine([`it's`])).toBe(`Exec="it's" --hidden`);
    expect(execLine(['a"b', 'c$d', 'e`f', 'g\\h'])).toBe(
      'Exec="a\\"b" "c\\$d" "e\\`f" "g\\\\h" --hidden',
    );
  });

  it('is removed when turned off, and turning off twice is fine', () => {
    setXdgAutostart(file, true, ['/opt/katya']);
    setXdgAutostart(file, false, []);
    expect(xdgAutostartEnabled(file)).toBe(false);
    expect(() => setXdgAutostart(file, false, [])).not.toThrow();
  });
});
