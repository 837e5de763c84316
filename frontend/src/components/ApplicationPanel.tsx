import type { Application, ProcessStage } from '../api/types';
import { formatAud, formatDateTime, formatDays, stageLabel, yesNo } from '../domain/format';
import { codeMeaning } from '../domain/codes';
import { JsonView } from './JsonView';
import { CodeChip } from './Verdicts';
import { Fields, Panel } from './Panel';
import { AppStatusBadge } from './StatusBadge';

function Stages({ stages, current }: { stages: ProcessStage[]; current: string | null }) {
  if (stages.length === 0) return <div className="muted small">No process stages yet.</div>;
  return (
    <ol className="stages">
      {stages.map((st) => {
        const isCurrent = !st.complete && st.name === current;
        return (
          <li key={st.name} className={`stage ${st.complete ? 'done' : ''} ${isCurrent ? 'current' : ''}`}>
            <div className="stage-name">
              <span className="check" aria-label={st.complete ? 'complete' : 'not complete'}>
                {st.complete ? '✓' : isCurrent ? '●' : '○'}
              </span>
              {stageLabel(st.name)}
            </div>
            {st.steps.length > 0 && (
              <ul className="steps">
                {st.steps.map((sp) => (
                  <li key={sp.name} className={sp.complete ? 'step done' : 'step'} title={sp.description ?? undefined}>
                    <span className="check" aria-label={sp.complete ? 'complete' : 'not complete'}>
                      {sp.complete ? '✓' : '○'}
                    </span>
                    {stageLabel(sp.name)}
                  </li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ol>
  );
}

/**
 * The outcome that finished an application (APPROVED, DECLINED, WITHDRAWN, any other the
 * producer sends), else null while it is still running.
 */
export function finishedOutcome(a: Pick<Application, 'outcome' | 'status'>): string | null {
  if (a.outcome && a.outcome.trim()) return a.outcome;
  if (a.status === 'approved') return 'APPROVED';
  if (a.status === 'declined') return 'DECLINED';
  return null;
}

/**
 * Progress while running: a bar at the share of completed stages. Once finished the bar
 * is full and coloured by the outcome, saying where it stopped, so a declined
 * application no longer looks a quarter of the way through.
 */
function Progress({ a }: { a: Application }) {
  const pct = Math.max(0, Math.min(100, Math.round(a.progressPercentage)));
  const outcome = finishedOutcome(a);
  const done = a.stages.filter((s) => s.complete).length;
  if (outcome) {
    const m = codeMeaning(outcome);
    const stoppedAt = a.stages.find((s) => !s.complete);
    return (
      <div className={`progress-block finished tone-${m.tone}`} data-testid="progress-finished">
        <div className="progress-label">
          <span>
            {m.label}
            {stoppedAt && m.tone !== 'good' ? ` at ${stageLabel(stoppedAt.name)}` : ''}
          </span>
          <span>{a.stages.length > 0 ? `${done} of ${a.stages.length} stages done` : 'Finished'}</span>
        </div>
        <div className="progress" role="progressbar" aria-valuenow={100} aria-valuemin={0} aria-valuemax={100} aria-label="Application finished">
          <span style={{ width: '100%' }} />
        </div>
      </div>
    );
  }
  return (
    <div className="progress-block">
      <div className="progress-label">
        <span>{a.currentStage ? stageLabel(a.currentStage) : 'Progress'}</span>
        <span>{pct}%</span>
      </div>
      <div className="progress" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100} aria-label="Application progress">
        <span style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

export function ApplicationSummary({ application: a }: { application: Application }) {
  return (
    <div className="application">
      <div className="app-head">
        <span className="app-number">{a.number}</span>
        <AppStatusBadge status={a.status} />
      </div>
      <Fields
        rows={[
          ['Loan purpose', a.loanPurpose],
          ['Amount', formatAud(a.loanAmount)],
          ['Fee', formatAud(a.loanFee)],
          ['Total payable', formatAud(a.loanTotalPayable)],
          ['Term', formatDays(a.loanTermDays)],
          ['Outcome', a.outcome ? <CodeChip code={a.outcome} /> : null],
          ...(a.outcomeReason ? ([['Outcome reason', a.outcomeReason]] as [string, string][]) : []),
          ['Current step', a.currentStep ? stageLabel(a.currentStep) : null],
          ['Submitted', formatDateTime(a.submittedAt)],
          ['Updated', formatDateTime(a.updatedAt)],
        ]}
      />
      <Progress a={a} />
      <Stages stages={a.stages} current={a.currentStage} />
      <h4 className="sub-title">Consents</h4>
      <Fields
        rows={[
          ['Attestation accepted', yesNo(a.flags.customerAttestationAcceptance)],
          ['Statement consent', yesNo(a.flags.statementCaptureConsentProvided)],
          ['Statement captured', yesNo(a.flags.statementCaptureCompleted)],
          ['Offer accepted', yesNo(a.flags.productOfferAcceptance)],
        ]}
      />
      {Object.keys(a.detail).length > 0 && (
        <details className="more">
          <summary>All application details</summary>
          <JsonView value={a.detail} moneyKeys />
        </details>
      )}
    </div>
  );
}

export function ApplicationPanel({ application }: { application: Application | null }) {
  return (
    <Panel title="Application" testId="panel-application">
      {application ? <ApplicationSummary application={application} /> : <div className="muted small">No application linked yet.</div>}
    </Panel>
  );
}
