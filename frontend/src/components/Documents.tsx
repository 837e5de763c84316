import type { IdentityDocument } from '../api/types';
import { codeLabel } from '../domain/codes';
import { formatDate, humanise } from '../domain/format';
import { Fields } from './Panel';

export function DocumentsList({ documents }: { documents: IdentityDocument[] }) {
  if (documents.length === 0) return <div className="muted small">No identity documents.</div>;
  return (
    <ul className="docs">
      {documents.map((d, i) => (
        <li key={`${d.documentType}-${d.documentNumber}-${i}`} className={d.expired ? 'doc expired' : 'doc'} data-testid="identity-document">
          <div className="doc-head">
            <span className="doc-type">
              {d.documentType ? codeLabel(d.documentType) : 'Document'}
              {d.documentSubtype && <span className="muted"> · {codeLabel(d.documentSubtype)}</span>}
            </span>
            {d.expired && <span className="tag tag-danger">Expired</span>}
          </div>
          <Fields
            rows={[
              ['Number', d.documentNumber],
              ['Expiry', formatDate(d.expiryDate)],
              ['State of issue', d.stateOfIssue],
              ['Country of issue', d.countryOfIssue],
              ...Object.entries(d.additionalInfo).map(([k, v]): [string, string] => [humanise(k), v]),
            ]}
          />
        </li>
      ))}
    </ul>
  );
}
