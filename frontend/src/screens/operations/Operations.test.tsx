import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import App from '../../App';
import { setApi } from '../../api/client';
import { useDeadLetters } from '../../stores/deadLetters';
import { useRouter } from '../../stores/router';
import { useSession } from '../../stores/session';
import {
  admin,
  createFakeApi,
  deadLetter,
  deadLetterDetail,
  job,
  pipelineSample,
  supervisor,
} from '../../test/fakeApi';
import { AuditScreen } from './AuditScreen';
import { DeadLettersScreen } from './DeadLettersScreen';
import { DesktopsScreen } from './DesktopsScreen';
import { PipelineScreen } from './PipelineScreen';
import { RebuildsScreen } from './RebuildsScreen';

// uPlot needs a canvas, which jsdom has not; the chart is a thin wrapper around it.
vi.mock('../../components/TimeChart', () => ({
  TimeChart: ({ title, times }: { title: string; times: number[] }) => (
    <figure aria-label={title}>{times.length} points</figure>
  ),
}));

// These walk through several screens of interactions; on a loaded machine that takes
// longer than Vitest's default 5 s (a ceiling, not a figure).
const SLOW = 30_000;

function signedInAs(s: typeof admin) {
  useSession.setState({ phase: 'signedIn', session: s });
}

describe('the Operations area by role', () => {
  it('is not offered to supervisors, and its route refuses them', async () => {
    const fake = createFakeApi({ session: supervisor });
    setApi(fake);
    render(<App />);
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(within(nav).queryByRole('button', { name: 'Operations' })).toBeNull();
    act(() => useRouter.getState().navigate({ name: 'operations', screen: 'dead-letters' }));
    expect(await screen.findByText('Only administrators can see operations.')).toBeInTheDocument();
    expect(screen.queryByRole('navigation', { name: 'Operations' })).toBeNull();
    expect(fake.listDeadLetters).not.toHaveBeenCalled();
    expect(fake.pipeline).not.toHaveBeenCalled(); // no alerts banner polling either
  }, SLOW);

  it('is offered to admins, with an alerts banner that links to the screen that helps', async () => {
    const fake = createFakeApi({ session: admin });
    fake.pipeline.mockResolvedValue(
      pipelineSample({
        deadLetters: { count: 3 },
        alerts: [
          {
            name: 'DeadLettersIncreasing',
            severity: 'warning',
            summary: '3 new dead letters in 10 minutes',
            since: '2026-11-30T09:50:00Z',
            runbook: 'docs/runbooks.md#dead-letters',
            screen: 'dead-letters',
          },
        ],
      }),
    );
    setApi(fake);
    const user = userEvent.setup({ delay: null });
    render(<App />);
    const banner = await screen.findByRole('region', { name: 'Alerts' });
    expect(banner).toHaveTextContent('3 new dead letters in 10 minutes');
    expect(banner).toHaveTextContent('docs/runbooks.md#dead-letters');
    await user.click(within(banner).getByRole('button', { name: 'Open Dead letters' }));
    expect(await screen.findByRole('heading', { name: 'Dead letters' })).toBeInTheDocument();
    expect(useRouter.getState().route).toEqual({ name: 'operations', screen: 'dead-letters' });

    await user.click(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('button', { name: 'Operations' }));
    expect(await screen.findByRole('heading', { name: 'Pipeline' })).toBeInTheDocument();
  }, SLOW);
});

describe('pipeline', () => {
  it('shows the tiles and the history, and the error in plain words with a retry', async () => {
    signedInAs(admin);
    const fake = createFakeApi();
    fake.pipeline.mockRejectedValueOnce(new Error('Cannot reach the Billie backend: connection refused'));
    fake.pipeline.mockResolvedValue(
      pipelineSample({
        redis: { ok: false, rttMs: 0, error: 'dial tcp: connection refused' },
        breakers: [{ name: 'redis', state: 'open' }],
        projection: { ...pipelineSample().projection, behind: 5000 },
      }),
    );
    fake.pipelineHistory.mockResolvedValue({
      window: '1h',
      points: [
        { at: '2026-11-30T09:58:00Z', eventsPerSec: 40, lag: 0, errors: 0, deadLetters: 0, apiRequestsPerSec: 5, apiP99Ms: 12 },
        { at: '2026-11-30T09:59:00Z', eventsPerSec: 44, lag: 2, errors: 0, deadLetters: 0, apiRequestsPerSec: 6, apiP99Ms: 14 },
      ],
    });
    setApi(fake);
    const user = userEvent.setup({ delay: null });
    render(<PipelineScreen />);
    const err = await screen.findByRole('alert');
    expect(err).toHaveTextContent('Cannot load the pipeline');
    expect(err).toHaveTextContent('Cannot reach the Billie backend');
    await user.click(within(err).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('listitem', { name: 'Redis: Unreachable' })).toHaveTextContent('dial tcp: connection refused');
    expect(screen.getByRole('listitem', { name: 'Circuit breakers: 1 open' })).toHaveClass('tone-bad');
    expect(screen.getByRole('listitem', { name: 'Lag: 5,000 behind' })).toHaveClass('tone-warn');
    expect(screen.getByRole('listitem', { name: 'Events per second: 42.5/s' })).toBeInTheDocument();
    expect(await screen.findByRole('figure', { name: 'Events per second' })).toHaveTextContent('2 points');
    await user.click(screen.getByRole('button', { name: 'Last day' }));
    await waitFor(() => expect(fake.pipelineHistory).toHaveBeenLastCalledWith('24h'));
  }, SLOW);
});

describe('dead letters', () => {
  it('drops the selected ones after a confirmation that says how many (Enter confirms, Esc cancels)', async () => {
    signedInAs(admin);
    const fake = createFakeApi();
    fake.listDeadLetters.mockResolvedValue({ items: [deadLetter('1-0'), deadLetter('2-0'), deadLetter('3-0')], total: 3, nextCursor: null });
    fake.dropDeadLetters.mockImplementation(async () => {
      fake.listDeadLetters.mockResolvedValue({ items: [deadLetter('2-0')], total: 1, nextCursor: null });
      return { dropped: 2 };
    });
    setApi(fake);
    const user = userEvent.setup({ delay: null });
    render(<DeadLettersScreen />);
    await user.click(await screen.findByRole('checkbox', { name: 'Select 1-0' }));
    await user.click(screen.getByRole('checkbox', { name: 'Select 3-0' }));
    await user.click(screen.getByRole('button', { name: 'Drop selected (2)' }));
    let dialog = screen.getByRole('dialog');
    expect(within(dialog).getByRole('heading')).toHaveTextContent('Drop 2 dead letters?');
    expect(within(dialog).getByRole('button', { name: 'Drop 2' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(fake.dropDeadLetters).not.toHaveBeenCalled();

    await user.click(screen.getByRole('button', { name: 'Drop selected (2)' }));
    dialog = screen.getByRole('dialog');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(fake.dropDeadLetters).toHaveBeenCalledWith({ ids: ['1-0', '3-0'], all: null, filter: null }));
    expect(await screen.findByText('Dropped 2 dead letters (kept in the audit log)')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('checkbox', { name: 'Select 1-0' })).toBeNull());
    expect(screen.getByRole('checkbox', { name: 'Select 2-0' })).not.toBeChecked();
    expect(screen.getByRole('button', { name: 'Drop selected (0)' })).toBeDisabled();
  }, SLOW);

  it('retries all matching the filter, or all when there is none', async () => {
    signedInAs(admin);
    const fake = createFakeApi();
    fake.listDeadLetters.mockResolvedValue({ items: [deadLetter('1-0')], total: 57, nextCursor: 'c2' });
    fake.retryDeadLetters.mockResolvedValue({ retried: 57, applied: 50, stillDead: 7, results: [] });
    setApi(fake);
    const user = userEvent.setup({ delay: null });
    render(<DeadLettersScreen />);
    await user.click(await screen.findByRole('button', { name: 'Retry all (57)' }));
    expect(within(screen.getByRole('dialog')).getByRole('heading')).toHaveTextContent('Retry 57 dead letters?');
    await user.click(screen.getByRole('button', { name: 'Retry 57' }));
    await waitFor(() => expect(fake.retryDeadLetters).toHaveBeenLastCalledWith({ ids: null, all: true, filter: null }));
    expect(await screen.findByText('Retried 57 dead letters: 50 applied, 7 still failing')).toBeInTheDocument();

    await user.type(screen.getByLabelText('Reason'), 'not JSON');
    await user.type(screen.getByLabelText('Event type'), 'user_input{Enter}');
    await waitFor(() =>
      expect(fake.listDeadLetters).toHaveBeenLastCalledWith({ reason: 'not JSON', type: 'user_input', since: '', until: '', cursor: '', limit: 100 }),
    );
    await user.click(await screen.findByRole('button', { name: 'Retry all matching (57)' }));
    await user.click(screen.getByRole('button', { name: 'Retry 57' }));
    await waitFor(() =>
      expect(fake.retryDeadLetters).toHaveBeenLastCalledWith({
        ids: null,
        all: null,
        filter: { reason: 'not JSON', type: 'user_input', since: '', until: '' },
      }),
    );
    await user.click(screen.getByRole('button', { name: /Show more/ }));
    await waitFor(() => expect(fake.listDeadLetters).toHaveBeenLastCalledWith(expect.objectContaining({ cursor: 'c2' })));
  }, SLOW);

  it('opens one with its original fields for reading, and drops just that one', async () => {
    signedInAs(admin);
    const fake = createFakeApi();
    fake.listDeadLetters.mockResolvedValue({ items: [deadLetter('1-0')], total: 1, nextCursor: null });
    fake.getDeadLetter.mockResolvedValue(deadLetterDetail('1-0'));
    fake.dropDeadLetters.mockResolvedValue({ dropped: 1 });
    setApi(fake);
    const user = userEvent.setup({ delay: null });
    render(<DeadLettersScreen />);
    await user.click(await screen.findByRole('button', { name: 'Open 1-0' }));
    const detail = await screen.findByTestId('dead-letter-detail');
    expect(await within(detail).findByText('Loan amount')).toBeInTheDocument(); // JSON shown for reading
    expect(within(detail).getByText('not a time')).toBeInTheDocument(); // other values as sent
    await user.click(within(detail).getByRole('button', { name: 'Show JSON' }));
    expect(within(detail).getByText(/"loan_amount": 500/)).toBeInTheDocument();

    await user.click(within(detail).getByRole('button', { name: 'Drop' }));
    expect(within(screen.getByRole('dialog')).getByRole('heading')).toHaveTextContent('Drop 1 dead letter?');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(fake.dropDeadLetters).toHaveBeenCalledWith({ ids: ['1-0'], all: null, filter: null }));
    await waitFor(() => expect(screen.queryByTestId('dead-letter-detail')).toBeNull());
    expect(useDeadLetters.getState().detailId).toBeNull();
  }, SLOW);

  it('says so when there are none, and when the backend cannot be reached', async () => {
    signedInAs(admin);
    const fake = createFakeApi();
    fake.listDeadLetters.mockRejectedValueOnce(new Error('Cannot reach the Billie backend: timeout'));
    setApi(fake);
    const user = userEvent.setup({ delay: null });
    render(<DeadLettersScreen />);
    const err = await screen.findByRole('alert');
    expect(err).toHaveTextContent('Cannot reach the Billie backend');
    await user.click(within(err).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('No dead letters')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Drop all (0)' })).toBeDisabled();
  }, SLOW);
});

describe('rebuild and replay', () => {
  it('starts one, shows its progress with rate and time left, and cancels it after a confirmation', async () => {
    signedInAs(admin);
    const fake = createFakeApi();
    fake.listRebuilds.mockResolvedValue([job('1', { state: 'failed', error: 'disk full' })]);
    fake.startRebuild.mockResolvedValue(
      job('2', { kind: 'replay', since: '2026-11-30T00:00:00Z', state: 'running', done: 2500, total: 10000, ratePerSec: 500, etaSeconds: 15, finishedAt: null }),
    );
    fake.cancelRebuild.mockImplementation(async (id: string) => job(id, { kind: 'replay', state: 'cancelled' }));
    setApi(fake);
    const user = userEvent.setup({ delay: null });
    render(<RebuildsScreen />);
    const failedRow = await screen.findByRole('row', { name: /Rebuild #1/ });
    expect(failedRow).toHaveTextContent('Failed');
    expect(failedRow).toHaveTextContent('disk full');

    await user.selectOptions(screen.getByLabelText('Source'), 'stream');
    await user.type(screen.getByLabelText('Since (optional)'), 'last week');
    await user.click(screen.getByRole('button', { name: 'Start replay' }));
    expect(screen.getByRole('alert')).toHaveTextContent('date and time');
    expect(fake.startRebuild).not.toHaveBeenCalled();
    await user.clear(screen.getByLabelText('Since (optional)'));
    await user.type(screen.getByLabelText('Since (optional)'), '2026-11-30T00:00:00Z');
    await user.click(screen.getByRole('button', { name: 'Start replay' }));
    expect(fake.startRebuild).toHaveBeenCalledWith({ source: 'stream', since: '2026-11-30T00:00:00Z', conversation: '' });

    const running = await screen.findByTestId('running-job');
    expect(within(running).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '2500');
    expect(running).toHaveTextContent('25%');
    expect(running).toHaveTextContent('500/s');
    expect(running).toHaveTextContent('about 15 s left');
    expect(screen.getByRole('button', { name: 'A job is running' })).toBeDisabled();

    await user.click(within(running).getByRole('button', { name: 'Cancel' }));
    expect(within(screen.getByRole('dialog')).getByRole('heading')).toHaveTextContent('Cancel this replay?');
    await user.click(screen.getByRole('button', { name: 'Cancel the replay' }));
    await waitFor(() => expect(fake.cancelRebuild).toHaveBeenCalledWith('2'));
    expect(await screen.findByRole('row', { name: /Replay #2/ })).toHaveTextContent('Cancelled');
    expect(screen.queryByTestId('running-job')).toBeNull();
  }, SLOW);

  it('says a start was refused in the backend\'s words', async () => {
    signedInAs(admin);
    const fake = createFakeApi();
    fake.startRebuild.mockRejectedValue(new Error('A rebuild or replay is already running: wait for it to finish or cancel it'));
    setApi(fake);
    const user = userEvent.setup({ delay: null });
    render(<RebuildsScreen />);
    expect(await screen.findByText('No rebuild or replay has run yet')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Start rebuild' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('already running');
  }, SLOW);
});

describe('desktops and audit', () => {
  it('lists desktops with a stale marker', async () => {
    signedInAs(admin);
    const fake = createFakeApi();
    fake.pipeline.mockResolvedValue(
      pipelineSample({
        desktops: [
          { user: 'sam@billie.test', name: 'Sam', version: '1.2.3', host: 'desk-1', cachePosition: '1-0', behind: 0, reportedAt: new Date().toISOString(), stale: false },
          { user: 'kim@billie.test', name: 'Kim', version: '1.2.2', host: 'desk-2', cachePosition: '1-0', behind: 1200, reportedAt: '2026-11-29T09:00:00Z', stale: true },
        ],
      }),
    );
    setApi(fake);
    render(<DesktopsScreen />);
    const kim = (await screen.findByText('Kim')).closest('tr')!;
    expect(kim).toHaveTextContent('Stale');
    expect(kim).toHaveTextContent('1,200');
    expect((await screen.findByText('Sam')).closest('tr')).not.toHaveTextContent('Stale');
    expect(screen.getByText(/2 reporting, 1 stale/)).toBeInTheDocument();
  }, SLOW);

  it('pages the audit log', async () => {
    signedInAs(admin);
    const fake = createFakeApi();
    fake.listAudit
      .mockResolvedValueOnce({ items: [{ id: '2', at: '2026-11-30T10:00:00Z', actor: 'ada@billie.test', action: 'dead-letter.drop', target: '1-0', detail: '' }], nextCursor: 'c1' })
      .mockResolvedValueOnce({ items: [{ id: '1', at: '2026-11-30T09:00:00Z', actor: 'ada@billie.test', action: 'user.create', target: 'sam@billie.test', detail: '' }], nextCursor: null });
    setApi(fake);
    const user = userEvent.setup({ delay: null });
    render(<AuditScreen />);
    expect(await screen.findByText('dead-letter.drop')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Show older entries' }));
    expect(await screen.findByText('user.create')).toBeInTheDocument();
    expect(fake.listAudit).toHaveBeenLastCalledWith({ actor: '', action: '', cursor: 'c1', limit: 50 });
    expect(screen.queryByRole('button', { name: 'Show older entries' })).toBeNull();
  }, SLOW);
});
