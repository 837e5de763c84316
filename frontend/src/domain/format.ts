/** Formatting helpers shared by all screens. Locale: en-AU. */

const LOCALE = 'en-AU';

const aud = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'AUD' });
const num = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 4 });
const dateTime = new Intl.DateTimeFormat(LOCALE, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const dateOnly = new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const timeOnly = new Intl.DateTimeFormat(LOCALE, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export const DASH = '—';

export function formatAud(v: number | null | undefined): string {
  return v === null || v === undefined || Number.isNaN(v) ? DASH : aud.format(v);
}

export function formatNumber(v: number): string {
  return num.format(v);
}

export function formatDays(v: number | null | undefined): string {
  if (v === null || v === undefined) return DASH;
  return v === 1 ? '1 day' : `${formatNumber(v)} days`;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : dateTime.format(t);
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : timeOnly.format(t);
}

/** A calendar date (YYYY-MM-DD, no zone) as "3 Mar 1990". */
export function formatDate(ymd: string | null | undefined): string {
  if (!ymd) return DASH;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd.trim());
  if (!m) return formatDateTime(ymd);
  return dateOnly.format(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

/** Compact elapsed time: "12s", "5m", "3h 4m", "2d 5h". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

/** "5m ago" for an ISO time relative to nowMs; "—" when absent. */
export function timeAgo(iso: string | null | undefined, nowMs: number): string {
  if (!iso) return DASH;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return DASH;
  return `${formatDuration(nowMs - t)} ago`;
}

export function initials(name: string | null | undefined): string {
  const parts = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '?';
  const first = parts[0][0] ?? '';
  const last = parts.length > 1 ? (parts[parts.length - 1][0] ?? '') : '';
  return (first + last).toUpperCase();
}

export function customerName(name: string | null | undefined): string {
  return name && name.trim() ? name : 'Unknown customer';
}

export function yesNo(v: boolean | null | undefined): string {
  return v === null || v === undefined ? DASH : v ? 'Yes' : 'No';
}

const ACRONYMS: Record<string, string> = {
  id: 'ID',
  pep: 'PEP',
  kyc: 'KYC',
  ekyc: 'eKYC',
  dob: 'DOB',
  url: 'URL',
  api: 'API',
  abn: 'ABN',
  acn: 'ACN',
  aml: 'AML',
  dp: 'DP',
  llm: 'LLM',
  bsb: 'BSB',
};

/** `sanctionsResult` / `sanctions_result` / `SANCTIONS-RESULT` → "Sanctions result". */
export function humanise(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_\-.]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  if (words.length === 0) return key;
  return words
    .map((w, i) => {
      if (ACRONYMS[w]) return ACRONYMS[w];
      return i === 0 ? w[0].toUpperCase() + w.slice(1) : w;
    })
    .join(' ');
}

/** "UNDER_REVIEW" / "under_review" → "Under review". */
export function humaniseValue(v: string): string {
  return humanise(v.toLowerCase());
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Formats a string that looks like a date or time; otherwise returns it unchanged. */
export function formatMaybeDate(s: string): string {
  if (ISO_DATE.test(s)) return formatDate(s);
  if (ISO_DATE_TIME.test(s)) return formatDateTime(s);
  return s;
}
