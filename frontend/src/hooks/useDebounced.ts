import { useEffect, useRef } from 'react';

export const SEARCH_DEBOUNCE_MS = 250;

/** Calls fn(value) once `value` has stopped changing for `ms`; skips the initial value. */
export function useDebouncedEffect<T>(value: T, ms: number, fn: (v: T) => void): void {
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const t = setTimeout(() => fnRef.current(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
}
