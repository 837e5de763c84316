import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setApi } from '../api/client';
import { createFakeApi } from '../test/fakeApi';
import { usePipeline, watchPipeline } from './pipeline';

function setHidden(hidden: boolean) {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
}

describe('pipeline polling', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    setHidden(false);
  });
  afterEach(() => {
    vi.useRealTimers();
    setHidden(false);
  });

  it('loads at once, then at the shortest interval of its watchers, never while hidden', async () => {
    const fake = createFakeApi();
    setApi(fake);
    const stopSlow = watchPipeline(30_000);
    expect(fake.pipeline).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(29_000);
    expect(fake.pipeline).toHaveBeenCalledTimes(1);

    const stopFast = watchPipeline(5_000); // a screen that wants it live
    expect(fake.pipeline).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(fake.pipeline).toHaveBeenCalledTimes(5);

    setHidden(true);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(fake.pipeline).toHaveBeenCalledTimes(5);
    setHidden(false);
    document.dispatchEvent(new Event('visibilitychange'));
    expect(fake.pipeline).toHaveBeenCalledTimes(6);

    stopFast(); // back to the slow watcher's pace
    await vi.advanceTimersByTimeAsync(25_000);
    expect(fake.pipeline).toHaveBeenCalledTimes(6);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(fake.pipeline).toHaveBeenCalledTimes(7);

    stopSlow();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(fake.pipeline).toHaveBeenCalledTimes(7);
  });

  it('keeps the last good pipeline when a refresh fails', async () => {
    const fake = createFakeApi();
    setApi(fake);
    await usePipeline.getState().load();
    const good = usePipeline.getState().pipeline;
    fake.pipeline.mockRejectedValueOnce(new Error('Cannot reach the Billie backend: connection refused'));
    await usePipeline.getState().load();
    expect(usePipeline.getState().pipeline).toBe(good);
    expect(usePipeline.getState().error).toMatch(/Cannot reach/);
    await usePipeline.getState().load();
    expect(usePipeline.getState().error).toBeNull();
  });
});
