import type { Tone, Verdict } from '../domain/codes';
import { codeMeaning } from '../domain/codes';

/** A coloured chip with plain words; the producer's code, when given, is its tooltip. */
export function Chip({ label, tone, code, testId }: { label: string; tone: Tone; code?: string; testId?: string }) {
  return (
    <span className={`chip chip-${tone}`} title={code} data-testid={testId} data-tone={tone}>
      {label}
    </span>
  );
}

/** A producer code as a chip in its plain words and colour. */
export function CodeChip({ code }: { code: string }) {
  const m = codeMeaning(code);
  return <Chip label={m.label} tone={m.tone} code={code} />;
}

/** An assessment's verdicts: a chip each with its topic, and its reasons beside it. */
export function VerdictList({ verdicts }: { verdicts: Verdict[] }) {
  if (verdicts.length === 0) return null;
  return (
    <ul className="verdicts" data-testid="verdicts">
      {verdicts.map((v) => (
        <li key={v.topic} className="verdict">
          <span className="verdict-topic">{v.topic}</span>
          <Chip label={v.label} tone={v.tone} testId="verdict-chip" />
          {v.reasons.length > 0 && <span className="verdict-reasons">{v.reasons.join(' · ')}</span>}
        </li>
      ))}
    </ul>
  );
}
