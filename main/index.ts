// Electron main process: builds the core services and the adapters, and wires them.
import { app } from 'electron';

app.whenReady().then(() => {
  console.error('Katya Desktop: the Electron shell is not built yet (issue 6).');
  app.quit();
});
