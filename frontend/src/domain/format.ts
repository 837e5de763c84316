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

export const UNKNOWN_CUSTOMER = 'Name not given yet';

/**
 * The one way every screen names a customer from a profile: the name as sent, trimmed;
 * without one, "Name not given yet". Rows and cards use nameOf, which has more to go on.
 */
export function customerName(name: string | null | undefined): string {
  const n = name?.trim();
  return n ? n : UNKNOWN_CUSTOMER;
}

/** A name to show and whether it is the customer's own (provisional: it stands in for one). */
export interface NameInfo {
  text: string;
  provisional: boolean;
  /** Why this stands in for the name (a tooltip); null for a real name. */
  hint: string | null;
}

const NAME_HINTS: Record<string, string> = {
  message: 'Name not given yet: how the assistant addressed them',
  loan: 'Name not given yet: the loan asked for',
  id: 'Name not given yet: the customer id',
};

/**
 * What a card or a customers row calls the customer: the name as sent, else the best
 * thing the Go side knows (displayName, with its source: the name the assistant used,
 * the loan, the customer id), else "New customer".
 */
export function nameOf(name: string | null | undefined, displayName?: string | null, source?: string | null): NameInfo {
  const n = name?.trim();
  if (n) return { text: n, provisional: false, hint: null };
  const d = displayName?.trim();
  if (d) return { text: d, provisional: true, hint: NAME_HINTS[source ?? ''] ?? 'Name not given yet' };
  return { text: 'New customer', provisional: true, hint: 'Nothing is known about the customer yet' };
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

/** The lower-case words of a key in camelCase, snake_case, kebab-case or spaces. */
function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_\-.]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** `sanctionsResult` / `sanctions_result` / `SANCTIONS-RESULT` → "Sanctions result". */
export function humanise(key: string): string {
  const words = keyWords(key);
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

/**
 * A process stage or step name as sent (`identity_verification`, `loanDetails`,
 * `ID_DOCUMENT`) as a label: "Identity verification", "Loan details", "ID document".
 * Empty or absent names give "—".
 */
export function stageLabel(name: string | null | undefined): string {
  const n = name?.trim();
  if (!n) return DASH;
  return humanise(n === n.toUpperCase() ? n.toLowerCase() : n);
}

/** Words in a key that say its number is an amount of money. */
const MONEY_WORDS = new Set([
  'amount',
  'amounts',
  'income',
  'incomes',
  'expense',
  'expenses',
  'loan',
  'loans',
  'fee',
  'fees',
  'total',
  'repayment',
  'repayments',
  'surplus',
  'deficit',
  'payable',
  'balance',
  'salary',
  'rent',
  'principal',
  'cost',
  'costs',
  'price',
]);

/** Words that make a number something else even next to a money word (`loan_term`, `total_steps`). */
const NOT_MONEY_WORDS = new Set([
  'ratio',
  'rate',
  'percent',
  'percentage',
  'pct',
  'term',
  'terms',
  'day',
  'days',
  'week',
  'weeks',
  'month',
  'months',
  'year',
  'years',
  'count',
  'number',
  'num',
  'score',
  'id',
  'step',
  'steps',
  'stage',
  'stages',
]);

/**
 * Whether a field of producer data holds an amount of money, judged by its key:
 * `monthly_income`, `monthlyExpenses`, `max_loan`, `loan_fee`, `total_payable`,
 * `repayments` are; `loan_term`, `repayment_to_income_ratio`, `total_steps` are not.
 */
export function isMoneyKey(key: string): boolean {
  const words = keyWords(key);
  if (words.some((w) => NOT_MONEY_WORDS.has(w))) return false;
  return words.some((w) => MONEY_WORDS.has(w));
}

/** Words that say a number counts days: `loanTerm`, `term_days`, `statement_days`. */
const DAY_WORDS = new Set(['term', 'days', 'day']);

/**
 * Whether a field of producer data counts days, judged by its key (the contract gives
 * `loanTerm` in days): `loanTerm`, `term_days`, `statement_days`; not `loan_amount`.
 */
export function isDaysKey(key: string): boolean {
  const words = keyWords(key);
  return words.some((w) => DAY_WORDS.has(w)) && !words.some((w) => w === 'ratio' || w === 'rate');
}

/**
 * A noticeboard name `agent::Topic` split into what a supervisor reads: the topic
 * ("Identity Check") and the agent as a label ("Identity agent"). A name without "::"
 * is a topic with no agent; an empty topic is "General".
 */
export function noticeName(name: string | null | undefined): { topic: string; agent: string | null } {
  const raw = (name ?? '').trim();
  const at = raw.indexOf('::');
  const agentPart = at >= 0 ? raw.slice(0, at).trim() : '';
  const topicPart = at >= 0 ? raw.slice(at + 2).trim() : raw;
  return { topic: topicPart || 'General', agent: agentPart ? humanise(agentPart) : null };
}
