import { nameOf } from '../domain/format';

/**
 * A customer's name on a card, a row or a header. A stand-in (the name the assistant
 * used, the loan, the customer id) is set in italics with a tooltip saying what it is.
 */
export function CustomerName({
  name,
  displayName,
  nameSource,
  className = '',
}: {
  name: string | null | undefined;
  displayName?: string | null;
  nameSource?: string | null;
  className?: string;
}) {
  const n = nameOf(name, displayName, nameSource);
  return (
    <span
      className={`${className} ${n.provisional ? 'name-provisional' : ''}`.trim()}
      title={n.hint ?? n.text}
      data-testid="customer-name"
      data-provisional={n.provisional ? 'true' : undefined}
    >
      {n.text}
    </span>
  );
}
