// Channel names only, so the sandboxed preload bundle stays tiny (no schema library).
// contract.ts checks at compile time that these lists match its schema maps exactly.
export const INVOKE_CHANNELS = [
  'app:snapshot',
  'feed:query',
  'feed:get',
  'feed:markRead',
  'feed:markAllRead',
  'metrics:list',
  'settings:update',
  'token:set',
  'token:clear',
  'proxyAuth:set',
  'proxyAuth:clear',
  'connection:reconnectNow',
  'connection:test',
  'notifications:snooze',
  'diagnostics:get',
  'diagnostics:copy',
  'app:about',
  'update:check',
  'update:download',
  'update:install',
] as const;

export const SEND_CHANNELS = ['window:ready', 'feed:opened'] as const;

export const EVENT_CHANNELS = [
  'feed:added',
  'connection:changed',
  'servers:changed',
  'subscriptions:changed',
  'settings:changed',
  'unread:changed',
  'metrics:changed',
  'notification:shown',
  'navigate:event',
  'navigate:view',
  'update:changed',
] as const;
