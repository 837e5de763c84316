import { useState } from 'react';
import type { Assessment } from '../api/types';
import { formatDateTime } from '../domain/format';
import { assessmentVerdicts } from '../domain/codes';
import { JsonView } from './JsonView';
import { VerdictList } from './Verdicts';

/**
 * One assessment: its verdicts as chips with their reasons on top, then its latest value
 * as readable fields (money in AUD, codes in plain words), earlier values on demand.
 */
export function AssessmentView({ assessment, title }: { assessment: Assessment; title: string }) {
  const [open, setOpen] = useState(false);
  const verdicts = assessmentVerdicts(assessment);
  const n = assessment.history.length;
  return (
    <div className="assessment" data-testid={`assessment-${assessment.kind}`}>
      <div className="assessment-head">
        <h4 className="assessment-title">{title}</h4>
        <span className="muted small" title={assessment.type}>
          {formatDateTime(assessment.at)}
        </span>
      </div>
      <VerdictList verdicts={verdicts} />
      <details className="more" open={verdicts.length === 0}>
        <summary>All fields</summary>
        <JsonView value={assessment.value} moneyKeys />
      </details>
      {n > 0 && (
        <div className="history">
          <button type="button" className="link-btn" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? 'Hide' : 'Show'} {n === 1 ? '1 earlier value' : `${n} earlier values`}
          </button>
          {open && (
            <ol className="history-list">
              {assessment.history.map((h, i) => (
                <li key={i} className="history-item">
                  <div className="muted small">{formatDateTime(h.at)}</div>
                  <JsonView value={h.value} moneyKeys />
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </div>
  );
}
