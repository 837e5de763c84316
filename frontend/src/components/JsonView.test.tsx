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
    expect(screen.getByText('CLEAR')).toBeInTheDocument();
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
