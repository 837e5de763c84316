import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setApi } from '../api/client';
import type { Application, ConversationDetail, CustomerProfile, StatusCounts } from '../api/types';
import { REFETCH_DEBOUNCE_MS, useConversation } from '../stores/conversation';
import { useConversations } from '../stores/conversations';
import { startLive } from '../stores/live';
import { useRouter } from '../stores/router';
import { card, cards, createFakeApi, detail, message, zeroCounts } from '../test/fakeApi';
import { ConversationScreen } from './ConversationScreen';

const application: Application = {
  number: 'APP-1',
  customerId: 'cust-1',
  conversationId: 'c1',
  status: 'under_review',
  outcome: null,
  outcomeReason: null,
  currentStage: 'identity_verification',
  currentStep: 'id_document',
  progressPercentage: 50,
  stages: [
    { name: 'loan_details', complete: true, steps: [{ name: 'loan_amount', description: null, complete: true, type: null }] },
    {
      name: 'identity_verification',
      complete: false,
      steps: [{ name: 'id_document', description: null, complete: false, type: null }],
    },
  ],
  loanPurpose: 'Car repairs',
  loanAmount: 1500,
  loanFee: 75,
  loanTotalPayable: 1575,
  loanTermDays: 60,
  flags: {
    customerAttestationAcceptance: true,
    statementCaptureConsentProvided: null,
    statementCaptureCompleted: false,
    productOfferAcceptance: null,
  },
  submittedAt: '2024-11-24T10:00:00Z',
  updatedAt: '2024-11-24T10:05:00Z',
  detail: {},
};

const customer: CustomerProfile = {
  id: 'cust-1',
  name: 'Jane Citizen',
  title: 'Ms',
  preferredName: null,
  firstName: 'Jane',
  middleName: null,
  lastName: 'Citizen',
  email: 'jane@example.com',
  mobile: '0400 000 000',
  dateOfBirth: '1990-03-03',
  residentialAddress: { formatted: '1 George St, Sydney NSW 2000', fields: {} },
  mailingAddress: null,
  flags: { staff: false, investor: null, founder: null },
  ekycStatus: 'VERIFIED',
  individualStatus: 'LIVING',
  documents: [
    {
      documentType: 'DRIVERS_LICENCE',
      documentSubtype: null,
      documentNumber: 'D123',
      expiryDate: '2020-01-01',
      stateOfIssue: 'NSW',
      countryOfIssue: 'AU',
      additionalInfo: {},
      expired: true,
    },
  ],
};

function fullDetail(id: string): ConversationDetail {
  return detail(id, {
    application,
    customer,
    assessments: [
      { kind: 'identityRisk', type: 'identityRisk_assessment', value: { sanctionsResult: 'CLEAR' }, at: '2024-11-24T10:00:00Z', history: [] },
      {
        kind: 'serviceability',
        type: 'serviceability_assessment_results',
        value: { monthly_income: 5200, monthly_expenses: 3100.5, surplus: 2099.5, max_loan: 1500, statement_days: 90, repayment_to_income_ratio: 0.125 },
        at: '2024-11-24T10:00:00Z',
        history: [],
      },
      { kind: 'bankStatement', type: 'bankStatement_results', value: { months: 3 }, at: '2024-11-24T10:00:00Z', history: [] },
    ],
    noticeboard: [{ topic: 'Risk', latest: { agent: 'a::Risk', text: 'watch this', at: '2024-11-24T10:00:00Z', agentFinished: false }, earlier: [] }],
  });
}

describe('conversation view', () => {
  beforeEach(() => {
    useConversations.setState({ items: [card('c0'), card('c1'), card('c2')], loaded: true });
    useRouter.setState({ route: { name: 'conversation', id: 'c1' } });
  });

  it('shows the header, transcript and grouped panels formatted for reading', async () => {
    const fake = createFakeApi();
    fake.getConversation.mockImplementation(async (id: string) => fullDetail(id));
    setApi(fake);
    render(<ConversationScreen id="c1" />);
    expect(await screen.findByText('Customer c1')).toBeInTheDocument();
    expect(screen.getByText('APP-c1')).toBeInTheDocument();
    expect(screen.getByText('2 of 3')).toBeInTheDocument();
    expect(screen.getAllByTestId('message')).toHaveLength(2);
    // The overview shows the noticeboard first; 5 shows every section.
    expect(screen.getByTestId('notice-topic')).toBeInTheDocument();
    expect(screen.queryByTestId('panel-application')).not.toBeInTheDocument();
    await userEvent.setup().keyboard('5');

    const app = screen.getByTestId('panel-application');
    expect(within(app).getByText('$1,500.00')).toBeInTheDocument();
    expect(within(app).getByText('$1,575.00')).toBeInTheDocument();
    expect(within(app).getByText('60 days')).toBeInTheDocument();
    expect(within(app).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '50');
    expect(within(app).getByText('Under review')).toBeInTheDocument();
    // Stage and step names as labels, never snake_case.
    expect(within(app).getByText('Loan details')).toBeInTheDocument();
    expect(within(app).getByText('Loan amount')).toBeInTheDocument();
    expect(within(app).getAllByText('Identity verification')).toHaveLength(2); // stage list + progress label
    expect(within(app).getAllByText('ID document')).toHaveLength(2); // step + current step
    expect(app.textContent).not.toMatch(/[a-z]_[a-z]/);

    const identity = screen.getByTestId('panel-identity');
    expect(within(identity).getByText('Sanctions result')).toBeInTheDocument();
    expect(within(identity).getByText('Expired')).toBeInTheDocument();
    expect(within(identity).getByText('1 Jan 2020')).toBeInTheDocument();

    const credit = screen.getByTestId('panel-credit');
    expect(within(credit).getByText('Serviceability')).toBeInTheDocument();
    const service = within(credit).getByTestId('assessment-serviceability');
    expect(within(service).getByText('$5,200.00')).toBeInTheDocument();
    expect(within(service).getByText('$3,100.50')).toBeInTheDocument();
    expect(within(service).getByText('$2,099.50')).toBeInTheDocument();
    expect(within(service).getByText('$1,500.00')).toBeInTheDocument();
    expect(within(service).getByText('90 days')).toBeInTheDocument();
    expect(within(service).getByText('0.125')).toBeInTheDocument();
    expect(within(credit).getByText('No fraud check yet.')).toBeInTheDocument();
    expect(within(credit).getByText('Bank statement')).toBeInTheDocument();

    expect(screen.getByTestId('notice-topic')).toHaveTextContent('watch this');
  });

  it('applies live messages for this conversation only, without duplicates', async () => {
    const fake = createFakeApi();
    setApi(fake);
    startLive();
    render(<ConversationScreen id="c1" />);
    await screen.findAllByTestId('message');
    act(() =>
      fake.emitBatch({
        messages: [
          { ...message(2), conversationId: 'c1' },
          { ...message(3), conversationId: 'other' },
          { ...message(1), conversationId: 'c1' },
        ],
      }),
    );
    expect(screen.getAllByTestId('message').map((m) => m.querySelector('.msg-text')!.textContent)).toEqual([
      'message 0',
      'message 1',
      'message 2',
    ]);
  });

  it('refetches the detail once, debounced, when its card changes', async () => {
    const fake = createFakeApi();
    setApi(fake);
    startLive();
    render(<ConversationScreen id="c1" />);
    await screen.findAllByTestId('message');
    expect(fake.getConversation).toHaveBeenCalledTimes(1);
    vi.useFakeTimers();
    try {
      act(() => {
        fake.emitBatch({ conversations: [card('c1', { customerName: 'Jane Updated' })] });
        fake.emitBatch({ conversations: [card('c1', { customerName: 'Jane Updated' })] });
      });
      expect(screen.getByText('Jane Updated')).toBeInTheDocument();
      await act(async () => vi.advanceTimersByTime(REFETCH_DEBOUNCE_MS + 10));
    } finally {
      vi.useRealTimers();
    }
    await waitFor(() => expect(fake.getConversation).toHaveBeenCalledTimes(2));
  });

  it('steps to the previous / next conversation in grid order and goes back with Esc', async () => {
    setApi(createFakeApi());
    const user = userEvent.setup();
    render(<ConversationScreen id="c1" />);
    await screen.findAllByTestId('message');
    await user.click(screen.getByRole('button', { name: 'Next ›' }));
    expect(useRouter.getState().route).toEqual({ name: 'conversation', id: 'c2' });
    await user.keyboard('k');
    expect(useRouter.getState().route).toEqual({ name: 'conversation', id: 'c0' });
    await user.keyboard('{Escape}');
    expect(useRouter.getState().route).toEqual({ name: 'conversations' });
  });

  it('shows the position within the whole filtered list, not just the loaded pages', async () => {
    useConversations.setState({ items: cards(10), nextCursor: 'page-2' }); // the first page of many
    const fake = createFakeApi();
    fake.statusCounts.mockResolvedValue({ ...zeroCounts(), Active: 250, Paused: 50 });
    setApi(fake);
    render(<ConversationScreen id="c1" />);
    await screen.findAllByTestId('message');
    expect(await screen.findByText('2 of 300')).toBeInTheDocument();
    expect(fake.statusCounts).toHaveBeenCalledWith('', null);
  });

  it('counts within the status filter and drops "of N" when the total is not known', async () => {
    useConversations.setState({ items: cards(10), nextCursor: 'page-2', status: 'Active' });
    const fake = createFakeApi();
    let answer!: (c: StatusCounts) => void;
    fake.statusCounts.mockImplementation(() => new Promise<StatusCounts>((r) => (answer = r)));
    setApi(fake);
    render(<ConversationScreen id="c1" />);
    await screen.findAllByTestId('message');
    // No count yet: the loaded page is not the whole list, so no "of 10".
    expect(screen.getByTestId('conversation-position')).toHaveTextContent(/^2$/);
    await act(async () => answer({ ...zeroCounts(), Active: 42, Paused: 7 }));
    expect(screen.getByTestId('conversation-position')).toHaveTextContent(/^2 of 42$/);
    // Counts of another search are not this list's.
    act(() => useConversations.setState({ search: 'smith' }));
    expect(screen.getByTestId('conversation-position')).toHaveTextContent(/^2$/);
  });

  it('names a customer nothing is known about "New customer" in the header', async () => {
    const fake = createFakeApi();
    fake.getConversation.mockImplementation(async (id: string) =>
      detail(id, { conversation: { ...card(id, { customerName: null, customerId: 'cust-raw-id' }), facts: [], decisionReason: '', username: '' } }),
    );
    setApi(fake);
    render(<ConversationScreen id="c1" />);
    expect(await screen.findByRole('button', { name: 'New customer' })).toBeInTheDocument();
    expect(screen.queryByText('cust-raw-id')).not.toBeInTheDocument();
  });

  it('disables prev/next when the conversation is not in the grid', async () => {
    useConversations.setState({ items: [] });
    setApi(createFakeApi());
    render(<ConversationScreen id="zz" />);
    await screen.findAllByTestId('message');
    expect(screen.getByRole('button', { name: '‹ Prev' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Next ›' })).toBeDisabled();
  });

  it('shows an error with retry', async () => {
    const fake = createFakeApi();
    fake.getConversation.mockRejectedValueOnce(new Error('conversation not found'));
    setApi(fake);
    render(<ConversationScreen id="c1" />);
    expect(await screen.findByRole('alert')).toHaveTextContent('conversation not found');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findAllByTestId('message')).toHaveLength(2);
  });

  it('keeps live messages that arrive while the detail loads', async () => {
    const fake = createFakeApi();
    let release!: () => void;
    fake.getConversation.mockImplementation(
      (id: string) => new Promise((r) => (release = () => r(detail(id)))),
    );
    setApi(fake);
    startLive();
    render(<ConversationScreen id="c1" />);
    expect(screen.getByRole('status', { name: 'Loading transcript' })).toBeInTheDocument();
    act(() => fake.emitBatch({ messages: [{ ...message(5), conversationId: 'c1' }] }));
    await act(async () => release());
    expect(await screen.findByText('message 5')).toBeInTheDocument();
    expect(useConversation.getState().detail!.messages).toHaveLength(3);
  });
});
