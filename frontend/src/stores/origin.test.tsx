import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { setApi } from '../api/client';
import { ConversationList } from '../components/ConversationList';
import { ConversationScreen } from '../screens/ConversationScreen';
import { card, createFakeApi } from '../test/fakeApi';
import { useOrigin } from './origin';
import { useRouter } from './router';

describe('a conversation opened from a customer page', () => {
  it('steps Prev/Next through the customer’s conversations and goes back to the customer', async () => {
    setApi(createFakeApi());
    const cards = [card('x1'), card('x2'), card('x3')];
    const origin = { route: { name: 'customer' as const, id: 'cust-9' }, label: 'Konstantinos Papadopoulos' };
    const list = render(<ConversationList cards={cards} origin={origin} />);
    await userEvent.setup().click(screen.getAllByRole('link')[1]);
    expect(useRouter.getState().route).toEqual({ name: 'conversation', id: 'x2' });
    expect(useOrigin.getState().origin?.ids).toEqual(['x1', 'x2', 'x3']);
    list.unmount();

    render(<ConversationScreen id="x2" />);
    const prev = screen.getByRole('button', { name: /Prev/ });
    const next = screen.getByRole('button', { name: /Next/ });
    expect(prev).toBeEnabled();
    expect(next).toBeEnabled();
    expect(screen.getByTestId('conversation-position')).toHaveTextContent('2 of 3');
    await userEvent.setup().click(next);
    expect(useRouter.getState().route).toEqual({ name: 'conversation', id: 'x3' });

    const back = screen.getByTestId('conversation-back');
    expect(back).toHaveTextContent('Konstantinos Papadopoulos');
    act(() => {
      window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    });
    await waitFor(() => expect(useRouter.getState().route).toEqual({ name: 'customer', id: 'cust-9' }));
  });
});
