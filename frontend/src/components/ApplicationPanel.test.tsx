import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Application } from '../api/types';
import { ApplicationSummary } from './ApplicationPanel';

const stages = [
  { name: 'loan_details', complete: true, steps: [] },
  { name: 'identity', complete: false, steps: [] },
  { name: 'statements', complete: false, steps: [] },
  { name: 'offer', complete: false, steps: [] },
];

const base: Application = {
  number: 'APP-1',
  customerId: null,
  conversationId: null,
  status: 'under_review',
  outcome: null,
  outcomeReason: null,
  currentStage: 'identity',
  currentStep: null,
  progressPercentage: 25,
  stages,
  loanPurpose: 'Car repairs',
  loanAmount: 400,
  loanFee: 20,
  loanTotalPayable: 420,
  loanTermDays: 30,
  flags: { customerAttestationAcceptance: null, statementCaptureConsentProvided: null, statementCaptureCompleted: null, productOfferAcceptance: null },
  submittedAt: null,
  updatedAt: '2024-11-24T10:05:00Z',
  detail: { loanTerm: 30, loanAmount: 400 },
};

// The first render pays for starting React and the DOM, slow on a busy machine.
describe('application summary', { timeout: 30_000 }, () => {
  it('shows a running application at its share of stages', () => {
    render(<ApplicationSummary application={base} />);
    expect(screen.getByRole('progressbar', { name: 'Application progress' })).toHaveAttribute('aria-valuenow', '25');
    expect(screen.queryByTestId('progress-finished')).not.toBeInTheDocument();
  });

  it.each([
    ['DECLINED', 'declined', 'Declined at Identity', 'tone-bad'],
    ['WITHDRAWN', 'under_review', 'Withdrawn at Identity', 'tone-neutral'],
    ['APPROVED', 'approved', 'Approved', 'tone-good'],
  ] as const)('shows a %s application as finished, not a quarter done', (outcome, status, label, tone) => {
    render(<ApplicationSummary application={{ ...base, outcome, status }} />);
    const done = screen.getByTestId('progress-finished');
    expect(done).toHaveClass(tone);
    expect(within(done).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
    expect(done).toHaveTextContent(label);
    expect(done).toHaveTextContent('1 of 4 stages done');
  });

  it('gives day counts their unit and money its dollar sign, in the details too', () => {
    render(<ApplicationSummary application={base} />);
    expect(screen.getAllByText('30 days').length).toBe(2); // the Term row and "Loan term" in all details
    expect(screen.getAllByText('$400.00').length).toBe(2);
  });
});
