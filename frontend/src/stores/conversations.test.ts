import { describe, expect, it, vi } from 'vitest';
import { setApi } from '../api/client';
import { card, createFakeApi } from '../test/fakeApi';
import { useDataClock } from './dataClock';
import { useConversations, visibleCards } from './conversations';
import { DEFAULT_THRESHOLDS } from '../domain/status';

const at = (min: number) => new Date(Date.UTC(2024, 10, 24, 10, min)).toISOString();

describe('grid store live policy', () => {
  it('inserts unseen conversations in start-time order when no filter is active', () => {
    useConversations.setState({
      loaded: true,
      items: [card('c3', { startedAt: at(30) }), card('c1', { startedAt: at(10) })],
      nextCursor: null,
    });
    useConversations.getState().applyCards([card('c2', { startedAt: at(20) }), card('c4', { startedAt: at(40) })]);
    expect(useConversations.getState().items.map((c) => c.id)).toEqual(['c4', 'c3', 'c2', 'c1']);
  });

  it('leaves older unseen conversations to later pages', () => {
    useConversations.setState({ loaded: true, items: [card('c3', { startedAt: at(30) })], nextCursor: 'next' });
    useConversations.getState().applyCards([card('old', { startedAt: at(1) })]);
    expect(useConversations.getState().items.map((c) => c.id)).toEqual(['c3']);
  });

  it('with a status filter and no search, inserts unseen cards that have that status now, and only those', () => {
    useDataClock.setState({ now: Date.now() });
    useConversations.setState({ loaded: true, status: 'Active', items: [card('c1')], nextCursor: null });
    const idle = new Date(Date.now() - 10 * 60_000).toISOString();
    useConversations.getState().applyCards([card('n1'), card('p1', { lastMessageAt: idle })]);
    useConversations.getState().applyCards([card('n1'), card('c1', { customerName: 'Changed' })]);
    const s = useConversations.getState();
    expect(s.items.map((c) => c.id).sort()).toEqual(['c1', 'n1']);
    expect(s.items.find((c) => c.id === 'c1')?.customerName).toBe('Changed');
    expect(s.pendingNew).toEqual([]);
  });

  it('with a search, fetches the loaded range again quietly instead of offering a banner', async () => {
    vi.useFakeTimers();
    try {
      const fake = createFakeApi({ pages: [{ items: [card('c1'), card('fresh')], nextCursor: null }] });
      setApi(fake);
      useConversations.setState({ loaded: true, search: 'jane', items: [card('c1')], nextCursor: null });
      useConversations.getState().applyCards([card('fresh')]);
      useConversations.getState().applyCards([card('fresh2')]);
      expect(useConversations.getState().items.map((c) => c.id)).toEqual(['c1']);
      await vi.advanceTimersByTimeAsync(1500);
      expect(fake.listConversations).toHaveBeenCalledTimes(1);
      expect(fake.listConversations).toHaveBeenCalledWith(expect.objectContaining({ search: 'jane', cursor: null }));
      expect(useConversations.getState().items.map((c) => c.id)).toEqual(['c1', 'fresh']);
      expect(useConversations.getState().pendingNew).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('ignores batches before the first page arrived', () => {
    useConversations.getState().applyCards([card('n1')]);
    expect(useConversations.getState().items).toEqual([]);
  });

  it('filters loaded cards by their live status', () => {
    const now = Date.parse(at(60));
    const items = [card('a', { lastMessageAt: at(59) }), card('p', { lastMessageAt: at(50) })];
    expect(visibleCards(items, '', now, DEFAULT_THRESHOLDS)).toBe(items);
    expect(visibleCards(items, 'Paused', now, DEFAULT_THRESHOLDS).map((c) => c.id)).toEqual(['p']);
  });
});
