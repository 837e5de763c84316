/**
 * A status-filtered grid and its chip count agree at every instant, including when a
 * conversation changes status only because time passes (no event at all).
 */
import { act, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setApi } from '../../api/client';
import { STATUSES, type ConversationCard, type ConversationQuery, type Status } from '../../api/types';
import { DEFAULT_THRESHOLDS, statusAt } from '../../domain/status';
import { useConnection } from '../../stores/connection';
import { useConversations } from '../../stores/conversations';
import { startDataClock } from '../../stores/dataClock';
import { startTicker, TICK_MS } from '../../stores/ticker';
import { card, connected, createFakeApi, zeroCounts } from '../../test/fakeApi';
import { fakeLayout } from '../../test/layout';
import { ConversationsScreen } from '../ConversationsScreen';

const T0 = Date.UTC(2026, 10, 30, 14, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

/** A cache of conversations answering like the Go side: statuses at the query's instant. */
function population(): ConversationCard[] {
  const out: ConversationCard[] = [];
  // Idle 0 s to 4 min and 16 to 20 min in 7 s steps: over five minutes they cross
  // the Paused (3 min) and Soft End (20 min) thresholds at different instants.
  for (let i = 0; i < 35; i++) {
    out.push(card(`a${i}`, { startedAt: iso(T0 - 3_600_000 + i * 1000), lastMessageAt: iso(T0 - i * 7_000) }));
    out.push(card(`b${i}`, { startedAt: iso(T0 - 7_200_000 + i * 1000), lastMessageAt: iso(T0 - 16 * 60_000 - i * 7_000) }));
  }
  return out;
}

function fakeCache(all: ConversationCard[]) {
  const fake = createFakeApi();
  const at = (a: string | null | undefined) => (a ? Date.parse(a) : Date.now());
  fake.listConversations.mockImplementation(async (q: ConversationQuery) => {
    const when = at(q.at);
    const items = all
      .filter((c) => !q.status || statusAt(c, when, DEFAULT_THRESHOLDS) === q.status)
      .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
    const from = q.cursor ? Number(q.cursor) : 0;
    const page = items.slice(from, from + q.limit);
    return { items: page, nextCursor: from + q.limit < items.length ? String(from + q.limit) : null };
  });
  fake.statusCounts.mockImplementation(async (_search: string, a?: string | null) => {
    const when = at(a);
    const counts = zeroCounts();
    for (const c of all) counts[statusAt(c, when, DEFAULT_THRESHOLDS)]++;
    return counts;
  });
  return fake;
}

function chipCount(status: Status): number {
  const chip = screen.getByRole('button', { name: new RegExp(`^${status}`) });
  return Number(within(chip).getByTestId('chip-count').textContent!.replace(/\D/g, ''));
}

function gridCount(): number {
  return screen.queryAllByTestId('conversation-card').length;
}

describe('status filter and counts over time', () => {
  let stops: (() => void)[] = [];
  beforeEach(() => {
    fakeLayout(1200, 4000); // tall enough that every card is rendered
    vi.useFakeTimers({ shouldAdvanceTime: false, toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    stops.forEach((s) => s());
    stops = [];
    vi.useRealTimers();
  });

  it('adds conversations that become Paused as time passes and drops those that move on; the chip always equals the grid', async () => {
    const all = population();
    setApi(fakeCache(all));
    useConnection.setState({ conn: connected });
    stops.push(startTicker(), startDataClock());
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    useConversations.setState({ status: 'Paused' });
    render(<ConversationsScreen />);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(10);
    });
    const expected = (t: number) => all.filter((c) => statusAt(c, t, DEFAULT_THRESHOLDS) === 'Paused').length;
    expect(gridCount()).toBe(expected(T0));
    expect(chipCount('Paused')).toBe(gridCount());

    // Four minutes, tick by tick: cards enter Paused (idle passes 3 min) and leave it (20 min).
    const seen = new Set<number>();
    for (let t = TICK_MS; t <= 4 * 60_000; t += TICK_MS) {
      await act(async () => {
        await vi.advanceTimersByTimeAsync(TICK_MS);
      });
      const n = gridCount();
      seen.add(n);
      expect(chipCount('Paused'), `at +${t / 1000} s`).toBe(n);
      expect(n, `at +${t / 1000} s`).toBe(expected(T0 + t));
      expect(screen.queryByText(/outside this view/)).toBeNull();
    }
    expect(seen.size).toBeGreaterThan(5); // the count really moved both ways
    for (const st of STATUSES) expect(chipCount(st)).toBeGreaterThanOrEqual(0);
  }, 120_000);
});
