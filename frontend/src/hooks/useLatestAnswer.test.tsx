import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useLatestAnswer } from './useLatestAnswer';

/** A call the test answers by hand. */
function manualAsk() {
  const calls: { q: string; answer(a: string): void }[] = [];
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      calls.push({ q, answer: resolve });
    });
  return { calls, ask };
}

describe('useLatestAnswer', () => {
  it('asks at once for every question and keeps only the answer to the latest', async () => {
    const { calls, ask } = manualAsk();
    const { result, rerender } = renderHook(({ q }) => useLatestAnswer(q, ask, (s) => s === ''), { initialProps: { q: 'o' } });
    expect(calls.map((c) => c.q)).toEqual(['o']); // no delay before the first call
    rerender({ q: 'ol' });
    rerender({ q: 'oli' });
    expect(calls.map((c) => c.q)).toEqual(['o', 'ol', 'oli']); // no waiting for the call in flight
    expect(result.current.pending).toBe(true);
    await act(async () => calls[2].answer('answer to oli'));
    expect(result.current).toMatchObject({ question: 'oli', answer: 'answer to oli', pending: false });
    // Answers to older questions, arriving late, are dropped.
    await act(async () => calls[0].answer('answer to o'));
    await act(async () => calls[1].answer('answer to ol'));
    expect(result.current).toMatchObject({ question: 'oli', answer: 'answer to oli' });

    // A question skipped (empty) clears the answer and asks nothing.
    rerender({ q: '' });
    expect(result.current).toMatchObject({ answer: null, pending: false });
    expect(calls).toHaveLength(3);
  });

  it('keeps a failure as the error of its question', async () => {
    const { result } = renderHook(() => useLatestAnswer('x', () => Promise.reject(new Error('down')), () => false));
    await act(async () => {});
    expect(result.current.error).toBeInstanceOf(Error);
    expect(result.current.pending).toBe(false);
  });
});
