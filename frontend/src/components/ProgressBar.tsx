/** A determinate progress bar with its figures in words beside it. */
export function ProgressBar({ done, total, label }: { done: number; total: number; label: string }) {
  const pct = total > 0 ? Math.min(100, (done / total) * 100) : 0;
  return (
    <div
      className="ops-progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={total > 0 ? total : undefined}
      aria-valuenow={total > 0 ? done : undefined}
      aria-valuetext={total > 0 ? `${Math.floor(pct)}%` : 'starting'}
    >
      <div className="ops-progress-fill" style={{ width: `${pct}%` }} />
    </div>
  );
}
