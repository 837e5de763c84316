import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AssessmentView } from './AssessmentView';
import { JsonView } from './JsonView';

describe('JsonView', () => {
  it('renders labelled, formatted fields and nested sections, never raw JSON', () => {
    const { container } = render(
      <JsonView
        value={{
          sanctionsResult: 'CLEAR',
          pepResult: false,
          score: 1234.5,
          checkedAt: '2024-11-24T10:00:00Z',
          reasons: ['a', 'b'],
          checkedCustomer: { first_name: 'Jane', date_of_birth: '1990-03-03' },
          missing: null,
        }}
      />,
    );
    expect(screen.getByText('Sanctions result')).toBeInTheDocument();
    // The producer's code in plain words and its colour; the code itself on hover.
    expect(screen.getByText('Clear')).toHaveAttribute('title', 'CLEAR');
    expect(screen.getByText('Clear')).toHaveClass('code-good');
    expect(screen.queryByText('CLEAR')).not.toBeInTheDocument();
    expect(screen.getByText('PEP result')).toBeInTheDocument();
    expect(screen.getByText('No')).toBeInTheDocument();
    expect(screen.getByText('1,234.5')).toBeInTheDocument();
    expect(screen.getByText('Checked customer')).toHaveClass('jv-heading');
    expect(screen.getByText('3 Mar 1990')).toBeInTheDocument();
    expect(screen.getByText('a')).toBeInTheDocument();
    expect(container.textContent).not.toContain('{');
    expect(container.textContent).not.toContain('"');
  });
});

describe('AssessmentView', () => {
  it('expands the history of earlier values', async () => {
    render(
      <AssessmentView
        title="Fraud check"
        assessment={{
          kind: 'fraudCheck',
          type: 'fraudCheck_results',
          value: { riskLevel: 'LOW' },
          at: '2024-11-24T10:05:00Z',
          history: [{ value: { riskLevel: 'HIGH' }, at: '2024-11-24T10:00:00Z' }],
        }}
      />,
    );
    expect(screen.getByText('LOW')).toBeInTheDocument();
    expect(screen.queryByText('HIGH')).not.toBeInTheDocument();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Show 1 earlier value' }));
    expect(screen.getByText('HIGH')).toBeInTheDocument();
  });
});

describe('money in assessments', () => {
  const serviceability = {
    kind: 'serviceability',
    type: 'serviceability_assessment_results',
    value: {
      monthly_income: 5200,
      monthly_expenses: 3100.5,
      surplus: 2099.5,
      maxLoan: 12345,
      repayment_to_income_ratio: 0.125,
      statement_days: 90,
      breakdown: { rent: 1800, weekly_repayments: [50, 75.5], dependants: 2 },
    },
    at: '2024-11-24T10:05:00Z',
    history: [{ value: { monthly_income: 4800 }, at: '2024-11-24T10:00:00Z' }],
  };

  it('shows amounts, incomes, expenses, loans and repayments as AUD, other numbers plain', async () => {
    const { container } = render(<AssessmentView title="Serviceability" assessment={serviceability} />);
    for (const aud of ['$5,200.00', '$3,100.50', '$2,099.50', '$12,345.00', '$1,800.00', '$50.00', '$75.50']) {
      expect(screen.getByText(aud)).toHaveClass('jv-money');
    }
    expect(screen.getByText('0.125')).not.toHaveClass('jv-money');
    expect(screen.getByText('90 days')).not.toHaveClass('jv-money');
    expect(screen.getByText('2')).not.toHaveClass('jv-money');
    expect(container.textContent).not.toContain('5,200 ');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Show 1 earlier value' }));
    expect(screen.getByText('$4,800.00')).toBeInTheDocument();
  });

  it('leaves numbers plain where the data is not known to be money', () => {
    render(<JsonView value={{ amount: 5200 }} />);
    expect(screen.getByText('5,200')).toBeInTheDocument();
  });
});
