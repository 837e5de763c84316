import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useSettings } from '../../stores/settings';
import { startTicker, TICK_MS } from '../../stores/ticker';
import { card } from '../../test/fakeApi';
import { ConversationCardView } from './ConversationCardView';

const T0 = Date.parse('2024-11-24T10:00:00Z');

describe('card timers', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const c = card('t', {
    startedAt: new Date(T0 - 5 * 60_000).toISOString(),
    lastMessageAt: new Date(T0 - 170_000).toISOString(), // 2m50s: Active, Paused after 3m
  });

  it('ticks "started" and "last message" from one shared ticker', () => {
    const stop = startTicker();
    const setInterval = vi.spyOn(globalThis, 'setInterval');
    render(
      <>
        <ConversationCardView card={c} selected={false} onOpen={() => {}} />
        <ConversationCardView card={{ ...c, id: 'u' }} selected={false} onOpen={() => {}} />
      </>,
    );
    expect(setInterval).not.toHaveBeenCalled(); // cards run no timers of their own
    expect(screen.getAllByTestId('started-ago')[0]).toHaveTextContent('5m ago');
    expect(screen.getAllByTestId('last-ago')[0]).toHaveTextContent('2m ago');

    act(() => vi.advanceTimersByTime(60_000));
    expect(screen.getAllByTestId('started-ago')[0]).toHaveTextContent('6m ago');
    expect(screen.getAllByTestId('last-ago')[1]).toHaveTextContent('3m ago');
    stop();
  });

  it('updates the badge as time passes, with the configured thresholds', () => {
    const stop = startTicker();
    render(<ConversationCardView card={c} selected={false} onOpen={() => {}} />);
    expect(screen.getByTestId('status-badge')).toHaveTextContent('Active');

    act(() => vi.advanceTimersByTime(TICK_MS * 3)); // 3m05s idle
    expect(screen.getByTestId('status-badge')).toHaveTextContent('Paused');

    act(() =>
      useSettings.setState({ thresholds: { pausedSeconds: 3600, softEndSeconds: 7200, hardEndSeconds: 86400 } }),
    );
    expect(screen.getByTestId('status-badge')).toHaveTextContent('Active');
    stop();
  });
});
