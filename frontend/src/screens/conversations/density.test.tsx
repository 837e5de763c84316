import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { setApi } from '../../api/client';
import { DENSITIES, densityOf, gridLayout, nextDensity } from '../../domain/density';
import { useAttention } from '../../stores/attention';
import { useConversations } from '../../stores/conversations';
import { useDataClock } from '../../stores/dataClock';
import { useDensity } from '../../stores/density';
import { cards, createFakeApi } from '../../test/fakeApi';
import { fakeLayout } from '../../test/layout';
import { helpRows } from '../../keyboard';
import { ConversationsScreen } from '../ConversationsScreen';

const NOW = Date.now();

describe('grid layout per density', () => {
  it('the wall puts 40 or more tiles in a 1440x900 window and stays readable at 1024x700', () => {
    // The grid's scroll area: the window less the scroll bar, header and toolbar.
    const wide = gridLayout('wall', 1440 - 15);
    const wideRows = Math.floor(640 / wide.rowHeight);
    expect(wide.cols * wideRows).toBeGreaterThanOrEqual(40);
    const narrow = gridLayout('wall', 1024 - 15);
    expect(narrow.cols).toBeLessThan(wide.cols);
    // Every tile keeps at least the width that shows a name and a time.
    for (const w of [1024 - 15, 1440 - 15, 1920 - 15]) {
      const l = gridLayout('wall', w);
      expect((w - 28 - (l.cols - 1) * l.gap) / l.cols).toBeGreaterThanOrEqual(172);
    }
  });

  it('denser layouts have more columns or shorter rows, never fewer cards per screen', () => {
    for (const w of [500, 1009, 1425]) {
      const per = DENSITIES.map((d) => {
        const l = gridLayout(d, w);
        return l.cols / l.rowHeight;
      });
      expect(per[1]).toBeGreaterThan(per[0]);
      expect(per[2]).toBeGreaterThan(per[1]);
    }
  });

  it('reads unknown values as the default and steps round', () => {
    expect(densityOf('wall')).toBe('wall');
    expect(densityOf('dense')).toBe('comfortable');
    expect(densityOf(null)).toBe('comfortable');
    expect(nextDensity('comfortable')).toBe('compact');
    expect(nextDensity('wall')).toBe('comfortable');
  });
});

describe('density store', () => {
  it('loads the supervisor’s density and keeps a change', async () => {
    const fake = createFakeApi();
    fake.density.mockResolvedValue('compact');
    setApi(fake);
    await useDensity.getState().load();
    expect(useDensity.getState().density).toBe('compact');
    await useDensity.getState().choose('wall');
    expect(fake.saveDensity).toHaveBeenCalledWith('wall');
    expect(useDensity.getState().density).toBe('wall');
  });

  it('puts the density back, with the reason, when it cannot be kept', async () => {
    const fake = createFakeApi();
    fake.saveDensity.mockRejectedValue(new Error('Not signed in'));
    setApi(fake);
    await useDensity.getState().choose('wall');
    expect(useDensity.getState().density).toBe('comfortable');
    expect(useDensity.getState().error).toBe('Not signed in');
  });
});

describe('the wall', () => {
  beforeEach(() => {
    fakeLayout(1425, 640);
  });

  it('shows 40 or more tiles with status colour, age and attention flag; keys move and switch', async () => {
    const items = cards(200, 'w', NOW);
    const fake = createFakeApi({ pages: [{ items, nextCursor: null }] });
    fake.density.mockResolvedValue('wall');
    setApi(fake);
    useAttention.setState({ items: [{ card: items[2], reasons: [{ code: 'declined', label: 'Declined' }] }], total: 1, loaded: true });
    render(<ConversationsScreen />);
    await waitFor(() => expect(document.querySelectorAll('[data-density="wall"][data-testid="conversation-card"]').length).toBeGreaterThanOrEqual(40));
    const tiles = screen.getAllByTestId('conversation-card');
    expect(tiles.length).toBeLessThan(200); // still virtualised
    expect(tiles[0]).toHaveClass('wall-tile');
    expect(tiles[0].className).toMatch(/status-/);
    expect(tiles[0].querySelector('[data-testid="last-ago"]')).not.toBeNull();
    expect(tiles[2].querySelector('[data-testid="attention-flag"]')).not.toBeNull();
    expect(tiles[2]).toHaveAccessibleName(/needs attention: declined/);
    expect(tiles[1].querySelector('[data-testid="attention-flag"]')).toBeNull();

    // Arrow keys and j/k move through the tiles, a row at a time with up and down.
    const cols = gridLayout('wall', 1425).cols;
    fireEvent.keyDown(window, { key: 'j' });
    expect(useConversations.getState().selectedId).toBe(items[0].id);
    fireEvent.keyDown(window, { key: 'ArrowDown' });
    expect(useConversations.getState().selectedId).toBe(items[cols].id);
    fireEvent.keyDown(window, { key: 'ArrowRight' });
    expect(useConversations.getState().selectedId).toBe(items[cols + 1].id);
    fireEvent.keyDown(window, { key: 'k' });
    expect(useConversations.getState().selectedId).toBe(items[cols].id);

    // The `?` overlay lists the density key.
    const keys = helpRows().flatMap((g) => g.keys);
    expect(keys).toContainEqual({ key: 'd', label: 'Change the grid density (comfortable, compact, wall)' });

    // `d` steps to the next density (comfortable) and keeps it.
    act(() => {
      fireEvent.keyDown(window, { key: 'd' });
    });
    await waitFor(() => expect(screen.getAllByTestId('conversation-card')[0]).toHaveClass('conv-card'));
    expect(fake.saveDensity).toHaveBeenLastCalledWith('comfortable');
  });

  it('flags a conversation beyond the attention list by the reasons its card was read with', async () => {
    const items = cards(60, 'a', NOW);
    items[5] = { ...items[5], attention: [{ code: 'fraud', label: 'Fraud check: high risk' }], unread: true };
    // Listed with a newer reason: the list's reasons win over the card's.
    items[6] = { ...items[6], attention: [{ code: 'waiting', label: 'Customer waiting for a reply for 45s' }] };
    const fake = createFakeApi({ pages: [{ items, nextCursor: null }] });
    fake.density.mockResolvedValue('wall');
    setApi(fake);
    useAttention.setState({ items: [{ card: items[6], reasons: [{ code: 'declined', label: 'Declined' }] }], total: 1, loaded: true });
    render(<ConversationsScreen />);
    await waitFor(() => expect(document.querySelectorAll('[data-density="wall"]').length).toBeGreaterThan(6));
    const tiles = screen.getAllByTestId('conversation-card');
    expect(tiles[5]).toHaveAccessibleName(/needs attention: fraud check: high risk/);
    expect(tiles[5].querySelector('[data-testid="unread-dot"]')).not.toBeNull();
    expect(tiles[6]).toHaveAccessibleName(/needs attention: declined$/);
    expect(tiles[4].querySelector('[data-testid="attention-flag"]')).toBeNull();

    // The comfortable card says it in words.
    act(() => {
      fireEvent.keyDown(window, { key: 'd' });
    });
    await waitFor(() => expect(screen.getAllByTestId('conversation-card')[0]).toHaveClass('conv-card'));
    const card = document.querySelector('[data-id="a5"]');
    expect(card?.querySelector('[data-testid="card-attention"]')).toHaveTextContent('Needs attention: Fraud check: high risk');

    // A first sync makes every status provisional: no reasons either.
    act(() => useDataClock.setState({ provisional: true }));
    expect(document.querySelector('[data-id="a5"] [data-testid="card-attention"]')).toBeNull();
    act(() => useDataClock.setState({ provisional: false }));
  });

  it('the toolbar switches density and says which is on', async () => {
    const fake = createFakeApi({ pages: [{ items: cards(30, 'c', NOW), nextCursor: null }] });
    setApi(fake);
    const user = userEvent.setup();
    render(<ConversationsScreen />);
    await screen.findAllByTestId('conversation-card');
    const group = screen.getByRole('group', { name: 'Grid density' });
    expect(screen.getByRole('button', { name: 'Comfortable' })).toHaveAttribute('aria-pressed', 'true');
    await user.click(screen.getByRole('button', { name: 'Compact' }));
    expect(group.querySelector('[aria-pressed="true"]')).toHaveTextContent('Compact');
    expect(screen.getAllByTestId('conversation-card')[0]).toHaveClass('conv-card-compact');
    expect(screen.getAllByTestId('conversation-card')[0].querySelector('.conv-card-preview')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Wall' }));
    expect(screen.getAllByTestId('conversation-card')[0]).toHaveClass('wall-tile');
    expect(fake.saveDensity.mock.calls.map((c) => c[0])).toEqual(['compact', 'wall']);
  });
});
