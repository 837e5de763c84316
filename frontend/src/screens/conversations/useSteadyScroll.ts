/**
 * Keeps what the reader looks at still while cards arrive above it: the first card in
 * view is the anchor; after the list changes, the scroll moves with it and the cards
 * that came in above are counted for the "N new ↑" pill. At the very top nothing is
 * held: new conversations simply appear there.
 *
 * It also remembers the place when the grid unmounts (a conversation opened), and the
 * next mount returns to the same card at the same offset, whatever arrived meanwhile.
 */
import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { ConversationCard } from '../../api/types';

interface Anchor {
  id: string;
  /** Scroll offset past the top of the anchor's row. */
  delta: number;
}

/** The place kept while the grid is away (one grid in the window). */
let kept: Anchor | null = null;

export function keptPlace(): Anchor | null {
  return kept;
}

export function forgetPlace(): void {
  kept = null;
}

/** Offset of a card's row, or null when it is not in the list. */
function rowTop(visible: ConversationCard[], id: string, cols: number, rowHeight: number): number | null {
  const i = visible.findIndex((c) => c.id === id);
  return i < 0 ? null : Math.floor(i / cols) * rowHeight;
}

/** Where the grid should start: the kept card's row plus its offset, else 0. */
export function initialOffsetFor(visible: ConversationCard[], cols: number, rowHeight: number): number {
  if (!kept) return 0;
  const top = rowTop(visible, kept.id, cols, rowHeight);
  return top === null ? 0 : top + kept.delta;
}

export function useSteadyScroll(
  scrollRef: React.RefObject<HTMLDivElement | null>,
  visible: ConversationCard[],
  cols: number,
  rowHeight: number,
  /** Changes when the filter changes: the pill and the anchor start over. */
  filterKey: string,
  /** The container has been measured. */
  ready: boolean,
  /** History is being replayed: hold the place, but what arrives is not "new". */
  replaying = false,
) {
  const anchor = useRef<Anchor | null>(kept);
  const prevVisible = useRef<ConversationCard[]>(visible);
  const [newAbove, setNewAbove] = useState(0);

  const capture = useCallback(() => {
    const el = scrollRef.current;
    if (!el || cols <= 0) return;
    const list = prevVisible.current;
    const row = Math.floor(el.scrollTop / rowHeight);
    const card = list[row * cols];
    anchor.current = card && el.scrollTop > 0 ? { id: card.id, delta: el.scrollTop - row * rowHeight } : null;
    if (el.scrollTop <= 0) setNewAbove(0);
  }, [scrollRef, cols, rowHeight]);

  useLayoutEffect(() => {
    setNewAbove(0);
    anchor.current = null;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filterKey]);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    const before = prevVisible.current;
    prevVisible.current = visible;
    const a = anchor.current;
    if (!el || !a || before === visible) return;
    const oldIdx = before.findIndex((c) => c.id === a.id);
    const newIdx = visible.findIndex((c) => c.id === a.id);
    if (newIdx < 0) return;
    const want = Math.floor(newIdx / cols) * rowHeight + a.delta;
    if (Math.abs(el.scrollTop - want) >= 1) el.scrollTop = want;
    if (oldIdx >= 0) {
      const oldIds = new Set(before.slice(0, oldIdx).map((c) => c.id));
      const arrived = visible.slice(0, newIdx).filter((c) => !oldIds.has(c.id)).length;
      if (arrived > 0 && !replaying) setNewAbove((n) => n + arrived);
    }
  }, [visible, cols, rowHeight, scrollRef, replaying]);

  // Back on the grid: the kept card's row, once the width (and so the columns) is known.
  const restored = useRef(false);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (restored.current || !el || !ready) return;
    restored.current = true;
    const top = initialOffsetFor(visible, cols, rowHeight);
    if (top > 0) el.scrollTop = top;
  }, [ready, visible, cols, rowHeight, scrollRef]);

  // Remember the place for the next mount (the anchor follows every scroll).
  useLayoutEffect(() => {
    return () => {
      kept = anchor.current;
    };
  }, []);

  const toTop = useCallback(() => {
    const el = scrollRef.current;
    if (el) el.scrollTop = 0;
    anchor.current = null;
    setNewAbove(0);
  }, [scrollRef]);

  /** Forgets the count (after a reload: what it brought in is not new arrivals). */
  const forget = useCallback(() => setNewAbove(0), []);

  return { onScroll: capture, newAbove, toTop, forget };
}
