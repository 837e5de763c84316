import type { SearchMatch } from '../api/types';

/** Why a search result matched: the field, then its text with the matching words marked. */
export function MatchSnippet({ match }: { match: SearchMatch }) {
  return (
    <span className="match-snippet" data-testid="match-snippet">
      <span className="match-field">
        {match.field}
        {match.exact ? ' (exact)' : ''}:
      </span>{' '}
      {match.parts.map((p, i) => (p.hit ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </span>
  );
}
