// Small inline SVG icons (no files to load, nothing the CSP has to allow). Decorative: the
// text next to each icon carries the meaning.
import type { Channel } from '../../main/core/common/views';

const PATHS: Record<Channel, string> = {
  messages: 'M3 4h14v9H8l-4 3v-3H3z',
  rooms: 'M3 17V5l7-2 7 2v12M8 17v-5h4v5',
  trust: 'M10 2l6 3v5c0 4-3 6.5-6 8-3-1.5-6-4-6-8V5z',
  analytics: 'M3 17h14M5 14V9M9 14V5M13 14v-3M17 14V7',
  security: 'M10 2a4 4 0 0 1 4 4v2h1v9H5V8h1V6a4 4 0 0 1 4-4zM8 8h4V6a2 2 0 0 0-4 0z',
  system: 'M10 6.5a3.5 3.5 0 1 0 0 7 3.5 3.5 0 0 0 0-7zM10 1v3M10 16v3M1 10h3M16 10h3',
};

export function ChannelIcon({ channel }: { channel: string }) {
  const d = PATHS[channel as Channel] ?? 'M4 4h12v12H4z';
  return (
    <svg
      class="icon"
      viewBox="0 0 20 20"
      width="18"
      height="18"
      aria-hidden="true"
      focusable="false"
    >
      <path d={d} />
    </svg>
  );
}

export type NavIconName = 'feed' | 'metrics' | 'settings' | 'diagnostics' | 'about';

const NAV_PATHS: Record<NavIconName, string> = {
  feed: 'M3 5h14M3 10h14M3 15h9',
  metrics: 'M3 15l4-5 3 3 4-7 3 4',
  settings:
    'M10 7a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM10 1.5v2.5M10 16v2.5M1.5 10H4M16 10h2.5M4 4l1.8 1.8M14.2 14.2L16 16M4 16l1.8-1.8M14.2 5.8L16 4',
  diagnostics: 'M2 10h4l2-5 4 10 2-5h4',
  // an "i" in a circle
  about: 'M10 2.5a7.5 7.5 0 1 0 0 15 7.5 7.5 0 0 0 0-15zM10 9v5M10 6v.5',
};

export function NavIcon({ name }: { name: NavIconName }) {
  return (
    <svg
      class="icon"
      viewBox="0 0 20 20"
      width="20"
      height="20"
      aria-hidden="true"
      focusable="false"
    >
      <path d={NAV_PATHS[name]} />
    </svg>
  );
}

/** A bell struck through: a server's notifications are snoozed. */
export function SnoozedIcon() {
  return (
    <svg
      class="icon"
      viewBox="0 0 20 20"
      width="14"
      height="14"
      aria-hidden="true"
      focusable="false"
    >
      <path d="M6 13.5V9a4 4 0 0 1 6.5-3.1M14 8.5v5l1.5 1.5h-11M8.5 17a1.5 1.5 0 0 0 3 0M3 3l14 14" />
    </svg>
  );
}
