import { forwardRef, useEffect, useState } from 'react';
import { SEARCH_DEBOUNCE_MS, useDebouncedEffect } from '../hooks/useDebounced';

interface Props {
  /** The applied (debounced) value, owned by a store. */
  value: string;
  /** Called once typing stopped for `debounceMs`. */
  onSearch(v: string): void;
  placeholder?: string;
  label?: string;
  debounceMs?: number;
  /** Esc inside the box: clears it (and applies at once), then calls this. */
  onEscape?(): void;
}

/** A text box that applies its value after the user stops typing. */
export const SearchBox = forwardRef<HTMLInputElement, Props>(function SearchBox(
  { value, onSearch, placeholder = 'Search', label = 'Search', debounceMs = SEARCH_DEBOUNCE_MS, onEscape },
  ref,
) {
  const [text, setText] = useState(value);
  // Follow outside changes (e.g. cleared elsewhere).
  useEffect(() => {
    setText((t) => (t.trim() === value.trim() ? t : value));
  }, [value]);
  useDebouncedEffect(text, debounceMs, (v) => {
    if (v.trim() !== value.trim()) onSearch(v.trim());
  });
  return (
    <div className="search-box">
      <span className="search-icon" aria-hidden="true">
        ⌕
      </span>
      <input
        ref={ref}
        type="search"
        aria-label={label}
        placeholder={placeholder}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            if (text) {
              setText('');
              onSearch('');
            }
            e.currentTarget.blur();
            onEscape?.();
          }
        }}
      />
    </div>
  );
});
