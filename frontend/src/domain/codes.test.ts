import { describe, expect, it } from 'vitest';
import { assessmentVerdicts, codeLabel, codeMeaning } from './codes';
import { decisionLine } from './risks';

describe('code map', () => {
  it.each([
    ['PASS', 'Passed', 'good'],
    ['FAIL', 'Failed', 'bad'],
    ['REFER', 'Referred for review', 'warn'],
    ['CLEAR', 'Clear', 'good'],
    ['POTENTIAL_MATCH', 'Potential match', 'bad'],
    ['NOT_PEP', 'Not a PEP', 'good'],
    ['PEP', 'Politically exposed person', 'warn'],
    ['LOW_RISK', 'Low risk', 'good'],
    ['HIGH_RISK', 'High risk', 'bad'],
    ['VERIFIED', 'Verified', 'good'],
    ['APPROVED', 'Approved', 'good'],
    ['DECLINED', 'Declined', 'bad'],
    ['WITHDRAWN', 'Withdrawn', 'neutral'],
    ['yes_no', 'Yes / no question', 'neutral'],
    ['product_offer', 'Product offer', 'neutral'],
    ['productOffer', 'Product offer', 'neutral'],
    ['DRIVERS_LICENCE', 'Driver licence', 'neutral'],
    ['device_mismatch', 'Device mismatch', 'bad'],
    ['under_review', 'Under review', 'info'],
  ])('%s reads "%s" (%s)', (code, label, tone) => {
    expect(codeMeaning(code)).toEqual({ label, tone });
  });

  it('humanises codes it does not know, never showing them raw', () => {
    expect(codeMeaning('SOMETHING_NEW')).toEqual({ label: 'Something new', tone: 'neutral' });
    expect(codeLabel('')).toBe('—');
    expect(codeLabel(null)).toBe('—');
  });
});

describe('assessment verdicts', () => {
  it('states identity, sanctions and PEP for identity risk', () => {
    const v = assessmentVerdicts({
      kind: 'identityRisk',
      value: { decision: 'REFER', sanctionsResult: 'POTENTIAL_MATCH', pepResult: 'NOT_PEP', ekyc_entity_id: 'frk-1' },
    });
    expect(v.map((x) => [x.topic, x.label, x.tone])).toEqual([
      ['Identity', 'Referred for review', 'warn'],
      ['Sanctions', 'Potential match', 'bad'],
      ['PEP', 'Not a PEP', 'good'],
    ]);
  });

  it('gives a fraud result its score and signals as reasons', () => {
    const [v] = assessmentVerdicts({
      kind: 'fraudCheck',
      value: { score: 0.82, result: 'HIGH_RISK', signals: ['device_mismatch', 'ip_geolocation_mismatch'] },
    });
    expect(v).toEqual({
      topic: 'Fraud',
      label: 'High risk',
      tone: 'bad',
      reasons: ['score 0.82', 'Device mismatch', 'IP location mismatch'],
    });
  });

  it('says whether serviceable, with surplus and maximum loan in dollars', () => {
    const [v] = assessmentVerdicts({ kind: 'serviceability', value: { serviceable: true, surplus: 1230.45, max_loan: 500 } });
    expect(v.label).toBe('Serviceable');
    expect(v.reasons).toEqual(['surplus $1,230.45 a month', 'up to $500.00']);
    const [n] = assessmentVerdicts({ kind: 'serviceability', value: { serviceable: false, surplus: -20, max_loan: 0 } });
    expect(n).toMatchObject({ label: 'Not serviceable', tone: 'bad' });
  });

  it('reads an outcome from any other assessment', () => {
    const [v] = assessmentVerdicts({ kind: 'affordability_assessment', value: { outcome: 'FAIL', repayment_to_income_ratio: 0.4 } });
    expect(v).toMatchObject({ topic: 'Affordability', label: 'Failed', tone: 'bad' });
    expect(assessmentVerdicts({ kind: 'creditHistory', value: { credit_score: 700 } })).toEqual([]);
  });
});

describe('decision line', () => {
  it('puts the decision first and only the risks that are not fine', () => {
    const line = decisionLine({
      decision: 'DECLINED',
      decisionReason: 'Identity could not be verified',
      application: null,
      customer: {
        individualStatus: 'LIVING',
        documents: [
          { documentType: 'PASSPORT', expired: true } as never,
          { documentType: 'MEDICARE', expired: false } as never,
        ],
      },
      assessments: [
        { kind: 'fraudCheck', value: { result: 'LOW_RISK', score: 0.1 } },
        { kind: 'identityRisk', value: { decision: 'FAIL', sanctionsResult: 'CLEAR', pepResult: 'NOT_PEP' } },
      ],
    });
    expect(line.decision).toMatchObject({ label: 'Declined', tone: 'bad', reasons: ['Identity could not be verified'] });
    expect(line.risks.map((r) => r.label)).toEqual(['Failed', 'Passport expired']);
  });

  it('says where a running application is', () => {
    const line = decisionLine({
      decision: null,
      application: { outcome: null, outcomeReason: null, status: 'under_review', currentStage: 'identity_verification' },
      customer: null,
      assessments: [],
    });
    expect(line.decision).toMatchObject({ label: 'In progress', tone: 'info', reasons: ['Identity verification'] });
    expect(line.risks).toEqual([]);
  });
});
