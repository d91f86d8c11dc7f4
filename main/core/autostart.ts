// Start at login on Linux: Electron's login-item API covers only macOS and Windows, so on
// Linux we write (or remove) an XDG autostart entry, which every major desktop honours.
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

export function xdgAutostartFile(env: NodeJS.ProcessEnv, home: string): string {
  const configHome =
    env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME)
      ? env.XDG_CONFIG_HOME
      : path.join(home, '.config');
  return path.join(configHome, 'autostart', 'katya-desktop.desktop');
}

/** Quote an Exec= argument as the Desktop Entry specification asks. */
function quoteExec(arg: string): string {
  return /[\s"'\\$`]/.test(arg) ? `"${arg.replace(/(["`$\\])/g, '\\$1')}"` : arg;
}

export function setXdgAutostart(file: string, enabled: boolean, exec: string[]): void {
  if (!enabled) {
    rmSync(file, { force: true });
    return;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const entry = [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Katya Desktop',
    'Comment=Katya server alerts in the tray',
    `Exec=${exec.map(quoteExec).join(' ')} --hidden`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
  // Stryker disable next-line ObjectLiteral: under the usual umask (022) the default gives 0644 too
  writeFileSync(file, entry, { mode: 0o644 });
}

export function xdgAutostartEnabled(file: string): boolean {
  return existsSync(file);
}
