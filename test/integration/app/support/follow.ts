// The settings change a test makes where version 2 set `serverUrl`: follow this one server.
import type { AppService } from '../../../../main/app/app-service';
import { newServer } from '../../../../main/core/common/servers';

/**
 * Make `url` the one server followed: the server already listed gets the new address (it keeps
 * its id, and so its token, which stays bound to the old address), or a new one is added; ''
 * follows none (the demo).
 */
export function follow(a: { svc: AppService }, url: string) {
  if (url === '') return { servers: [] };
  const current = a.svc.snapshot().settings.servers[0];
  return { servers: [current ? { ...current, url } : newServer(url, [])] };
}
