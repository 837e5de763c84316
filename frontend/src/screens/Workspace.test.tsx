import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { setApi } from '../api/client';
import type { AttentionItem } from '../api/types';
import { Palette } from '../components/Palette';
import { useWorkspaceKeys } from '../hooks/useWorkspaceKeys';
import { nextAttention, refreshAfterMs, useAttention } from '../stores/attention';
import { useConversations } from '../stores/conversations';
import { useRouter } from '../stores/router';
import { card, createFakeApi } from '../test/fakeApi';
import { AttentionScreen } from './AttentionScreen';
import { ConversationCardView } from './conversations/ConversationCardView';
import { useSearchMatches } from '../stores/matches';

const items: AttentionItem[] = [
  { card: card('w1'), reasons: [{ code: 'waiting', label: 'Customer waiting for a reply for 2m' }] },
  {
    card: card('f1', { customerName: null, displayName: 'Konstantinos', nameSource: 'message' }),
    reasons: [
      { code: 'fraud', label: 'Fraud check: high risk' },
      { code: 'declined', label: 'Declined' },
    ],
  },
];

function Keys() {
  useWorkspaceKeys();
  return <Palette />;
}

describe('needs attention', () => {
  it('lists each conversation with its reasons, coloured, and opens one', async () => {
    const fake = createFakeApi();
    fake.needsAttention.mockResolvedValue({ items, total: 2 });
    setApi(fake);
    render(<AttentionScreen />);
    const rows = await screen.findAllByTestId('attention-item');
    expect(rows).toHaveLength(2);
    expect(screen.getByTestId('attention-total')).toHaveTextContent('2 conversations');
    const chips = within(rows[1]).getByTestId('attention-reasons');
    expect(chips).toHaveTextContent('Fraud check: high risk');
    expect(within(chips).getByText('Declined')).toHaveAttribute('data-tone', 'bad');
    expect(within(rows[1]).getByText('Konstantinos')).toHaveClass('name-provisional');
    await userEvent.setup().click(rows[0]);
    expect(useRouter.getState().route).toEqual({ name: 'conversation', id: 'w1' });
  });

  it('says plainly when nothing needs attention', async () => {
    setApi(createFakeApi());
    render(<AttentionScreen />);
    expect(await screen.findByText('Nothing needs attention')).toBeInTheDocument();
  });

  it('n steps to the next item needing attention, wrapping, from anywhere', async () => {
    expect(nextAttention(items, null)).toBe('w1');
    expect(nextAttention(items, 'w1')).toBe('f1');
    expect(nextAttention(items, 'f1')).toBe('w1');
    expect(nextAttention(items, 'elsewhere')).toBe('w1');
    expect(nextAttention([], 'w1')).toBeNull();

    const fake = createFakeApi();
    fake.needsAttention.mockResolvedValue({ items, total: 2 });
    setApi(fake);
    render(<Keys />);
    const user = userEvent.setup();
    await user.keyboard('n');
    await waitFor(() => expect(useRouter.getState().route).toEqual({ name: 'conversation', id: 'w1' }));
    await user.keyboard('n');
    expect(useRouter.getState().route).toEqual({ name: 'conversation', id: 'f1' });
    expect(useAttention.getState().total).toBe(2);
  });
});

describe('attention refresh', () => {
  it('waits at least 5 s, and twenty times as long as a slow list took', () => {
    expect(refreshAfterMs(10)).toBe(5_000);
    expect(refreshAfterMs(2_000)).toBe(40_000);
  });
});

describe('jump palette', () => {
  it('opens on Ctrl-K, shows conversations, customers and applications, and jumps with Enter', async () => {
    const fake = createFakeApi();
    fake.jump.mockResolvedValue([
      { kind: 'conversation', id: 'c9', title: 'Jane Smith', subtitle: 'APP-1 · Active' },
      { kind: 'customer', id: 'cust-9', title: 'Jane Smith', subtitle: 'jane@example.com' },
      { kind: 'application', id: 'APP-1', title: 'APP-1', subtitle: 'Jane Smith · under review' },
    ]);
    setApi(fake);
    render(<Keys />);
    const user = userEvent.setup();
    expect(screen.queryByTestId('palette')).not.toBeInTheDocument();
    await user.keyboard('{Control>}k{/Control}');
    const input = screen.getByRole('textbox', { name: 'Jump to' });
    expect(input).toHaveFocus();
    await user.type(input, 'jane');
    const results = await screen.findAllByTestId('palette-result');
    expect(results.map((r) => r.textContent)).toEqual([
      'ConversationJane SmithAPP-1 · Active',
      'CustomerJane Smithjane@example.com',
      'ApplicationAPP-1Jane Smith · under review',
    ]);
    expect(fake.jump).toHaveBeenLastCalledWith('jane');
    await user.keyboard('{ArrowDown}{Enter}');
    expect(useRouter.getState().route).toEqual({ name: 'customer', id: 'cust-9' });
    expect(screen.queryByTestId('palette')).not.toBeInTheDocument();
  });
});

function SearchCard() {
  useSearchMatches();
  return <ConversationCardView card={card('s1')} selected={false} onOpen={() => {}} />;
}

describe('search explains itself', () => {
  it('shows on the card what matched, with the matching words marked', async () => {
    const fake = createFakeApi();
    fake.explainMatches.mockResolvedValue({
      s1: { field: 'Customer said', exact: false, parts: [{ text: '…unit 4 18 ', hit: false }, { text: 'Smith', hit: true }, { text: ' St…', hit: false }] },
    });
    setApi(fake);
    useConversations.setState({ search: 'smith', items: [card('s1')] });
    render(<SearchCard />);
    const snip = await screen.findByTestId('match-snippet');
    expect(snip).toHaveTextContent('Customer said: …unit 4 18 Smith St…');
    expect(snip.querySelector('mark')).toHaveTextContent(/^Smith$/);
    expect(fake.explainMatches).toHaveBeenCalledWith('smith', ['s1']);
  });

  it('shows the last message without a search', () => {
    setApi(createFakeApi());
    render(<SearchCard />);
    expect(screen.queryByTestId('match-snippet')).not.toBeInTheDocument();
    expect(screen.getByText('hello from s1')).toBeInTheDocument();
  });
});
