/**
 * The one state of the window's data, from the Go side's connection state: live,
 * catching up (percent, time left), offline since a time, or connecting at start.
 * Offline or catching up, the data is "as of" an instant: statuses and "… ago" times
 * are computed at it instead of ticking as if live.
 */
import type { ConnectionState } from '../api/types';

export type DataState =
  | { kind: 'connecting' }
  | { kind: 'live' }
  | { kind: 'catchingUp'; percent: number; etaSeconds: number | null; firstSync: boolean; asOf: number | null }
  | { kind: 'offline'; since: number | null; asOf: number | null; problem: string; firstSync: boolean; retrying: boolean };

function ms(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

export function dataStateOf(c: ConnectionState | null): DataState {
  if (!c) return { kind: 'connecting' };
  if (c.state === 'offline' || (c.state === 'connecting' && c.offlineSince)) {
    return {
      kind: 'offline',
      since: ms(c.offlineSince),
      asOf: ms(c.asOf),
      problem: c.problem ?? 'Cannot reach the ledger.',
      firstSync: c.firstSync,
      retrying: c.state === 'connecting',
    };
  }
  if (c.state === 'connecting') return { kind: 'connecting' };
  if (c.catchingUp || c.firstSync) {
    return { kind: 'catchingUp', percent: c.percent, etaSeconds: c.etaSeconds, firstSync: c.firstSync, asOf: ms(c.asOf) };
  }
  return { kind: 'live' };
}

/** Whether the cards' statuses may still change as history is replayed (not final). */
export function provisional(d: DataState): boolean {
  return (d.kind === 'catchingUp') || (d.kind === 'offline' && d.firstSync);
}

/** The instant the data holds: now while live, else the "as of" instant when known. */
export function dataInstant(d: DataState, now: number): number {
  if (d.kind === 'offline' || d.kind === 'catchingUp') return d.asOf ?? now;
  return now;
}

/** "about 40 s left", "about 3 min left"; "" when unknown. */
export function timeLeft(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  if (seconds < 60) return `about ${Math.max(1, Math.round(seconds / 5) * 5)} s left`;
  if (seconds < 3600) return `about ${Math.round(seconds / 60)} min left`;
  return `about ${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min left`;
}

/** "14:02" in the supervisor's local time. */
export function clockTime(t: number): string {
  const d = new Date(t);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}
