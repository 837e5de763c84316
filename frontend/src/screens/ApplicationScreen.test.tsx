import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { setApi } from '../api/client';
import type { Application, ApplicationDetail } from '../api/types';
import { createFakeApi } from '../test/fakeApi';
import { ApplicationScreen } from './ApplicationScreen';

const application: Application = {
  number: 'APP-1',
  customerId: null,
  conversationId: 'c1',
  status: 'under_review',
  outcome: null,
  outcomeReason: null,
  currentStage: null,
  currentStep: null,
  progressPercentage: 0,
  stages: [],
  loanPurpose: 'Car repairs',
  loanAmount: 1500,
  loanFee: null,
  loanTotalPayable: null,
  loanTermDays: null,
  flags: {
    customerAttestationAcceptance: null,
    statementCaptureConsentProvided: null,
    statementCaptureCompleted: null,
    productOfferAcceptance: null,
  },
  submittedAt: null,
  updatedAt: '2024-11-24T10:05:00Z',
  detail: {},
};

describe('application screen', () => {
  // Assessments and the noticeboard belong to the application (contract §3), so its
  // own screen shows them, whichever conversation they came from.
  it("shows the application's assessments and noticeboard", async () => {
    const fake = createFakeApi();
    const d: ApplicationDetail = {
      application,
      customer: null,
      conversations: [],
      assessments: [
        { kind: 'fraudCheck', type: 'fraudCheck_results', value: { verdict: 'clear' }, at: '2024-11-24T10:01:00Z', history: [] },
      ],
      noticeboard: [],
    };
    fake.getApplication.mockImplementation(async () => d);
    setApi(fake);
    render(<ApplicationScreen number="APP-1" />);
    const panel = await screen.findByTestId('panel-assessments');
    expect(within(panel).getByText('Fraud check')).toBeInTheDocument();
    expect(within(panel).queryByText('No assessments yet.')).not.toBeInTheDocument();
  });
});
