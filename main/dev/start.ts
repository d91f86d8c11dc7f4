// `npm start`: launch the built app in Electron, or say plainly why it cannot start here and
// point to the browser preview instead of printing a stack trace.
import { spawn } from 'node:child_process';
import { findElectronBinary } from './electron-binary';

const binary = findElectronBinary({ tryDownload: true });
if (!binary) {
  console.error(
    'Katya Desktop cannot start: the Electron binary is not installed and could not be downloaded.',
  );
  console.error('Run the same app in a browser instead: npm run preview');
  console.error('(or install Electron where its download is reachable, then run npm start again)');
  process.exit(1);
}

const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
