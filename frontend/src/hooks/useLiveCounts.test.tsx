import { act, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setApi } from '../api/client';
import { useConversations } from '../stores/conversations';
import { startLive } from '../stores/live';
import { card, createFakeApi } from '../test/fakeApi';
import { COUNTS_AFTER_BATCH_MS, useLiveCounts } from './useLiveCounts';

function Counts() {
  useLiveCounts();
  return null;
}

describe('live status counts', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('count again as soon as a batch changes conversations, then at most once a second', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'Date'] });
    const fake = createFakeApi();
    setApi(fake);
    useConversations.setState({ loaded: true, search: '', status: '' });
    const stop = startLive();
    render(<Counts />);
    expect(fake.statusCounts).toHaveBeenCalledTimes(1); // on mount

    await act(async () => {
      await vi.advanceTimersByTimeAsync(COUNTS_AFTER_BATCH_MS);
    });
    act(() => fake.emitBatch({ conversations: [card('a')] }));
    expect(fake.statusCounts).toHaveBeenCalledTimes(2); // at once: the chips follow the new card

    // A burst: one more count, a second after the last.
    act(() => fake.emitBatch({ conversations: [card('b')] }));
    act(() => fake.emitBatch({ conversations: [card('c')] }));
    expect(fake.statusCounts).toHaveBeenCalledTimes(2);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(COUNTS_AFTER_BATCH_MS);
    });
    expect(fake.statusCounts).toHaveBeenCalledTimes(3);

    // A batch without conversations changes no count.
    await act(async () => {
      await vi.advanceTimersByTimeAsync(COUNTS_AFTER_BATCH_MS);
    });
    act(() => fake.emitBatch({ conversations: [] }));
    expect(fake.statusCounts).toHaveBeenCalledTimes(3);
    stop();
  });
});
