import type { Assessment, ConversationDetail } from '../../api/types';
import { ApplicationPanel } from '../../components/ApplicationPanel';
import { AssessmentView } from '../../components/AssessmentView';
import { DocumentsList } from '../../components/Documents';
import { Noticeboard } from '../../components/Noticeboard';
import { Fields, Panel } from '../../components/Panel';
import { fullName } from '../../components/CustomerProfileView';
import { Chip, CodeChip, VerdictList } from '../../components/Verdicts';
import { assessmentVerdicts } from '../../domain/codes';
import { formatDate, humanise } from '../../domain/format';
import { decisionLine } from '../../domain/risks';
import { useHotkeys } from '../../hooks/useHotkeys';
import { navigate } from '../../stores/router';
import { SIDE_TABS, SIDE_TAB_LABELS, useSideTab, type SideTab } from '../../stores/sideTab';

const KNOWN = new Set(['identityRisk', 'serviceability', 'fraudCheck']);

function SummaryPanel({ detail }: { detail: ConversationDetail }) {
  const c = detail.conversation;
  if (!c.purpose && c.facts.length === 0 && !c.decision && !c.username) return null;
  return (
    <Panel title="Summary" testId="panel-summary">
      <Fields
        rows={[
          ['Purpose', c.purpose],
          ['Decision', c.decision ? <CodeChip code={c.decision} /> : null],
          ...(c.decisionReason ? ([['Reason', c.decisionReason]] as [string, string][]) : []),
          ['Username', c.username || null],
        ]}
      />
      {c.facts.length > 0 && (
        <>
          <h4 className="sub-title">Facts</h4>
          <ul className="facts">
            {c.facts.map((f, i) => (
              <li key={i}>{f}</li>
            ))}
          </ul>
        </>
      )}
    </Panel>
  );
}

function IdentityPanel({ detail }: { detail: ConversationDetail }) {
  const risk = detail.assessments.find((a) => a.kind === 'identityRisk');
  const p = detail.customer;
  return (
    <Panel
      title="Identity"
      testId="panel-identity"
      actions={
        p && (
          <button type="button" className="link-btn" onClick={() => navigate({ name: 'customer', id: p.id })}>
            Customer profile →
          </button>
        )
      }
    >
      {risk ? (
        <VerdictList verdicts={assessmentVerdicts(risk)} />
      ) : (
        <div className="muted small">No identity-risk assessment yet.</div>
      )}
      {p && (
        <Fields
          rows={[
            ['Name', fullName(p)],
            ['Date of birth', p.dateOfBirth ? formatDate(p.dateOfBirth) : null],
            ['eKYC status', p.ekycStatus ? <CodeChip code={p.ekycStatus} /> : null],
          ]}
        />
      )}
      {risk && <AssessmentView assessment={risk} title="Identity risk" />}
      <h4 className="sub-title">Identity documents</h4>
      <DocumentsList documents={p?.documents ?? []} />
    </Panel>
  );
}

function CreditPanel({ assessments }: { assessments: Assessment[] }) {
  const serviceability = assessments.find((a) => a.kind === 'serviceability');
  const fraud = assessments.find((a) => a.kind === 'fraudCheck');
  const others = assessments.filter((a) => !KNOWN.has(a.kind));
  return (
    <Panel title="Credit Assessment" testId="panel-credit">
      {serviceability ? (
        <AssessmentView assessment={serviceability} title="Serviceability" />
      ) : (
        <div className="muted small">No serviceability assessment yet.</div>
      )}
      {fraud ? <AssessmentView assessment={fraud} title="Fraud check" /> : <div className="muted small">No fraud check yet.</div>}
      {others.length > 0 && (
        <>
          <h4 className="sub-title">Other assessments</h4>
          {others.map((a) => (
            <AssessmentView key={a.kind} assessment={a} title={humanise(a.kind)} />
          ))}
        </>
      )}
    </Panel>
  );
}

/** The decision (or where the application stands) and only the risks that are not fine, on one line. */
export function DecisionStrip({ detail }: { detail: ConversationDetail }) {
  const c = detail.conversation;
  const line = decisionLine({
    decision: c.decision,
    decisionReason: c.decisionReason,
    application: detail.application,
    customer: detail.customer,
    assessments: detail.assessments,
  });
  const reason = line.decision.reasons.join(' · ');
  return (
    <div className="decision-strip" data-testid="decision-strip">
      <Chip label={line.decision.label} tone={line.decision.tone} testId="decision-chip" />
      {reason && (
        <span className="decision-reason" title={reason}>
          {reason}
        </span>
      )}
      <span className="decision-risks">
        {line.risks.length === 0 ? (
          <span className="muted small">No risks flagged</span>
        ) : (
          line.risks.map((r, i) => <Chip key={i} label={r.topic === 'Document' || r.topic === 'Customer' ? r.label : `${r.topic}: ${r.label}`} tone={r.tone} testId="risk-chip" />)
        )}
      </span>
    </div>
  );
}

/**
 * The right column: the decision strip, then one section at a time (keys 1-5): the
 * overview (summary and the agents' noticeboard), the application, identity, credit,
 * or everything stacked.
 */
export function SidePanels({ detail }: { detail: ConversationDetail }) {
  const tab = useSideTab((s) => s.tab);
  const setTab = useSideTab((s) => s.setTab);
  const keys: Record<string, () => void> = {};
  SIDE_TABS.forEach((t, i) => (keys[String(i + 1)] = () => setTab(t)));
  useHotkeys(keys);
  const show = (t: SideTab) => tab === t || tab === 'all';
  return (
    <div className="side-panels">
      <DecisionStrip detail={detail} />
      <div className="side-tabs" role="tablist" aria-label="Details">
        {SIDE_TABS.map((t, i) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            className={tab === t ? 'side-tab selected' : 'side-tab'}
            onClick={() => setTab(t)}
            title={`${SIDE_TAB_LABELS[t]} (${i + 1})`}
          >
            {SIDE_TAB_LABELS[t]}
            <kbd>{i + 1}</kbd>
          </button>
        ))}
      </div>
      {show('overview') && (
        <>
          <SummaryPanel detail={detail} />
          <Noticeboard topics={detail.noticeboard} />
        </>
      )}
      {show('application') && <ApplicationPanel application={detail.application} />}
      {show('identity') && <IdentityPanel detail={detail} />}
      {show('credit') && <CreditPanel assessments={detail.assessments} />}
    </div>
  );
}
