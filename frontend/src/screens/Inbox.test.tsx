import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { setApi } from '../api/client';
import type { AttentionItem, StatusCounts } from '../api/types';
import { Toasts } from '../components/Toasts';
import { ConversationList } from '../components/ConversationList';
import { UNREAD_LABEL } from '../components/UnreadDot';
import { useAttention } from '../stores/attention';
import { useConversations } from '../stores/conversations';
import { useDataClock } from '../stores/dataClock';
import { startLive } from '../stores/live';
import { startNotifications, useNotifications } from '../stores/notifications';
import { useRouter } from '../stores/router';
import { markSeen } from '../stores/unread';
import { card, createFakeApi, zeroCounts } from '../test/fakeApi';
import { AttentionScreen } from './AttentionScreen';
import { ConversationScreen } from './ConversationScreen';
import { ConversationCardView } from './conversations/ConversationCardView';
import { SavedViewsPanel } from './conversations/SavedViews';

function counts(over: Partial<StatusCounts>): StatusCounts {
  return { ...zeroCounts(), ...over };
}

describe('unread markers', () => {
  it('shows a dot named "New activity since you last looked" on unread cards only', () => {
    setApi(createFakeApi());
    render(
      <>
        <ConversationCardView card={card('u1', { unread: true })} selected={false} onOpen={() => {}} />
        <ConversationCardView card={card('r1')} selected={false} onOpen={() => {}} />
      </>,
    );
    const [unread, read] = screen.getAllByTestId('conversation-card');
    expect(within(unread).getByRole('img', { name: UNREAD_LABEL })).toBeInTheDocument();
    expect(within(read).queryByRole('img', { name: UNREAD_LABEL })).toBeNull();
  });

  it('marks unread rows of a customer\'s or an application\'s conversations too', () => {
    render(<ConversationList cards={[card('u1', { unread: true }), card('r1')]} />);
    expect(screen.getAllByRole('img', { name: UNREAD_LABEL })).toHaveLength(1);
  });

  it('opening a conversation clears its marker in the grid and the attention list, and tells Go', async () => {
    const fake = createFakeApi();
    setApi(fake);
    useConversations.setState({ loaded: true, items: [card('a', { unread: true }), card('b', { unread: true })] });
    useAttention.setState({ loaded: true, items: [{ card: card('a', { unread: true }), reasons: [] }], total: 1 });
    render(<ConversationScreen id="a" />);
    await waitFor(() => expect(fake.markSeen).toHaveBeenCalledWith('a'));
    expect(useConversations.getState().items.map((c) => c.unread)).toEqual([false, true]);
    expect(useAttention.getState().items[0].card.unread).toBe(false);
  });

  it('"Mark all as read" clears every marker once Go has recorded it, and says so when it could not', async () => {
    const fake = createFakeApi();
    const items: AttentionItem[] = [
      { card: card('a', { unread: true }), reasons: [{ code: 'waiting', label: 'Customer waiting for a reply' }] },
      { card: card('b', { unread: true }), reasons: [{ code: 'declined', label: 'Declined' }] },
    ];
    fake.needsAttention.mockResolvedValue({ items, total: 2 });
    fake.markAllSeen.mockRejectedValueOnce(new Error('Your views and read markers are not available on this computer'));
    setApi(fake);
    render(<AttentionScreen />);
    await waitFor(() => expect(screen.getAllByRole('img', { name: UNREAD_LABEL })).toHaveLength(2));
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Mark all as read' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('not available');
    expect(screen.getAllByRole('img', { name: UNREAD_LABEL })).toHaveLength(2);
    await user.click(screen.getByRole('button', { name: 'Mark all as read' }));
    await waitFor(() => expect(screen.queryAllByRole('img', { name: UNREAD_LABEL })).toHaveLength(0));
    expect(fake.markAllSeen).toHaveBeenCalledTimes(2);
  });

  it('keeps the marker of other conversations', async () => {
    setApi(createFakeApi());
    useConversations.setState({ loaded: true, items: [card('a', { unread: true }), card('b', { unread: true })] });
    await markSeen('b');
    expect(useConversations.getState().items.map((c) => c.unread)).toEqual([true, false]);
  });
});

describe('saved views', () => {
  it('saves the grid filter under a name, counts it with the grid count query, and follows new data', async () => {
    const fake = createFakeApi();
    let smiths = counts({ Paused: 3, Active: 5 });
    fake.statusCounts.mockImplementation(async (search: string) => (search === 'name:smith' ? smiths : counts({ Active: 40 })));
    setApi(fake);
    useConversations.setState({ loaded: true, search: 'name:smith', status: 'Paused' });
    const stopLive = startLive();
    render(<SavedViewsPanel />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: '+ Save current view' }));
    const name = screen.getByRole('textbox', { name: 'View name' });
    expect(name).toHaveValue('Paused · “name:smith”');
    await user.clear(name);
    await user.type(name, 'Paused Smiths{Enter}');
    const row = await screen.findByText('Paused Smiths');
    const view = row.closest('[data-testid="saved-view"]') as HTMLElement;
    // Active: the grid's own counts (the chip's); away from it, the same query.
    act(() => useConversations.setState({ counts: smiths, countsSearch: 'name:smith' }));
    expect(within(view).getByTestId('view-count')).toHaveTextContent('3');
    act(() => useConversations.setState({ search: '', status: '', counts: counts({ Active: 40 }), countsSearch: '' }));
    await waitFor(() => expect(within(view).getByTestId('view-count')).toHaveTextContent('3'));
    smiths = counts({ Paused: 4, Active: 5 });
    // A batch that changed conversations: the views count again two seconds later.
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval'] });
    try {
      act(() => fake.emitBatch({ conversations: [card('new', { status: 'Paused' })] }));
      await act(async () => {
        await vi.advanceTimersByTimeAsync(2_000);
      });
    } finally {
      vi.useRealTimers();
    }
    await waitFor(() => expect(within(view).getByTestId('view-count')).toHaveTextContent('4'));
    expect(screen.getByText('All conversations').closest('[data-testid="saved-view"]')).toHaveTextContent('40');

    // Opening a view filters the grid.
    await user.click(within(view).getByRole('button', { name: /^Paused Smiths/ }));
    expect(useConversations.getState()).toMatchObject({ search: 'name:smith', status: 'Paused' });
    expect(within(view).getByRole('button', { name: /^Paused Smiths/ })).toHaveAttribute('aria-pressed', 'true');
    stopLive();
  });

  it('renames and deletes a view, refusing a duplicate name', async () => {
    const fake = createFakeApi();
    setApi(fake);
    await fake.saveView({ id: 0, name: 'Waiting', search: '', status: 'Active' });
    await fake.saveView({ id: 0, name: 'Declined', search: '', status: 'Declined' });
    render(<SavedViewsPanel />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Rename view Waiting' }));
    const name = screen.getByRole('textbox', { name: 'View name' });
    await user.clear(name);
    await user.type(name, 'declined{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('already have a view with this name');
    await user.clear(name);
    await user.type(name, 'Customers waiting{Enter}');
    expect(await screen.findByText('Customers waiting')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Delete view Declined' }));
    await user.click(screen.getByRole('button', { name: 'Delete view' }));
    await waitFor(() => expect(screen.queryByText('Declined')).toBeNull());
    expect(await fake.savedViews()).toEqual([{ id: 1, name: 'Customers waiting', search: '', status: 'Active' }]);
  });

  it('v puts the keyboard on the views, at the one shown', async () => {
    const fake = createFakeApi();
    setApi(fake);
    await fake.saveView({ id: 0, name: 'Declined', search: '', status: 'Declined' });
    useConversations.setState({ status: 'Declined' });
    render(<SavedViewsPanel />);
    const declined = await screen.findByRole('button', { name: /^Declined/ });
    await userEvent.setup().keyboard('v');
    expect(declined).toHaveFocus();
    expect(declined).toHaveAttribute('aria-pressed', 'true');
  });

  it('counts views at the data\'s "as of" instant when offline, at now (cached) when live', async () => {
    const fake = createFakeApi();
    setApi(fake);
    await fake.saveView({ id: 0, name: 'Paused', search: 'msg:rego', status: 'Paused' });
    const { useSavedViews } = await import('../stores/savedViews');
    await useSavedViews.getState().load();
    const asOf = Date.parse('2026-11-30T10:00:00Z');
    useDataClock.setState({ now: asOf, state: { kind: 'offline', since: asOf, asOf, problem: 'Cannot reach Redis', firstSync: false, retrying: true } });
    fake.statusCounts.mockClear();
    await useSavedViews.getState().refreshCounts();
    expect(fake.statusCounts).toHaveBeenCalledWith('msg:rego', '2026-11-30T10:00:00.000Z');
    useDataClock.setState({ state: { kind: 'live' } });
    fake.statusCounts.mockClear();
    await useSavedViews.getState().refreshCounts();
    expect(fake.statusCounts).toHaveBeenCalledWith('msg:rego', null);
  });

  it('offers no save for the unfiltered grid', async () => {
    setApi(createFakeApi());
    render(<SavedViewsPanel />);
    expect(await screen.findByRole('button', { name: '+ Save current view' })).toBeDisabled();
  });
});

describe('attention notifications', () => {
  const item = (id: string, name: string, reason: string): AttentionItem => ({
    card: card(id, { displayName: name }),
    reasons: [{ code: 'fraud', label: reason }],
  });

  function feed(items: AttentionItem[], at: number) {
    act(() => useAttention.setState({ loaded: true, error: null, items, total: items.length, loadedAt: at }));
  }

  it('stays silent until turned on, then announces a newcomer by name and reason', async () => {
    const fake = createFakeApi();
    setApi(fake);
    useDataClock.setState({ state: { kind: 'live' } });
    const stop = startNotifications();
    await waitFor(() => expect(useNotifications.getState().loaded).toBe(true));
    feed([item('a', 'Ann Lee', 'Declined')], 1);
    feed([item('a', 'Ann Lee', 'Declined'), item('b', 'Bo Chan', 'Fraud check: high risk')], 2);
    expect(fake.notify).not.toHaveBeenCalled();

    await useNotifications.getState().setEnabled(true);
    expect(fake.savePreferences).toHaveBeenCalledWith({ notifyAttention: true, density: '' });
    feed([item('a', 'Ann Lee', 'Declined'), item('b', 'Bo Chan', 'Fraud check: high risk')], 3);
    feed(
      [item('a', 'Ann Lee', 'Declined'), item('b', 'Bo Chan', 'Fraud check: high risk'), item('c', 'Cy Diaz', 'Identity check failed')],
      4,
    );
    await waitFor(() =>
      expect(fake.notify).toHaveBeenCalledWith({ title: 'Cy Diaz', body: 'Identity check failed', conversationId: 'c' }),
    );
    expect(fake.notify).toHaveBeenCalledTimes(1);
    stop();
  });

  it('shows a toast when the desktop cannot, which opens the conversation; a clicked desktop notification does too', async () => {
    const fake = createFakeApi();
    fake.notify.mockResolvedValue(false);
    fake.preferences.mockResolvedValue({ notifyAttention: true, density: 'comfortable' });
    setApi(fake);
    useDataClock.setState({ state: { kind: 'live' } });
    const stop = startNotifications();
    render(<Toasts />);
    await waitFor(() => expect(useNotifications.getState().enabled).toBe(true));
    feed([], 1);
    feed([item('z', 'Zoe Park', 'Customer waiting for a reply')], 2);
    const toast = await screen.findByTestId('toast');
    expect(toast).toHaveTextContent('Zoe Park');
    expect(toast).toHaveTextContent('Customer waiting for a reply');
    await userEvent.setup().click(within(toast).getByRole('button', { name: /Zoe Park/ }));
    expect(useRouter.getState().route).toEqual({ name: 'conversation', id: 'z' });
    expect(screen.queryByTestId('toast')).toBeNull();

    act(() => fake.emitNotificationOpen(''));
    expect(useRouter.getState().route).toEqual({ name: 'attention' });
    stop();
  });
});
