import { describe, expect, it } from 'vitest';
import { card } from '../test/fakeApi';
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

  it('under a filter, counts unseen conversations once each instead of inserting', () => {
    useConversations.setState({ loaded: true, status: 'Active', items: [card('c1')], nextCursor: null });
    useConversations.getState().applyCards([card('n1'), card('n2')]);
    useConversations.getState().applyCards([card('n1'), card('c1', { customerName: 'Changed' })]);
    const s = useConversations.getState();
    expect(s.items.map((c) => c.id)).toEqual(['c1']);
    expect(s.items[0].customerName).toBe('Changed');
    expect(s.pendingNew.sort()).toEqual(['n1', 'n2']);
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
