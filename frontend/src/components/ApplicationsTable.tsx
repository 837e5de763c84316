import type { ApplicationRow } from '../api/types';
import { customerName, formatAud, formatDateTime, stageLabel } from '../domain/format';
import { navigate } from '../stores/router';
import { AppStatusBadge } from './StatusBadge';

export function ApplicationsTable({ rows, showCustomer = true }: { rows: ApplicationRow[]; showCustomer?: boolean }) {
  return (
    <table className="table">
      <thead>
        <tr>
          <th>Number</th>
          {showCustomer && <th>Customer</th>}
          <th className="num">Amount</th>
          <th>Status</th>
          <th>Stage</th>
          <th>Updated</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr
            key={r.number}
            className="clickable"
            tabIndex={0}
            onClick={() => navigate({ name: 'application', number: r.number })}
            onKeyDown={(e) => {
              if (e.key === 'Enter') navigate({ name: 'application', number: r.number });
            }}
          >
            <td className="mono">{r.number}</td>
            {showCustomer && <td>{customerName(r.customerName)}</td>}
            <td className="num">{formatAud(r.loanAmount)}</td>
            <td>
              <AppStatusBadge status={r.status} />
            </td>
            <td>{stageLabel(r.stage)}</td>
            <td className="muted">{formatDateTime(r.updatedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
