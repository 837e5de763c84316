/**
 * Rebuild and replay: start a job (source, since, conversation), follow the running
 * one (progress, rate, time left), cancel it, and the jobs before with their outcome.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { JobState, RebuildJob, RebuildSource } from '../../api/types';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Panel } from '../../components/Panel';
import { ProgressBar } from '../../components/ProgressBar';
import { EmptyState, ErrorState, Skeleton } from '../../components/States';
import { TimeAgo } from '../../components/TimeAgo';
import { formatDateTime, formatNumber } from '../../domain/format';
import { runningJob, useRebuilds } from '../../stores/rebuilds';
import { formatEta, formatRate } from './format';

/** How often the running job is followed. */
const FOLLOW_EVERY_MS = 1_000;

const STATE_LABEL: Record<JobState, string> = {
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

const STATE_TAG: Record<JobState, string> = {
  running: 'tag',
  succeeded: 'tag tag-ok',
  failed: 'tag tag-danger',
  cancelled: 'tag tag-muted',
};

export function RebuildsScreen() {
  const s = useRebuilds(
    useShallow((st) => ({
      jobs: st.jobs,
      loaded: st.loaded,
      error: st.error,
      notice: st.notice,
      actionError: st.actionError,
    })),
  );
  const running = runningJob(s.jobs);
  useEffect(() => {
    void useRebuilds.getState().load();
  }, []);
  const runningId = running?.id;
  useEffect(() => {
    if (!runningId) return;
    const t = setInterval(() => {
      if (document.visibilityState !== 'hidden') void useRebuilds.getState().refreshRunning();
    }, FOLLOW_EVERY_MS);
    return () => clearInterval(t);
  }, [runningId]);

  return (
    <div className="page ops-page" data-testid="ops-rebuilds">
      <div className="page-head">
        <h2 className="page-title">Rebuild and replay</h2>
        <span className="muted">Supervisors keep working while a job runs; the new data replaces the old in one step at the end.</span>
      </div>
      {s.notice && (
        <div className="notice-ok" role="status">
          {s.notice}
        </div>
      )}
      {s.actionError && (
        <div className="form-error" role="alert">
          {s.actionError}
        </div>
      )}
      <div className="ops-grid-2 ops-rebuild-top">
        <StartForm disabled={Boolean(running)} />
        {running ? <RunningJob job={running} /> : <Panel title="Running now"><EmptyState title="No job is running" /></Panel>}
      </div>
      <Panel title="Jobs">
        {!s.loaded && !s.error && <Skeleton lines={4} label="Loading jobs" />}
        {s.error && <ErrorState title="Cannot load the jobs" message={s.error} onRetry={() => void useRebuilds.getState().load()} />}
        {s.loaded && !s.error && s.jobs.length === 0 && <EmptyState title="No rebuild or replay has run yet" />}
        {s.jobs.length > 0 && <JobsTable jobs={s.jobs} />}
      </Panel>
    </div>
  );
}

function StartForm({ disabled }: { disabled: boolean }) {
  const starting = useRebuilds((s) => s.starting);
  const [source, setSource] = useState<RebuildSource>('archive');
  const [since, setSince] = useState('');
  const [conversation, setConversation] = useState('');
  const [err, setErr] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const sn = since.trim();
    if (sn && !/^\d+(-\d+)?$/.test(sn) && Number.isNaN(Date.parse(sn))) {
      return setErr('"Since" is a date and time (2026-11-30T09:00:00Z) or a stream id (1732451234567-0)');
    }
    setErr(null);
    const ok = await useRebuilds.getState().start({ source, since: sn, conversation: conversation.trim() });
    if (ok) {
      setSince('');
      setConversation('');
    }
  };
  const kind = since.trim() || conversation.trim() ? 'replay' : 'rebuild';
  return (
    <Panel title="Start">
      <form className="form" aria-label="Start a rebuild or replay" onSubmit={(e) => void submit(e)}>
        <label className="form-field">
          <span>Source</span>
          <select value={source} onChange={(e) => setSource(e.target.value as RebuildSource)}>
            <option value="archive">The backend's archive of every entry</option>
            <option value="stream">The Redis stream (only what it still holds)</option>
          </select>
        </label>
        <label className="form-field">
          <span>Since (optional)</span>
          <input value={since} placeholder="2026-11-30T09:00:00Z or a stream id" onChange={(e) => setSince(e.target.value)} />
        </label>
        <label className="form-field">
          <span>Conversation (optional)</span>
          <input value={conversation} placeholder="conversation id" onChange={(e) => setConversation(e.target.value)} />
        </label>
        <p className="muted ops-hint">
          {kind === 'rebuild'
            ? 'Rebuilds every record from the beginning.'
            : 'Replays: rebuilds every record touched since then, or of that conversation, from its whole history.'}
        </p>
        {err && (
          <div className="form-error" role="alert">
            {err}
          </div>
        )}
        <button type="submit" className="btn btn-primary" disabled={disabled || starting}>
          {starting ? 'Starting…' : disabled ? 'A job is running' : `Start ${kind}`}
        </button>
      </form>
    </Panel>
  );
}

function RunningJob({ job }: { job: RebuildJob }) {
  const cancelling = useRebuilds((s) => s.cancelling);
  const [asking, setAsking] = useState(false);
  const pct = job.total > 0 ? Math.floor((job.done / job.total) * 100) : 0;
  return (
    <Panel title={`${job.kind === 'replay' ? 'Replay' : 'Rebuild'} running`} testId="running-job">
      <ProgressBar done={job.done} total={job.total} label={`${job.kind} progress`} />
      <div className="ops-progress-figures">
        <span className="strong">{job.total > 0 ? `${pct}%` : 'Starting…'}</span>
        <span>
          {formatNumber(job.done)} of {formatNumber(job.total)} entries
        </span>
        <span>{formatRate(job.ratePerSec)}</span>
        <span>{job.etaSeconds > 0 ? `about ${formatEta(job.etaSeconds)} left` : 'time left unknown'}</span>
      </div>
      <div className="muted ops-job-meta">
        From the {job.source}
        {job.since ? ` since ${job.since}` : ''}
        {job.conversation ? `, conversation ${job.conversation}` : ''} · started by {job.startedBy || 'unknown'}{' '}
        <TimeAgo iso={job.startedAt} />
      </div>
      <button type="button" className="btn btn-danger" disabled={cancelling} onClick={() => setAsking(true)}>
        {cancelling ? 'Cancelling…' : 'Cancel'}
      </button>
      {asking && (
        <ConfirmDialog
          title={`Cancel this ${job.kind}?`}
          confirmLabel={`Cancel the ${job.kind}`}
          danger
          busy={cancelling}
          onConfirm={() => void useRebuilds.getState().cancel(job.id).then(() => setAsking(false))}
          onCancel={() => setAsking(false)}
        >
          The work done so far is thrown away; the live data stays as it is.
        </ConfirmDialog>
      )}
    </Panel>
  );
}

function JobsTable({ jobs }: { jobs: RebuildJob[] }) {
  return (
    <table className="table" aria-label="Jobs">
      <thead>
        <tr>
          <th>Job</th>
          <th>Outcome</th>
          <th>From</th>
          <th className="num">Entries</th>
          <th>Started</th>
          <th>Finished</th>
          <th>By</th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((j) => (
          <tr key={j.id} data-testid="job-row" data-id={j.id} data-state={j.state}>
            <td>
              <span className="strong">{j.kind === 'replay' ? 'Replay' : 'Rebuild'}</span> <span className="muted">#{j.id}</span>
              {(j.since || j.conversation) && (
                <span className="muted ops-sub">
                  {j.since ? `since ${j.since}` : ''}
                  {j.since && j.conversation ? ', ' : ''}
                  {j.conversation ? `conversation ${j.conversation}` : ''}
                </span>
              )}
            </td>
            <td>
              <span className={STATE_TAG[j.state]}>{STATE_LABEL[j.state]}</span>
              {j.error && <span className="ops-sub ops-error-text">{j.error}</span>}
            </td>
            <td>{j.source === 'archive' ? 'Archive' : 'Stream'}</td>
            <td className="num">
              {formatNumber(j.done)}
              {j.total > 0 && j.done !== j.total ? ` of ${formatNumber(j.total)}` : ''}
            </td>
            <td title={formatDateTime(j.startedAt)}>
              <TimeAgo iso={j.startedAt} />
            </td>
            <td>{j.finishedAt ? formatDateTime(j.finishedAt) : '—'}</td>
            <td>{j.startedBy || '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
