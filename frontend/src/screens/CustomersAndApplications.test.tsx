import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { setApi } from '../api/client';
import type { ApplicationRow, CustomerDetail } from '../api/types';
import { useRouter } from '../stores/router';
import { card, createFakeApi } from '../test/fakeApi';
import { ApplicationsScreen } from './ApplicationsScreen';
import { CustomerScreen } from './CustomerScreen';
import { CustomersScreen } from './CustomersScreen';

const row: ApplicationRow = {
  number: 'APP-2024-001',
  customerId: 'C1',
  customerName: 'Jane Citizen',
  loanAmount: 2000,
  status: 'under_review',
  stage: 'Verification',
  updatedAt: '2024-11-24T10:00:00Z',
  conversationId: 'c1',
};

const customerDetail: CustomerDetail = {
  profile: {
    id: 'C1',
    name: 'Jane Citizen',
    title: 'Ms',
    preferredName: 'Janey',
    firstName: 'Jane',
    middleName: 'Q',
    lastName: 'Citizen',
    email: 'jane@example.com',
    mobile: '0400 111 222',
    dateOfBirth: '1990-03-03',
    residentialAddress: { formatted: '1 George St, Sydney NSW 2000', fields: { postcode: '2000' } },
    mailingAddress: null,
    flags: { staff: true, investor: false, founder: null },
    ekycStatus: 'VERIFIED',
    individualStatus: 'LIVING',
    documents: [
      {
        documentType: 'PASSPORT',
        documentSubtype: null,
        documentNumber: 'PA1234',
        expiryDate: '2031-12-01',
        stateOfIssue: null,
        countryOfIssue: 'AUS',
        additionalInfo: {},
        expired: false,
      },
    ],
  },
  applications: [row],
  conversations: [card('c1', { purpose: 'Loan enquiry' })],
};

describe('customers', () => {
  it('searches (debounced) and lists matches that open the customer', async () => {
    const fake = createFakeApi();
    fake.searchCustomers.mockImplementation(async (q: string) => ({
      items: q === 'jane' ? [{ id: 'C1', name: 'Jane Citizen', email: 'jane@example.com', mobile: null, applications: 1, conversations: 2 }] : [],
      nextCursor: null,
    }));
    setApi(fake);
    const user = userEvent.setup();
    render(<CustomersScreen />);
    expect(await screen.findByText('No customers yet')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Search customers'), 'jane');
    expect(await screen.findByText('Jane Citizen')).toBeInTheDocument();
    expect(fake.searchCustomers).toHaveBeenCalledTimes(2);
    await user.click(screen.getByText('Jane Citizen'));
    expect(useRouter.getState().route).toEqual({ name: 'customer', id: 'C1' });
  });

  it('shows the merged profile with linked applications and conversations', async () => {
    const fake = createFakeApi();
    fake.getCustomer.mockResolvedValue(customerDetail);
    setApi(fake);
    const user = userEvent.setup();
    render(<CustomerScreen id="C1" />);
    expect(await screen.findByRole('heading', { name: 'Ms Jane Q Citizen' })).toBeInTheDocument();
    expect(screen.getByText('jane@example.com')).toBeInTheDocument();
    expect(screen.getByText('3 Mar 1990')).toBeInTheDocument();
    expect(screen.getByText('1 George St, Sydney NSW 2000')).toBeInTheDocument();
    expect(screen.getByText('Passport')).toBeInTheDocument();
    expect(screen.getByText('1 Dec 2031')).toBeInTheDocument();
    expect(screen.getByText('$2,000.00')).toBeInTheDocument();
    await user.click(screen.getByText('Loan enquiry'));
    expect(useRouter.getState().route).toEqual({ name: 'conversation', id: 'c1' });
  });

  it('shows an error with retry for a failed customer', async () => {
    const fake = createFakeApi();
    fake.getCustomer.mockRejectedValueOnce(new Error('customer not found')).mockResolvedValue(customerDetail);
    setApi(fake);
    render(<CustomerScreen id="C1" />);
    expect(await screen.findByRole('alert')).toHaveTextContent('customer not found');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('heading', { name: 'Ms Jane Q Citizen' })).toBeInTheDocument();
  });
});

describe('applications', () => {
  it('lists number, customer, amount, status, stage; filters by status; opens the detail', async () => {
    const fake = createFakeApi();
    fake.listApplications.mockImplementation(async (q: { status: string }) => ({
      items: q.status === '' || q.status === 'under_review' ? [row] : [],
      nextCursor: null,
    }));
    setApi(fake);
    const user = userEvent.setup();
    render(<ApplicationsScreen />);
    const table = await screen.findByRole('table');
    const cells = within(table).getAllByRole('cell').map((c) => c.textContent);
    expect(cells.slice(0, 5)).toEqual(['APP-2024-001', 'Jane Citizen', '$2,000.00', 'Under review', 'Verification']);

    await user.click(screen.getByRole('button', { name: 'Approved' }));
    await waitFor(() => expect(fake.listApplications).toHaveBeenLastCalledWith(expect.objectContaining({ status: 'approved' })));
    expect(await screen.findByText('No applications match')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'All' }));
    await user.click(await screen.findByText('APP-2024-001'));
    expect(useRouter.getState().route).toEqual({ name: 'application', number: 'APP-2024-001' });
  });
});

describe('customers without a name', () => {
  const nameless = { ...customerDetail.profile, name: null, title: null, preferredName: null, firstName: null, middleName: null, lastName: '  ' };

  it('are named by the best thing known in the customers list, never blank', async () => {
    const fake = createFakeApi();
    fake.searchCustomers.mockResolvedValue({
      items: [
        { id: 'C7', name: null, displayName: 'Konstantinos', nameSource: 'message', email: null, mobile: null, applications: 0, conversations: 1 },
        { id: 'C8', name: '', displayName: '', nameSource: 'none', email: null, mobile: null, applications: 0, conversations: 1 },
      ],
      nextCursor: null,
    });
    setApi(fake);
    render(<CustomersScreen />);
    const table = await screen.findByRole('table');
    const names = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((r) => within(r).getAllByRole('cell')[0].textContent);
    expect(names).toEqual(['Konstantinos', 'New customer']);
    const stand = within(table).getByText('Konstantinos');
    expect(stand).toHaveAttribute('data-provisional', 'true');
    expect(stand).toHaveAttribute('title', 'Name not given yet: how the assistant addressed them');
  });

  it('say so in the applications list, not their raw id', async () => {
    const fake = createFakeApi();
    fake.listApplications.mockResolvedValue({ items: [{ ...row, customerName: null, customerId: 'cust-9f2e' }], nextCursor: null });
    setApi(fake);
    render(<ApplicationsScreen />);
    const table = await screen.findByRole('table');
    expect(within(table).getAllByRole('cell')[1]).toHaveTextContent(/^Name not given yet$/);
    expect(table.textContent).not.toContain('cust-9f2e');
  });

  it('say so on their profile', async () => {
    const fake = createFakeApi();
    fake.getCustomer.mockResolvedValue({ ...customerDetail, profile: nameless });
    setApi(fake);
    render(<CustomerScreen id="C1" />);
    expect(await screen.findByRole('heading', { name: 'Name not given yet' })).toBeInTheDocument();
  });
});

describe('application stages', () => {
  it('shows the stage as a label in the applications list', async () => {
    const fake = createFakeApi();
    fake.listApplications.mockResolvedValue({ items: [{ ...row, stage: 'identity_verification' }], nextCursor: null });
    setApi(fake);
    render(<ApplicationsScreen />);
    const table = await screen.findByRole('table');
    expect(within(table).getAllByRole('cell')[4]).toHaveTextContent(/^Identity verification$/);
  });
});
