import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { setApi } from '../api/client';
import { helpRows } from '../keyboard';
import { CustomersScreen } from '../screens/CustomersScreen';
import { useRouter } from '../stores/router';
import { createFakeApi } from '../test/fakeApi';

const row = (id: string, name: string) => ({ id, name, email: null, mobile: null, applications: 1, conversations: 1 });

describe('list keys on the Customers screen', () => {
  it('/ focuses the search, j/k move between rows, Enter opens, and ? lists them', async () => {
    const fake = createFakeApi();
    fake.searchCustomers.mockResolvedValue({ items: [row('C1', 'Ann Able'), row('C2', 'Ben Baker')], nextCursor: null });
    setApi(fake);
    render(<CustomersScreen />);
    await screen.findByText('Ben Baker');
    act(() => void fireEvent.keyDown(window, { key: '/' }));
    expect(screen.getByLabelText('Search customers')).toHaveFocus();
    act(() => screen.getByLabelText('Search customers').blur());
    act(() => void fireEvent.keyDown(window, { key: 'j' }));
    act(() => void fireEvent.keyDown(window, { key: 'j' }));
    expect(screen.getByText('Ben Baker').closest('tr')).toHaveFocus();
    act(() => void fireEvent.keyDown(window, { key: 'k' }));
    expect(screen.getByText('Ann Able').closest('tr')).toHaveFocus();
    act(() => void fireEvent.keyDown(document.activeElement!, { key: 'Enter' }));
    expect(useRouter.getState().route).toEqual({ name: 'customer', id: 'C1' });
    expect(helpRows().find((g) => g.scope === 'Customers')?.keys.map((k) => k.key)).toEqual(['/', 'j / k', 'Enter', 'Escape']);
  });
});
