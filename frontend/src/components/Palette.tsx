import { useEffect, useRef, useState } from 'react';

import type { JumpResult } from '../api/types';
import { api, errorMessage } from '../api/client';
import { useLatestAnswer } from '../hooks/useLatestAnswer';
import { usePalette } from '../stores/palette';
import { navigate, type Route } from '../stores/router';

const KIND_LABEL: Record<JumpResult['kind'], string> = {
  conversation: 'Conversation',
  customer: 'Customer',
  application: 'Application',
};

function routeOf(r: JumpResult): Route {
  switch (r.kind) {
    case 'customer':
      return { name: 'customer', id: r.id };
    case 'application':
      return { name: 'application', number: r.id };
    default:
      return { name: 'conversation', id: r.id };
  }
}

/**
 * Ctrl-K: jump to any conversation, customer or application by name, email, id,
 * application number or words of a message (the grid's search, with its scopes).
 */
export function Palette() {
  const open = usePalette((s) => s.open);
  if (!open) return null;
  return <PaletteDialog />;
}

function PaletteDialog() {
  const [text, setText] = useState('');
  const [sel, setSel] = useState(0);
  // One letter matches too much to help and is the costliest search: asked from two.
  const found = useLatestAnswer(text, (q) => api().jump(q), (q) => q.trim().length < 2);
  const results: JumpResult[] = found.answer ?? [];
  const error = found.error ? errorMessage(found.error) : null;
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  useEffect(() => setSel(0), [found.answer]);
  const close = () => usePalette.getState().close();
  const go = (r: JumpResult | undefined) => {
    if (!r) return;
    close();
    navigate(routeOf(r));
  };
  return (
    <div className="palette-backdrop" onClick={close} data-testid="palette">
      <div className="palette" role="dialog" aria-label="Jump to" onClick={(e) => e.stopPropagation()}>
        <input
          ref={input}
          className="palette-input"
          placeholder="Jump to a conversation, customer or application…  (name:, msg:, app:)"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              close();
            } else if (e.key === 'ArrowDown') {
              e.preventDefault();
              setSel((i) => Math.min(i + 1, results.length - 1));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setSel((i) => Math.max(i - 1, 0));
            } else if (e.key === 'Enter') {
              e.preventDefault();
              go(results[sel]);
            }
          }}
          aria-label="Jump to"
        />
        {error && <div className="palette-empty">{error}</div>}
        {!error && !found.pending && text.trim().length >= 2 && results.length === 0 && (
          <div className="palette-empty muted">Nothing found.</div>
        )}
        {results.length > 0 && (
          <ul className="palette-results" role="listbox">
            {results.map((r, i) => (
              <li
                key={r.kind + r.id}
                role="option"
                aria-selected={i === sel}
                className={i === sel ? 'palette-item selected' : 'palette-item'}
                data-testid="palette-result"
                onMouseEnter={() => setSel(i)}
                onClick={() => go(r)}
              >
                <span className="palette-kind">{KIND_LABEL[r.kind]}</span>
                <span className="palette-title">{r.title}</span>
                <span className="palette-sub muted small">{r.subtitle}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
