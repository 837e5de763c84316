import { describe, expect, it } from 'vitest';
import {
  customerName,
  nameOf,
  formatAud,
  formatDate,
  formatDays,
  formatDuration,
  formatMaybeDate,
  humanise,
  initials,
  isMoneyKey,
  noticeName,
  stageLabel,
  timeAgo,
} from './format';

describe('humanise', () => {
  it('turns keys into labels', () => {
    expect(humanise('sanctionsResult')).toBe('Sanctions result');
    expect(humanise('pepResult')).toBe('PEP result');
    expect(humanise('ekyc_entity_id')).toBe('eKYC entity ID');
    expect(humanise('DRIVERS_LICENCE'.toLowerCase())).toBe('Drivers licence');
    expect(humanise('loanAmount')).toBe('Loan amount');
    expect(humanise('HTTPStatus')).toBe('Http status');
  });
});

describe('durations', () => {
  it('formats compactly', () => {
    expect(formatDuration(12_000)).toBe('12s');
    expect(formatDuration(5 * 60_000 + 10)).toBe('5m');
    expect(formatDuration(3 * 3600_000)).toBe('3h');
    expect(formatDuration(3 * 3600_000 + 4 * 60_000)).toBe('3h 4m');
    expect(formatDuration(50 * 3600_000)).toBe('2d 2h');
    expect(formatDuration(-5)).toBe('0s');
  });

  it('says how long ago', () => {
    const now = Date.parse('2024-11-24T10:05:00Z');
    expect(timeAgo('2024-11-24T10:00:00Z', now)).toBe('5m ago');
    expect(timeAgo(null, now)).toBe('—');
  });
});

describe('money and dates', () => {
  it('formats AUD', () => {
    expect(formatAud(1234.5)).toBe('$1,234.50');
    expect(formatAud(null)).toBe('—');
  });

  it('formats days', () => {
    expect(formatDays(30)).toBe('30 days');
    expect(formatDays(1)).toBe('1 day');
    expect(formatDays(null)).toBe('—');
  });

  it('formats calendar dates without shifting the day', () => {
    expect(formatDate('1990-03-03')).toBe('3 Mar 1990');
    expect(formatMaybeDate('2031-12-01')).toBe('1 Dec 2031');
    expect(formatMaybeDate('CLEAR')).toBe('CLEAR');
  });
});

describe('names', () => {
  it('makes initials and falls back for unknown customers', () => {
    expect(initials('Jane Q Citizen')).toBe('JC');
    expect(initials('jane')).toBe('J');
    expect(initials(null)).toBe('?');
    expect(customerName(null)).toBe('Name not given yet');
    expect(customerName('  ')).toBe('Name not given yet');
    expect(customerName('Jane')).toBe('Jane');
  });

  it('names every nameless customer the same way, never by a raw id', () => {
    expect(customerName(undefined)).toBe('Name not given yet');
    expect(customerName('')).toBe('Name not given yet');
    expect(customerName('  Jane Citizen ')).toBe('Jane Citizen');
  });

  it.each([
    ['Jane', 'Konstantinos', 'message', 'Jane', false],
    [null, 'Konstantinos', 'message', 'Konstantinos', true],
    [null, '$400.00 · Car registration', 'loan', '$400.00 · Car registration', true],
    ['  ', 'cust-1', 'id', 'cust-1', true],
    [null, '', 'none', 'New customer', true],
    [null, null, null, 'New customer', true],
  ])('nameOf(%j, %j, %j) is %j', (name, display, source, text, provisional) => {
    expect(nameOf(name, display, source)).toMatchObject({ text, provisional });
  });
});

describe('process stages and steps', () => {
  it('turns snake_case, camelCase and upper-case names into labels', () => {
    expect(stageLabel('identity_verification')).toBe('Identity verification');
    expect(stageLabel('loan_details')).toBe('Loan details');
    expect(stageLabel('id_document')).toBe('ID document');
    expect(stageLabel('productOffer')).toBe('Product offer');
    expect(stageLabel('STATEMENT_CAPTURE')).toBe('Statement capture');
    expect(stageLabel('offer')).toBe('Offer');
    expect(stageLabel('Already readable')).toBe('Already readable');
    expect(stageLabel(null)).toBe('—');
    expect(stageLabel('  ')).toBe('—');
  });
});

describe('money keys', () => {
  it('recognises amounts, incomes, expenses, loans, fees, totals and repayments', () => {
    for (const k of [
      'amount',
      'loan_amount',
      'monthly_income',
      'monthlyExpenses',
      'max_loan',
      'loanFee',
      'total',
      'total_payable',
      'repayments',
      'weeklyRepayment',
      'surplus',
    ]) {
      expect(isMoneyKey(k), k).toBe(true);
    }
  });

  it('leaves ratios, terms, counts, scores and ids alone', () => {
    for (const k of [
      'repayment_to_income_ratio',
      'loan_term',
      'loanTermDays',
      'total_steps',
      'statement_days',
      'credit_score',
      'score',
      'application_number',
      'dishonours',
      'interest_rate',
      'loan_id',
    ]) {
      expect(isMoneyKey(k), k).toBe(false);
    }
  });
});

describe('noticeboard names', () => {
  it('splits agent::Topic into a topic title and a readable agent', () => {
    expect(noticeName('identity_agent::Identity Check')).toEqual({ topic: 'Identity Check', agent: 'Identity agent' });
    expect(noticeName('fraud::Risk')).toEqual({ topic: 'Risk', agent: 'Fraud' });
    expect(noticeName('Identity Check')).toEqual({ topic: 'Identity Check', agent: null });
    expect(noticeName('decision_agent::')).toEqual({ topic: 'General', agent: 'Decision agent' });
    expect(noticeName('')).toEqual({ topic: 'General', agent: null });
  });
});
