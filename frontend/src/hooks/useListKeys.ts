import type { RefObject } from 'react';
import { useKeys } from '../keyboard';

/**
 * The list keys of a table screen (Customers, Applications), through the keyboard
 * registry: `/` search, j/k move between the rows (`tr.clickable` inside `listRef`),
 * Enter opens the focused row, Esc clears the search.
 */
export function useListKeys(scope: string, searchRef: RefObject<HTMLInputElement | null>, listRef: RefObject<HTMLElement | null>, onClear: () => void): void {
  const move = (delta: number) => {
    const rows = [...(listRef.current?.querySelectorAll<HTMLElement>('tr.clickable') ?? [])];
    if (rows.length === 0) return;
    const at = rows.indexOf(document.activeElement as HTMLElement);
    const next = rows[at < 0 ? (delta > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, at + delta))];
    next.focus();
    next.scrollIntoView?.({ block: 'nearest' });
  };
  useKeys(scope, [
    {
      key: '/',
      label: 'Search',
      run: (e) => {
        e.preventDefault();
        searchRef.current?.focus();
      },
    },
    { key: 'j', label: 'Select the next row', display: 'j / k', run: () => move(1) },
    { key: 'k', label: 'Select the previous row', hidden: true, run: () => move(-1) },
    {
      key: 'Enter',
      label: 'Open the selected row',
      run: () => {
        const el = document.activeElement;
        if (el instanceof HTMLElement && el.matches('tr.clickable') && listRef.current?.contains(el)) el.click();
      },
    },
    { key: 'Escape', label: 'Clear the search', run: onClear },
  ]);
}
