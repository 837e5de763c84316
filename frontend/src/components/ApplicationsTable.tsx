import type { ApplicationRow } from '../api/types';
import { DASH, formatAud, formatDateTime, humaniseValue } from '../domain/format';
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
            {showCustomer && <td>{r.customerName ?? r.customerId ?? DASH}</td>}
            <td className="num">{formatAud(r.loanAmount)}</td>
            <td>
              <AppStatusBadge status={r.status} />
            </td>
            <td>{r.stage ? humaniseValue(r.stage) : DASH}</td>
            <td className="muted">{formatDateTime(r.updatedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
