import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useConnection } from '../../stores/connection';
import { startDataClock, useDataClock } from '../../stores/dataClock';
import { useSettings } from '../../stores/settings';
import { startTicker, TICK_MS, useTicker } from '../../stores/ticker';
import { card, connected } from '../../test/fakeApi';
import { cssRule, pxOf } from '../../test/css';
import { ConversationCardView } from './ConversationCardView';

const T0 = Date.parse('2024-11-24T10:00:00Z');

describe('card timers', () => {
  let stopClock = () => {};
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
    // Live: the data clock follows the shared ticker.
    useConnection.setState({ conn: connected });
    useTicker.setState({ now: T0 });
    useDataClock.setState({ now: T0 });
    stopClock = startDataClock();
  });
  afterEach(() => {
    stopClock();
    vi.useRealTimers();
  });

  const c = card('t', {
    startedAt: new Date(T0 - 5 * 60_000).toISOString(),
    lastMessageAt: new Date(T0 - 170_000).toISOString(), // 2m50s: Active, Paused after 3m
  });

  it('ticks "started" and "last message" from one shared ticker', async () => {
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

    await act(async () => {
      await vi.advanceTimersByTimeAsync(60_000);
    });
    expect(screen.getAllByTestId('started-ago')[0]).toHaveTextContent('6m ago');
    expect(screen.getAllByTestId('last-ago')[1]).toHaveTextContent('3m ago');
    stop();
  });

  it('updates the badge as time passes, with the configured thresholds', async () => {
    const stop = startTicker();
    render(<ConversationCardView card={c} selected={false} onOpen={() => {}} />);
    expect(screen.getByTestId('status-badge')).toHaveTextContent('Active');

    await act(async () => {
      await vi.advanceTimersByTimeAsync(TICK_MS * 3); // 3m05s idle
    });
    expect(screen.getByTestId('status-badge')).toHaveTextContent('Paused');

    act(() =>
      useSettings.setState({ thresholds: { pausedSeconds: 3600, softEndSeconds: 7200, hardEndSeconds: 86400 } }),
    );
    expect(screen.getByTestId('status-badge')).toHaveTextContent('Active');
    stop();
  });
});

describe('card preview layout', () => {
  it('is exactly two clamped lines tall, so no part of a third line shows', () => {
    const preview = cssRule('.conv-card-preview');
    // Not stretched by the card: a grown box shows whatever of line 3 fits in it.
    expect(preview.flex).toBe('none');
    expect(preview['-webkit-line-clamp']).toBe('2');
    expect(preview.overflow).toBe('hidden');
    expect(pxOf(preview['max-height'], preview)).toBe(2 * pxOf(preview['line-height'], preview));
    // The spare height of the fixed-size card goes above the times row.
    expect(cssRule('.conv-card-times')['margin-top']).toBe('auto');
  });

  it('shows the last message in the preview box', () => {
    render(<ConversationCardView card={card('p', { lastMessage: { sender: 'assistant', text: 'Long text', at: new Date(T0).toISOString() } })} selected={false} onOpen={() => {}} />);
    expect(document.querySelector('.conv-card-preview')).toHaveTextContent('Assistant: Long text');
  });
});

describe('card customer name', () => {
  it('names a customer nothing is known about "New customer"', () => {
    render(<ConversationCardView card={card('n', { customerName: '   ' })} selected={false} onOpen={() => {}} />);
    expect(screen.getByText('New customer')).toBeInTheDocument();
  });

  it('names a nameless customer by what the Go side found, marked as a stand-in', () => {
    render(
      <ConversationCardView
        card={card('n', { customerName: null, displayName: 'Konstantinos', nameSource: 'message' })}
        selected={false}
        onOpen={() => {}}
      />,
    );
    const n = screen.getByTestId('customer-name');
    expect(n).toHaveTextContent(/^Konstantinos$/);
    expect(n).toHaveClass('name-provisional');
    expect(screen.queryByText('Unknown customer')).not.toBeInTheDocument();
  });
});
