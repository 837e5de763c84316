/**
 * The one map from the producer's codes to what a supervisor reads: plain words and a
 * tone (the colour of a chip). The codes come from the event contract
 * (/work/shared/spec/chatledger.md) and what the producer really sends: final decisions,
 * identity-risk decisions, sanctions and PEP results, eKYC statuses, fraud results and
 * signals, individual statuses, document and address types, answer input types and the
 * process's stage and step names. A code not in the map is humanised ("SOME_CODE" →
 * "Some code") with a neutral tone, so nothing raw reaches the screen.
 */
import type { Assessment, JsonValue } from '../api/types';
import { formatAud, formatNumber, humanise, humaniseValue } from './format';

/** good = green, bad = red, warn = amber, info = blue, neutral = grey. */
export type Tone = 'good' | 'bad' | 'warn' | 'info' | 'neutral';

export interface CodeMeaning {
  label: string;
  tone: Tone;
}

const CODES: Record<string, CodeMeaning> = {
  // final decisions and application outcomes
  APPROVED: { label: 'Approved', tone: 'good' },
  APPROVE: { label: 'Approve', tone: 'good' },
  DECLINED: { label: 'Declined', tone: 'bad' },
  DECLINE: { label: 'Decline', tone: 'bad' },
  WITHDRAWN: { label: 'Withdrawn', tone: 'neutral' },
  // portal application statuses
  DRAFT: { label: 'Draft', tone: 'neutral' },
  SUBMITTED: { label: 'Submitted', tone: 'info' },
  UNDER_REVIEW: { label: 'Under review', tone: 'info' },
  // identity-risk decisions, generic pass/fail outcomes
  PASS: { label: 'Passed', tone: 'good' },
  PASSED: { label: 'Passed', tone: 'good' },
  FAIL: { label: 'Failed', tone: 'bad' },
  FAILED: { label: 'Failed', tone: 'bad' },
  REFER: { label: 'Referred for review', tone: 'warn' },
  // sanctions and PEP screening
  CLEAR: { label: 'Clear', tone: 'good' },
  POTENTIAL_MATCH: { label: 'Potential match', tone: 'bad' },
  MATCH: { label: 'Match', tone: 'bad' },
  NOT_PEP: { label: 'Not a PEP', tone: 'good' },
  PEP: { label: 'Politically exposed person', tone: 'warn' },
  // eKYC
  VERIFIED: { label: 'Verified', tone: 'good' },
  PENDING: { label: 'Pending', tone: 'info' },
  NOT_VERIFIED: { label: 'Not verified', tone: 'bad' },
  // fraud results
  LOW_RISK: { label: 'Low risk', tone: 'good' },
  MEDIUM_RISK: { label: 'Medium risk', tone: 'warn' },
  HIGH_RISK: { label: 'High risk', tone: 'bad' },
  // fraud signals
  DEVICE_MISMATCH: { label: 'Device mismatch', tone: 'bad' },
  VELOCITY_CHECK: { label: 'Many applications in a short time', tone: 'bad' },
  EMAIL_AGE_LOW: { label: 'New email address', tone: 'bad' },
  IP_GEOLOCATION_MISMATCH: { label: 'IP location mismatch', tone: 'bad' },
  // individual status
  LIVING: { label: 'Living', tone: 'neutral' },
  DECEASED: { label: 'Deceased', tone: 'bad' },
  MISSING: { label: 'Missing', tone: 'bad' },
  // documents and addresses
  DRIVERS_LICENCE: { label: 'Driver licence', tone: 'neutral' },
  PASSPORT: { label: 'Passport', tone: 'neutral' },
  MEDICARE: { label: 'Medicare card', tone: 'neutral' },
  GREEN: { label: 'Green', tone: 'neutral' },
  BLUE: { label: 'Blue', tone: 'neutral' },
  YELLOW: { label: 'Yellow', tone: 'neutral' },
  RESIDENTIAL: { label: 'Residential', tone: 'neutral' },
  MAILING: { label: 'Mailing', tone: 'neutral' },
  // answer input types (what the assistant asked for)
  YES_NO: { label: 'Yes / no question', tone: 'neutral' },
  CURRENCY: { label: 'Amount asked', tone: 'neutral' },
  TEXT: { label: 'Free text', tone: 'neutral' },
  ADDRESS: { label: 'Address asked', tone: 'neutral' },
  NONE: { label: 'No answer needed', tone: 'neutral' },
  DATE: { label: 'Date asked', tone: 'neutral' },
  // process stages and steps
  LOAN_DETAILS: { label: 'Loan details', tone: 'neutral' },
  LOAN_AMOUNT: { label: 'Loan amount', tone: 'neutral' },
  LOAN_PURPOSE: { label: 'Loan purpose', tone: 'neutral' },
  LOAN_TERM: { label: 'Loan term', tone: 'neutral' },
  IDENTITY: { label: 'Identity', tone: 'neutral' },
  PERSONAL_DETAILS: { label: 'Personal details', tone: 'neutral' },
  ID_DOCUMENT: { label: 'ID document', tone: 'neutral' },
  STATEMENTS: { label: 'Bank statements', tone: 'neutral' },
  CONSENT: { label: 'Consent', tone: 'neutral' },
  CAPTURE: { label: 'Statement capture', tone: 'neutral' },
  OFFER: { label: 'Offer', tone: 'neutral' },
  PRODUCT_OFFER: { label: 'Product offer', tone: 'neutral' },
  ATTESTATION: { label: 'Attestation', tone: 'neutral' },
  LLM: { label: 'Assistant', tone: 'neutral' },
  BUSINESS_LOGIC: { label: 'Automatic', tone: 'neutral' },
};

function key(code: string): string {
  return code
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toUpperCase();
}

/** Whether the producer's code is one the map knows (in any spelling: PASS, pass, yes_no, productOffer). */
export function isKnownCode(code: string): boolean {
  return key(code) in CODES;
}

/** What a code means: plain words and a tone. Unknown codes are humanised, neutral. */
export function codeMeaning(code: string | null | undefined): CodeMeaning {
  if (!code || !code.trim()) return { label: '—', tone: 'neutral' };
  const m = CODES[key(code)];
  if (m) return m;
  const c = code.trim();
  return { label: c === c.toUpperCase() || /[_-]/.test(c) ? humaniseValue(c) : humanise(c), tone: 'neutral' };
}

export function codeLabel(code: string | null | undefined): string {
  return codeMeaning(code).label;
}

/** One verdict chip: what was decided, its tone, and the reasons behind it. */
export interface Verdict {
  /** What the chip is about: "Identity", "Sanctions", "Fraud". */
  topic: string;
  label: string;
  tone: Tone;
  /** Plain-words reasons, shown beside the chip. */
  reasons: string[];
}

function str(v: JsonValue | undefined): string | null {
  return typeof v === 'string' && v.trim() ? v : null;
}

function num(v: JsonValue | undefined): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() && Number.isFinite(Number(v))) return Number(v);
  return null;
}

function codeVerdict(topic: string, code: string, reasons: string[] = []): Verdict {
  const m = codeMeaning(code);
  return { topic, label: m.label, tone: m.tone, reasons };
}

/**
 * The verdicts an assessment states, most important first: for identity risk the
 * decision, sanctions and PEP results; for a fraud check the result with its score and
 * signals; for serviceability whether it is serviceable with surplus and maximum loan;
 * for any other kind its outcome, result, decision or status field. Empty when the
 * assessment states none.
 */
export function assessmentVerdicts(a: Pick<Assessment, 'kind' | 'value'>): Verdict[] {
  const v = a.value;
  const out: Verdict[] = [];
  if (a.kind === 'identityRisk') {
    const d = str(v.decision);
    if (d) out.push(codeVerdict('Identity', d));
    const s = str(v.sanctionsResult) ?? str(v.sanctions_result);
    if (s) out.push(codeVerdict('Sanctions', s));
    const p = str(v.pepResult) ?? str(v.pep_result);
    if (p) out.push(codeVerdict('PEP', p));
    return out;
  }
  if (a.kind === 'fraudCheck') {
    const r = str(v.result) ?? str(v.outcome) ?? str(v.decision);
    const reasons: string[] = [];
    const score = num(v.score);
    if (score !== null) reasons.push(`score ${formatNumber(score)}`);
    if (Array.isArray(v.signals)) for (const s of v.signals) if (typeof s === 'string' && s.trim()) reasons.push(codeLabel(s));
    if (r) out.push(codeVerdict('Fraud', r, reasons));
    return out;
  }
  if (a.kind === 'serviceability') {
    if (typeof v.serviceable === 'boolean') {
      const reasons: string[] = [];
      const surplus = num(v.surplus);
      if (surplus !== null) reasons.push(`surplus ${formatAud(surplus)} a month`);
      const maxLoan = num(v.max_loan) ?? num(v.maxLoan);
      if (v.serviceable && maxLoan !== null) reasons.push(`up to ${formatAud(maxLoan)}`);
      out.push({
        topic: 'Serviceability',
        label: v.serviceable ? 'Serviceable' : 'Not serviceable',
        tone: v.serviceable ? 'good' : 'bad',
        reasons,
      });
    }
    return out;
  }
  for (const k of ['outcome', 'result', 'decision', 'status']) {
    const c = str(v[k]);
    if (c) {
      out.push(codeVerdict(humanise(a.kind.replace(/_?(assessment|results)$/gi, '')) || 'Result', c));
      break;
    }
  }
  return out;
}
