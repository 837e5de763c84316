import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ApplicationSummary } from '../components/ApplicationPanel';
import { AssessmentView } from '../components/AssessmentView';
import { ConversationList } from '../components/ConversationList';
import { CustomerContact, CustomerFlagsView } from '../components/CustomerProfileView';
import { DocumentsList } from '../components/Documents';
import { Noticeboard } from '../components/Noticeboard';
import { Panel } from '../components/Panel';
import { ErrorState, Skeleton } from '../components/States';
import { humanise } from '../domain/format';
import { useHotkeys } from '../hooks/useHotkeys';
import { useApplications } from '../stores/applications';
import { navigate, useRouter } from '../stores/router';

export function ApplicationScreen({ number }: { number: string }) {
  const { detail, loading, error, detailNumber } = useApplications(
    useShallow((s) => ({ detail: s.detail, loading: s.detailLoading, error: s.detailError, detailNumber: s.detailNumber })),
  );
  const back = useRouter((s) => s.back);
  useEffect(() => {
    void useApplications.getState().open(number);
  }, [number]);
  useHotkeys({ Escape: () => back() });

  const d = detailNumber === number ? detail : null;
  return (
    <div className="page">
      <div className="page-head">
        <button type="button" className="btn btn-quiet" onClick={back}>
          ← Applications
        </button>
      </div>
      {!d && loading && <Skeleton lines={10} label="Loading application" />}
      {!d && !loading && error && <ErrorState message={error} onRetry={() => void useApplications.getState().reloadDetail()} />}
      {d && (
        <>
          <h2 className="page-title mono">{d.application.number}</h2>
          <div className="two-col">
            <div className="col">
              <Panel title="Application" testId="panel-application">
                <ApplicationSummary application={d.application} />
              </Panel>
              {/* Assessments and the noticeboard belong to the application (contract §3). */}
              <Panel title="Assessments" testId="panel-assessments">
                {(d.assessments ?? []).length === 0 && <div className="muted small">No assessments yet.</div>}
                {(d.assessments ?? []).map((a) => (
                  <AssessmentView key={a.kind} assessment={a} title={humanise(a.kind)} />
                ))}
              </Panel>
              <Noticeboard topics={d.noticeboard ?? []} />
            </div>
            <div className="col">
              <Panel
                title="Customer"
                actions={
                  d.customer && (
                    <button type="button" className="link-btn" onClick={() => navigate({ name: 'customer', id: d.customer!.id })}>
                      Open profile →
                    </button>
                  )
                }
              >
                {d.customer ? (
                  <>
                    <CustomerContact profile={d.customer} />
                    <CustomerFlagsView profile={d.customer} />
                    <h4 className="sub-title">Identity documents</h4>
                    <DocumentsList documents={d.customer.documents} />
                  </>
                ) : (
                  <div className="muted small">No customer linked.</div>
                )}
              </Panel>
              <Panel title={`Conversations (${d.conversations.length})`}>
                <ConversationList cards={d.conversations} showCustomer origin={{ route: { name: 'application', number }, label: number }} />
              </Panel>
            </div>
          </div>
        </>
      )}
    </div>
  );
}
