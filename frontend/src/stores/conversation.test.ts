import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setApi } from '../api/client';
import { card, createFakeApi, message } from '../test/fakeApi';
import { compareStreamIds, mergeMessages, REFETCH_DEBOUNCE_MS, REFETCH_MAX_WAIT_MS, useConversation } from './conversation';

const batch = (over = {}) => ({ conversations: [], messages: [], applications: [], customers: [], ...over });

describe('conversation store', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('merges messages by streamId and keeps stream order', () => {
    const a = [message(0), message(2)];
    expect(mergeMessages(a, [message(2)])).toBe(a);
    expect(mergeMessages(a, [message(1)]).map((m) => m.seq)).toEqual([0, 1, 2]);
  });

  it('orders by stream ID, not by time: a reply stamped in another zone stays after its question', () => {
    const question = message(0, { streamId: '999-5', at: '2024-11-24T10:00:00Z' });
    const reply = message(1, { streamId: '1000-0', at: '2024-11-24T10:00:05+02:00' });
    expect(mergeMessages([], [reply, question]).map((m) => m.seq)).toEqual([0, 1]);
    expect(mergeMessages([question], [reply]).map((m) => m.seq)).toEqual([0, 1]);
    expect(compareStreamIds('1000-10', '1000-9')).toBeGreaterThan(0);
    expect(compareStreamIds('1000-18446744073709551615', '1000-18446744073709551614')).toBeGreaterThan(0);
  });

  it('refetches after activity settles, and at least every max-wait under constant activity', async () => {
    const fake = createFakeApi();
    setApi(fake);
    await useConversation.getState().open('c1');
    expect(fake.getConversation).toHaveBeenCalledTimes(1);

    // A card change every 100 ms for 3 s.
    for (let t = 0; t < 3000; t += 100) {
      useConversation.getState().applyBatch(batch({ conversations: [card('c1')] }));
      await vi.advanceTimersByTimeAsync(100);
    }
    const during = fake.getConversation.mock.calls.length - 1;
    expect(during).toBeGreaterThanOrEqual(Math.floor(3000 / REFETCH_MAX_WAIT_MS));
    expect(during).toBeLessThanOrEqual(2);

    await vi.advanceTimersByTimeAsync(REFETCH_DEBOUNCE_MS + 10);
    expect(fake.getConversation.mock.calls.length - 1).toBe(during + 1);
  });

  it('refetches when its application or customer changes, not for others', async () => {
    const fake = createFakeApi();
    setApi(fake);
    await useConversation.getState().open('c1');
    useConversation.getState().applyBatch(batch({ applications: ['APP-other'], customers: ['someone'] }));
    await vi.advanceTimersByTimeAsync(REFETCH_DEBOUNCE_MS * 2);
    expect(fake.getConversation).toHaveBeenCalledTimes(1);
    useConversation.getState().applyBatch(batch({ applications: ['APP-c1'] }));
    await vi.advanceTimersByTimeAsync(REFETCH_DEBOUNCE_MS * 2);
    expect(fake.getConversation).toHaveBeenCalledTimes(2);
    useConversation.getState().applyBatch(batch({ customers: ['cust-c1'] }));
    await vi.advanceTimersByTimeAsync(REFETCH_DEBOUNCE_MS * 2);
    expect(fake.getConversation).toHaveBeenCalledTimes(3);
  });

  it('keeps the shown detail when a background refetch fails', async () => {
    const fake = createFakeApi();
    setApi(fake);
    await useConversation.getState().open('c1');
    fake.getConversation.mockRejectedValueOnce(new Error('boom'));
    useConversation.getState().applyBatch(batch({ conversations: [card('c1')] }));
    await vi.advanceTimersByTimeAsync(REFETCH_DEBOUNCE_MS * 2);
    expect(useConversation.getState().detail).not.toBeNull();
    expect(useConversation.getState().error).toBeNull();
  });
});
