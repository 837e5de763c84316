import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { setApi } from '../api/client';
import type { ConversationPage } from '../api/types';
import { useConversations } from '../stores/conversations';
import { useDataClock } from '../stores/dataClock';
import { startLive } from '../stores/live';
import { useRouter } from '../stores/router';
import { card, cards, createFakeApi, zeroCounts } from '../test/fakeApi';
import { fakeLayout } from '../test/layout';
import { columnsFor, ConversationsScreen, ROW_HEIGHT } from './ConversationsScreen';

const NOW = Date.now();
const page0: ConversationPage = { items: cards(60, 'a', NOW), nextCursor: '1' };
const page1: ConversationPage = { items: cards(60, 'b', NOW - 61 * 60_000), nextCursor: null };

function names(): string[] {
  return screen.getAllByTestId('conversation-card').map((c) => c.querySelector('.conv-card-name')!.textContent!);
}

describe('conversations grid', () => {
  beforeEach(() => {
    fakeLayout(1200, 600);
  });

  it('picks up to three cards per row from the width', () => {
    expect(columnsFor(1400)).toBe(3);
    expect(columnsFor(900)).toBe(2);
    expect(columnsFor(500)).toBe(1);
  });

  it('renders the first page newest first, three per row, without rendering every card', async () => {
    setApi(createFakeApi({ pages: [page0, page1] }));
    render(<ConversationsScreen />);
    await screen.findAllByTestId('conversation-card');
    const shown = names();
    expect(shown[0]).toBe('Customer a0');
    expect(shown[1]).toBe('Customer a1');
    expect(shown.length).toBeLessThan(60);
    expect(shown.length % 3).toBe(0);
    const firstRow = screen.getAllByTestId('conversation-card')[0].parentElement!;
    expect(within(firstRow).getAllByTestId('conversation-card')).toHaveLength(3);
  });

  it('shows a fallback name for unknown customers', async () => {
    setApi(createFakeApi({ pages: [{ items: [card('x', { customerName: null })], nextCursor: null }] }));
    render(<ConversationsScreen />);
    expect(await screen.findByText('New customer')).toBeInTheDocument();
  });

  it('loads the next page on reaching the end, with a loading indicator, until nextCursor is null', async () => {
    const fake = createFakeApi({ pages: [page0, page1] });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    fake.listConversations.mockImplementation(async (q: { cursor: string | null }) => {
      if (q.cursor === '1') {
        await gate;
        return page1;
      }
      return page0;
    });
    setApi(fake);
    render(<ConversationsScreen />);
    await screen.findAllByTestId('conversation-card');
    expect(fake.listConversations).toHaveBeenCalledTimes(1);

    const scroller = screen.getByTestId('grid-scroll');
    act(() => {
      scroller.scrollTop = 20 * ROW_HEIGHT - 600 + ROW_HEIGHT;
      fireEvent.scroll(scroller);
    });
    await waitFor(() =>
      expect(fake.listConversations).toHaveBeenLastCalledWith(expect.objectContaining({ cursor: '1', search: '', status: '' })),
    );
    expect(screen.getByText('Loading more conversations…')).toBeInTheDocument();

    await act(async () => release());
    await waitFor(() => expect(useConversations.getState().items).toHaveLength(120));
    expect(useConversations.getState().nextCursor).toBeNull();
    expect(screen.queryByText('Loading more conversations…')).not.toBeInTheDocument();

    act(() => {
      scroller.scrollTop = 40 * ROW_HEIGHT;
      fireEvent.scroll(scroller);
    });
    expect(await screen.findByText(/120 conversations · end of list/)).toBeInTheDocument();
    expect(fake.listConversations).toHaveBeenCalledTimes(2);
  });

  it('shows a live new conversation on top and updates changed cards in place', async () => {
    const fake = createFakeApi({ pages: [page0, page1] });
    setApi(fake);
    startLive();
    render(<ConversationsScreen />);
    await screen.findAllByTestId('conversation-card');

    act(() =>
      fake.emitBatch({
        conversations: [
          card('fresh', { customerName: 'Brand New', startedAt: new Date().toISOString() }),
          { ...page0.items[1], customerName: 'Renamed Customer' },
        ],
      }),
    );
    const shown = names();
    expect(shown[0]).toBe('Brand New');
    expect(shown[1]).toBe('Customer a0');
    expect(shown[2]).toBe('Renamed Customer');
    expect(fake.listConversations).toHaveBeenCalledTimes(1);
  });

  it('debounces the search: one call after typing stops', async () => {
    const fake = createFakeApi({ pages: [page0] });
    setApi(fake);
    const user = userEvent.setup();
    render(<ConversationsScreen />);
    await screen.findAllByTestId('conversation-card');
    fake.listConversations.mockClear();
    fake.statusCounts.mockClear();

    await user.type(screen.getByLabelText('Search conversations'), 'jane');
    expect(fake.listConversations).not.toHaveBeenCalled();
    await waitFor(() => expect(fake.listConversations).toHaveBeenCalledTimes(1));
    expect(fake.listConversations).toHaveBeenCalledWith(expect.objectContaining({ search: 'jane', cursor: null }));
    expect(fake.statusCounts).toHaveBeenCalledWith('jane', null);
    await new Promise((r) => setTimeout(r, 400));
    expect(fake.listConversations).toHaveBeenCalledTimes(1);
  });

  it('shows status counts on the filter chips and filters by status', async () => {
    const fake = createFakeApi({ pages: [page0] });
    fake.statusCounts.mockResolvedValue({ ...zeroCounts(), Active: 50, Paused: 7, Approved: 3 });
    setApi(fake);
    const user = userEvent.setup();
    render(<ConversationsScreen />);
    const paused = await screen.findByRole('button', { name: /Paused\s*7/ });
    expect(screen.getByRole('button', { name: /All\s*60/ })).toBeInTheDocument();
    await user.click(paused);
    expect(paused).toHaveAttribute('aria-pressed', 'true');
    await waitFor(() => expect(fake.listConversations).toHaveBeenLastCalledWith(expect.objectContaining({ status: 'Paused' })));
  });

  it('hides cards whose live status left the status filter', async () => {
    const old = new Date(Date.now() - 10 * 60_000).toISOString();
    const fake = createFakeApi({
      pages: [{ items: [card('p1', { lastMessageAt: old, customerName: 'Paused One' }), card('a1', { customerName: 'Active One' })], nextCursor: null }],
    });
    setApi(fake);
    useConversations.setState({ status: 'Paused' });
    render(<ConversationsScreen />);
    expect(await screen.findByText('Paused One')).toBeInTheDocument();
    expect(screen.queryByText('Active One')).not.toBeInTheDocument();
  });

  it('supports / to search, j/k to move and Enter to open', async () => {
    setApi(createFakeApi({ pages: [page0] }));
    const user = userEvent.setup();
    render(<ConversationsScreen />);
    await screen.findAllByTestId('conversation-card');

    await user.keyboard('/');
    expect(screen.getByLabelText('Search conversations')).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.getByLabelText('Search conversations')).not.toHaveFocus();

    await user.keyboard('jjk');
    expect(useConversations.getState().selectedId).toBe('a0');
    await user.keyboard('j');
    expect(useConversations.getState().selectedId).toBe('a1');
    expect(document.querySelector('[data-id="a1"]')).toHaveClass('selected');
    await user.keyboard('{Enter}');
    expect(useRouter.getState().route).toEqual({ name: 'conversation', id: 'a1' });
  });

  it('shows an error with retry when the first page fails', async () => {
    const fake = createFakeApi();
    fake.listConversations.mockRejectedValueOnce(new Error('database is locked'));
    setApi(fake);
    render(<ConversationsScreen />);
    expect(await screen.findByRole('alert')).toHaveTextContent('database is locked');
    useDataClock.setState({ state: { kind: 'live' } });
    await userEvent.setup().click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('No conversations yet')).toBeInTheDocument();
  });
});
