// Resume from sleep and network changes nudge the connection engine, which then checks its
// liveness deadline at once and skips any backoff wait.
import type { Net, PowerMonitor } from 'electron';

export function watchPowerAndNetwork(
  powerMonitor: Pick<PowerMonitor, 'on' | 'removeListener'>,
  net: Pick<Net, 'isOnline'>,
  nudge: (reason: string) => void,
  pollMs = 5_000,
): () => void {
  const onResume = () => nudge('resume');
  const onUnlock = () => nudge('unlock');
  powerMonitor.on('resume', onResume);
  powerMonitor.on('unlock-screen', onUnlock);
  // The main process has no network-change event; watch the online flag for its edges.
  let online = net.isOnline();
  const timer = setInterval(() => {
    const now = net.isOnline();
    if (now !== online) {
      online = now;
      nudge(now ? 'network online' : 'network offline');
    }
  }, pollMs);
  timer.unref?.();
  return () => {
    clearInterval(timer);
    powerMonitor.removeListener('resume', onResume);
    powerMonitor.removeListener('unlock-screen', onUnlock);
  };
}
