import { describe, expect, it } from 'vitest';
import { initialPlan, plan, type AttentionEntry, type PlanState } from './notifyPlan';

const entry = (id: string, reason = 'Customer waiting for a reply'): AttentionEntry => ({ id, name: `Customer ${id}`, reason });
const opts = { minGapMs: 30_000, renotifyAfterMs: 3_600_000 };

/** Feeds lists at times (a fake clock) and collects every notice. */
function run(steps: { at: number; ids: string[]; live?: boolean }[], start: PlanState = initialPlan) {
  let state = start;
  const out: { at: number; title: string; body: string; conversationId: string }[] = [];
  for (const s of steps) {
    const r = plan(state, s.ids.map((id) => entry(id)), s.at, s.live ?? true, opts);
    state = r.state;
    for (const n of r.notices) out.push({ at: s.at, ...n });
  }
  return { state, out };
}

describe('plan', () => {
  it('remembers the first list without notifying, then notifies one newcomer with its name and reason', () => {
    const { out } = run([
      { at: 0, ids: ['a', 'b'] },
      { at: 5_000, ids: ['a', 'b', 'c'] },
    ]);
    expect(out).toEqual([{ at: 5_000, title: 'Customer c', body: 'Customer waiting for a reply', conversationId: 'c' }]);
  });

  it('never notifies while the data is not live, nor what entered meanwhile once live again', () => {
    const { out } = run([
      { at: 0, ids: [], live: false },
      { at: 5_000, ids: ['a', 'b', 'c'], live: false },
      { at: 10_000, ids: ['a', 'b', 'c', 'd'] },
    ]);
    expect(out.map((n) => n.conversationId)).toEqual(['d']);
  });

  it('groups a burst: one notice, then the rest held for the gap and sent as one', () => {
    const { out } = run([
      { at: 0, ids: [] },
      { at: 1_000, ids: ['a'] },
      { at: 6_000, ids: ['a', 'b', 'c'] },
      { at: 11_000, ids: ['a', 'b', 'c', 'd', 'e', 'f'] },
      { at: 26_000, ids: ['a', 'b', 'c', 'd', 'e', 'f'] },
      { at: 31_000, ids: ['a', 'b', 'c', 'd', 'e', 'f'] },
    ]);
    expect(out).toEqual([
      { at: 1_000, title: 'Customer a', body: 'Customer waiting for a reply', conversationId: 'a' },
      {
        at: 31_000,
        title: '5 conversations need attention',
        body: 'Customer b, Customer c, Customer d and 2 more',
        conversationId: '',
      },
    ]);
  });

  it('drops held news that no longer needs attention', () => {
    const { out } = run([
      { at: 0, ids: [] },
      { at: 1_000, ids: ['a'] },
      { at: 2_000, ids: ['a', 'b', 'c'] },
      { at: 40_000, ids: ['a', 'c'] },
    ]);
    expect(out.map((n) => [n.at, n.conversationId, n.title])).toEqual([
      [1_000, 'a', 'Customer a'],
      [40_000, 'c', 'Customer c'],
    ]);
  });

  it('names two in a group without "more"', () => {
    const { out } = run([
      { at: 0, ids: [] },
      { at: 1_000, ids: ['a', 'b'] },
    ]);
    expect(out).toEqual([{ at: 1_000, title: '2 conversations need attention', body: 'Customer a and Customer b', conversationId: '' }]);
  });

  it('does not notify a conversation that leaves and comes back within the hour, but does after it', () => {
    const { out } = run([
      { at: 0, ids: [] },
      { at: 1_000, ids: ['a'] },
      { at: 60_000, ids: [] },
      { at: 120_000, ids: ['a'] },
      { at: 3_700_000, ids: [] },
      { at: 3_800_000, ids: ['a'] },
    ]);
    expect(out.map((n) => n.at)).toEqual([1_000, 3_800_000]);
  });
});
