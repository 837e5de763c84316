/**
 * The one-line "decision and key risks" a supervisor reads first about a conversation:
 * the decision (or where the application is), then only what is not fine: identity,
 * sanctions, PEP, fraud and serviceability verdicts that are not good, expired identity
 * documents, a customer who is not living.
 */
import type { Application, Assessment, CustomerProfile } from '../api/types';
import { assessmentVerdicts, codeMeaning, type Verdict } from './codes';
import { stageLabel } from './format';

export interface DecisionLine {
  decision: Verdict;
  risks: Verdict[];
}

export interface DecisionInput {
  decision: string | null;
  decisionReason?: string;
  application: Pick<Application, 'outcome' | 'outcomeReason' | 'status' | 'currentStage'> | null;
  customer: Pick<CustomerProfile, 'documents' | 'individualStatus'> | null;
  assessments: Pick<Assessment, 'kind' | 'value'>[];
}

const ORDER = ['identityRisk', 'fraudCheck', 'serviceability'];

export function decisionLine(d: DecisionInput): DecisionLine {
  const code = d.decision ?? d.application?.outcome ?? null;
  let decision: Verdict;
  if (code) {
    const m = codeMeaning(code);
    const reason = d.decisionReason || d.application?.outcomeReason || '';
    decision = { topic: 'Decision', label: m.label, tone: m.tone, reasons: reason ? [reason] : [] };
  } else if (d.application?.currentStage) {
    decision = { topic: 'Decision', label: 'In progress', tone: 'info', reasons: [stageLabel(d.application.currentStage)] };
  } else {
    decision = { topic: 'Decision', label: 'No decision yet', tone: 'neutral', reasons: [] };
  }
  const risks: Verdict[] = [];
  const sorted = [...d.assessments].sort((a, b) => rank(a.kind) - rank(b.kind));
  for (const a of sorted) for (const v of assessmentVerdicts(a)) if (v.tone === 'bad' || v.tone === 'warn') risks.push(v);
  for (const doc of d.customer?.documents ?? []) {
    if (doc.expired) {
      risks.push({
        topic: 'Document',
        label: `${codeMeaning(doc.documentType ?? 'Document').label} expired`,
        tone: 'bad',
        reasons: [],
      });
    }
  }
  const st = d.customer?.individualStatus;
  if (st && st.toUpperCase() !== 'LIVING') {
    const m = codeMeaning(st);
    risks.push({ topic: 'Customer', label: m.label, tone: 'bad', reasons: [] });
  }
  return { decision, risks };
}

function rank(kind: string): number {
  const i = ORDER.indexOf(kind);
  return i < 0 ? ORDER.length : i;
}
