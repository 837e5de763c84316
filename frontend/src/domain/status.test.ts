import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, statusAt, statusClass, type StatusInputs } from './status';

const T0 = Date.parse('2024-11-24T10:00:00Z');
const sec = (s: number) => T0 + s * 1000;

function conv(over: Partial<StatusInputs> = {}): StatusInputs {
  return {
    decision: null,
    endedAt: null,
    startedAt: '2024-11-24T09:00:00Z',
    lastMessageAt: '2024-11-24T10:00:00Z',
    ...over,
  };
}

describe('statusAt', () => {
  it('is Active up to and including the paused threshold (3 min)', () => {
    expect(statusAt(conv(), sec(0))).toBe('Active');
    expect(statusAt(conv(), sec(179))).toBe('Active');
    expect(statusAt(conv(), sec(180))).toBe('Active');
  });

  it('is Paused just over 3 minutes, up to 20 minutes', () => {
    expect(statusAt(conv(), sec(180) + 1)).toBe('Paused');
    expect(statusAt(conv(), sec(20 * 60))).toBe('Paused');
  });

  it('is Soft End over 20 minutes, up to 24 hours', () => {
    expect(statusAt(conv(), sec(20 * 60) + 1)).toBe('Soft End');
    expect(statusAt(conv(), sec(24 * 3600))).toBe('Soft End');
  });

  it('is Hard End over 24 hours', () => {
    expect(statusAt(conv(), sec(24 * 3600) + 1)).toBe('Hard End');
    expect(statusAt(conv(), sec(30 * 24 * 3600))).toBe('Hard End');
  });

  it('uses the start time when there is no message', () => {
    const c = conv({ startedAt: '2024-11-24T10:00:00Z', lastMessageAt: null });
    expect(statusAt(c, sec(60))).toBe('Active');
    expect(statusAt(c, sec(181))).toBe('Paused');
  });

  it('shows a final decision first, in any case, whatever the idle time or end flag', () => {
    expect(statusAt(conv({ decision: 'APPROVED' }), sec(0))).toBe('Approved');
    expect(statusAt(conv({ decision: 'declined' }), sec(99 * 3600))).toBe('Declined');
    expect(statusAt(conv({ decision: 'Approved', endedAt: '2024-11-24T10:00:00Z' }), sec(0))).toBe('Approved');
  });

  it('ignores other decision words', () => {
    expect(statusAt(conv({ decision: 'REFERRED' }), sec(0))).toBe('Active');
  });

  it('shows Ended for an explicit end flag, before idle time', () => {
    expect(statusAt(conv({ endedAt: '2024-11-24T10:00:00Z' }), sec(0))).toBe('Ended');
    expect(statusAt(conv({ endedAt: '2024-11-24T10:00:00Z' }), sec(48 * 3600))).toBe('Ended');
  });

  it('follows threshold changes', () => {
    const th = { pausedSeconds: 60, softEndSeconds: 120, hardEndSeconds: 600 };
    expect(statusAt(conv(), sec(61), th)).toBe('Paused');
    expect(statusAt(conv(), sec(61), DEFAULT_THRESHOLDS)).toBe('Active');
    expect(statusAt(conv(), sec(121), th)).toBe('Soft End');
    expect(statusAt(conv(), sec(601), th)).toBe('Hard End');
    expect(statusAt(conv(), sec(600), th)).toBe('Soft End');
  });

  it('changes as time passes without new data', () => {
    const c = conv();
    const seen = [0, 200, 1300, 90000].map((s) => statusAt(c, sec(s)));
    expect(seen).toEqual(['Active', 'Paused', 'Soft End', 'Hard End']);
  });

  it('handles times with offsets and without fractions', () => {
    const c = conv({ lastMessageAt: '2024-11-24T20:00:00+10:00' });
    expect(statusAt(c, sec(181))).toBe('Paused');
  });
});

describe('statusClass', () => {
  it('makes a CSS modifier', () => {
    expect(statusClass('Soft End')).toBe('status-soft-end');
    expect(statusClass('Active')).toBe('status-active');
  });
});
