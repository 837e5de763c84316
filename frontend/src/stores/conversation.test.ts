import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setApi } from '../api/client';
import { card, createFakeApi, message } from '../test/fakeApi';
import { mergeMessages, REFETCH_DEBOUNCE_MS, REFETCH_MAX_WAIT_MS, useConversation } from './conversation';

const batch = (over = {}) => ({ conversations: [], messages: [], applications: [], customers: [], ...over });

describe('conversation store', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('merges messages by streamId and keeps time order', () => {
    const a = [message(0), message(2)];
    expect(mergeMessages(a, [message(2)])).toBe(a);
    expect(mergeMessages(a, [message(1)]).map((m) => m.seq)).toEqual([0, 1, 2]);
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
