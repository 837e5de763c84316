/** A short error beside the control it is about, announced to screen readers; nothing when there is none. */
export function InlineError({ error, prefix = '' }: { error: string | null | undefined; prefix?: string }) {
  if (!error) return null;
  return (
    <span className="form-error small" role="alert">
      {prefix}
      {error}
    </span>
  );
}
