/** Number and size formats of the Operations screens. */
import { DASH, formatNumber } from '../../domain/format';

export function formatBytes(n: number): string {
  if (!n) return DASH;
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  return `${formatNumber(Math.round(ms))} ms`;
}

export function formatRate(perSec: number): string {
  if (perSec >= 100) return `${formatNumber(Math.round(perSec))}/s`;
  return `${+perSec.toFixed(1)}/s`;
}

/** Seconds as "1 h 5 min", "4 min 10 s", "12 s". */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${s} s`;
}

/** A datetime-local input's value ("2026-11-30T09:00") as an RFC 3339 UTC time, or "". */
export function localInputToIso(v: string): string {
  if (!v) return '';
  const t = new Date(v);
  return Number.isNaN(t.getTime()) ? '' : t.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An RFC 3339 time as a datetime-local input's value, in this computer's zone. */
export function isoToLocalInput(iso: string): string {
  if (!iso) return '';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())}T${p(t.getHours())}:${p(t.getMinutes())}`;
}
