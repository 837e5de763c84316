import type { Assessment, ConversationDetail } from '../../api/types';
import { ApplicationPanel } from '../../components/ApplicationPanel';
import { AssessmentView } from '../../components/AssessmentView';
import { DocumentsList } from '../../components/Documents';
import { Noticeboard } from '../../components/Noticeboard';
import { Fields, Panel } from '../../components/Panel';
import { fullName } from '../../components/CustomerProfileView';
import { formatDate, humanise, humaniseValue } from '../../domain/format';
import { navigate } from '../../stores/router';

const KNOWN = new Set(['identityRisk', 'serviceability', 'fraudCheck']);

function SummaryPanel({ detail }: { detail: ConversationDetail }) {
  const c = detail.conversation;
  if (!c.purpose && c.facts.length === 0 && !c.decision && !c.username) return null;
  return (
    <Panel title="Summary" testId="panel-summary">
      <Fields
        rows={[
          ['Purpose', c.purpose],
          ['Decision', c.decision ? humaniseValue(c.decision) : null],
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
      {p && (
        <Fields
          rows={[
            ['Name', fullName(p)],
            ['Date of birth', p.dateOfBirth ? formatDate(p.dateOfBirth) : null],
            ['eKYC status', p.ekycStatus ? humaniseValue(p.ekycStatus) : null],
          ]}
        />
      )}
      {risk ? (
        <AssessmentView assessment={risk} title="Identity risk" />
      ) : (
        <div className="muted small">No identity-risk assessment yet.</div>
      )}
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

export function SidePanels({ detail }: { detail: ConversationDetail }) {
  return (
    <div className="side-panels">
      <SummaryPanel detail={detail} />
      <ApplicationPanel application={detail.application} />
      <IdentityPanel detail={detail} />
      <CreditPanel assessments={detail.assessments} />
      <Noticeboard topics={detail.noticeboard} />
    </div>
  );
}
