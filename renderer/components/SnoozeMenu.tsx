// "Snooze": a button and its menu of choices (1 hour, 4 hours, until tomorrow, resume). In the
// status bar it is for every server; with several servers it also offers one server at a time
// (a select at the top of the menu). In a server's row of the settings it is for that server.
import { ServerSelect } from './ServerSelect';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { useApp } from './context';
import type { ServerView, SnoozeChoice } from '../../main/core/common/views';

/** A snooze that still runs at `now`: its end, or null. */
export function runningSnooze(until: number | null | undefined, now: number): number | null {
  return typeof until === 'number' && until > now ? until : null;
}

/** The servers whose notifications are held now, each with its end, in the user's order. */
export function snoozedServers(
  ids: readonly string[],
  views: readonly ServerView[],
  now: number,
): { id: string; until: number }[] {
  const out: { id: string; until: number }[] = [];
  for (const id of ids) {
    const until = runningSnooze(views.find((v) => v.id === id)?.snoozedUntil, now);
    if (until !== null) out.push({ id, until });
  }
  return out;
}

const CHOICES: [SnoozeChoice, 'snooze.1h' | 'snooze.4h' | 'snooze.tomorrow'][] = [
  ['1h', 'snooze.1h'],
  ['4h', 'snooze.4h'],
  ['tomorrow', 'snooze.tomorrow'],
];

export function SnoozeMenu(props: {
  /** one server's snooze (its id); absent: every server's, or the one picked in the menu */
  server?: string;
  /** the menu's id (unique in the page) */
  menuId: string;
  /** open below the button rather than above it (the status bar's opens upwards) */
  below?: boolean;
  /** shown before the button (the status bar's "snoozed until") */
  children?: ComponentChildren;
}) {
  const app = useApp();
  const { t, time } = app.i18n.value;
  const [open, setOpen] = useState(false);
  /** the server picked in the status bar's menu; '' for all */
  const [picked, setPicked] = useState('');
  const wrap = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const now = app.coarseClock.value;
  const multi = app.multiServer.value;
  const configured = app.settings.value.servers;
  const views = app.servers.value;
  const fixed = props.server;
  const picker = fixed === undefined && multi;
  const target = fixed ?? (picker && configured.some((s) => s.id === picked) ? picked : undefined);
  const name = target === undefined ? '' : app.serverName(target);
  const targetUntil =
    target === undefined
      ? null
      : runningSnooze(views.find((v) => v.id === target)?.snoozedUntil, now);
  // Everyone's "Resume" is offered while anyone's snooze runs: it ends each server's too.
  const snoozed =
    target !== undefined
      ? targetUntil !== null
      : runningSnooze(app.snoozedUntil.value, now) !== null ||
        (multi &&
          snoozedServers(
            configured.map((s) => s.id),
            views,
            now,
          ).length > 0);

  useEffect(() => {
    if (!open) return;
    wrap.current?.querySelector<HTMLElement>('.menu select, .menu button')?.focus();
    const onDown = (e: MouseEvent) => {
      if (wrap.current && !wrap.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const choose = (c: SnoozeChoice) => {
    setOpen(false);
    button.current?.focus();
    void app.snooze(c, target);
  };
  const label = fixed === undefined ? t('snooze.menu') : t('snooze.menuFor', { name });
  const selectId = `${props.menuId}-target`;

  return (
    <div
      class={`snooze${props.below ? ' below' : ''}`}
      ref={wrap}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          setOpen(false);
          button.current?.focus();
        }
      }}
    >
      {props.children}
      <button
        type="button"
        ref={button}
        class="quiet"
        aria-expanded={open}
        aria-controls={props.menuId}
        aria-label={label}
        onClick={() => {
          // each time it opens, the status bar's menu is for every server again
          if (!open) setPicked('');
          setOpen(!open);
        }}
      >
        {t('snooze.button')}
      </button>
      {open && (
        <div class="menu" id={props.menuId} role="group" aria-label={label}>
          {picker && (
            <div class="menu-target">
              <label for={selectId}>{t('snooze.target')}</label>
              <ServerSelect
                id={selectId}
                value={target ?? ''}
                allLabel={t('snooze.allServers')}
                servers={configured}
                onChange={setPicked}
              />
            </div>
          )}
          {picker && targetUntil !== null && (
            <p class="menu-note">{t('servers.snoozedUntil', { time: time(targetUntil) })}</p>
          )}
          <ul>
            {CHOICES.map(([c, key]) => (
              <li key={c}>
                <button type="button" onClick={() => choose(c)}>
                  {t(key)}
                </button>
              </li>
            ))}
            {snoozed && (
              <li>
                <button type="button" onClick={() => choose('off')}>
                  {target === undefined ? t('snooze.off') : t('snooze.offFor', { name })}
                </button>
              </li>
            )}
          </ul>
        </div>
      )}
    </div>
  );
}
