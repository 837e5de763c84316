import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ApplicationsTable } from '../components/ApplicationsTable';
import { Avatar } from '../components/Avatar';
import { ConversationList } from '../components/ConversationList';
import { CustomerContact, CustomerFlagsView, fullName } from '../components/CustomerProfileView';
import { DocumentsList } from '../components/Documents';
import { Panel } from '../components/Panel';
import { ErrorState, Skeleton } from '../components/States';
import { useHotkeys } from '../hooks/useHotkeys';
import { useCustomers } from '../stores/customers';
import { useRouter } from '../stores/router';

export function CustomerScreen({ id }: { id: string }) {
  const { detail, loading, error, detailId } = useCustomers(
    useShallow((s) => ({ detail: s.detail, loading: s.detailLoading, error: s.detailError, detailId: s.detailId })),
  );
  const back = useRouter((s) => s.back);
  useEffect(() => {
    void useCustomers.getState().open(id);
  }, [id]);
  useHotkeys({ Escape: () => back() });

  const d = detailId === id ? detail : null;
  return (
    <div className="page">
      <div className="page-head">
        <button type="button" className="btn btn-quiet" onClick={back}>
          ← Customers
        </button>
      </div>
      {!d && loading && <Skeleton lines={10} label="Loading customer" />}
      {!d && !loading && error && <ErrorState message={error} onRetry={() => void useCustomers.getState().reloadDetail()} />}
      {d && (
        <>
          <div className="detail-title">
            <Avatar name={d.profile.name} size={44} />
            <div>
              <h2 className="page-title">{fullName(d.profile)}</h2>
              <div className="muted small mono">{d.profile.id}</div>
            </div>
          </div>
          <div className="two-col">
            <div className="col">
              <Panel title="Contact details">
                <CustomerContact profile={d.profile} />
              </Panel>
              <Panel title="Status and flags">
                <CustomerFlagsView profile={d.profile} />
              </Panel>
              <Panel title="Identity documents">
                <DocumentsList documents={d.profile.documents} />
              </Panel>
            </div>
            <div className="col">
              <Panel title={`Applications (${d.applications.length})`}>
                {d.applications.length ? (
                  <ApplicationsTable rows={d.applications} showCustomer={false} />
                ) : (
                  <div className="muted small">No applications.</div>
                )}
              </Panel>
              <Panel title={`Conversations (${d.conversations.length})`}>
                <ConversationList cards={d.conversations} origin={{ route: { name: 'customer', id }, label: fullName(d.profile) }} />
              </Panel>
            </div>
          </div>
        </>
      )}
    </div>
  );
}
