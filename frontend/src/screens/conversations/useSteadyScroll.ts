/**
 * Keeps what the reader looks at still while cards arrive above it. Scrolled down,
 * conversations that arrive above the first card in view are held back (not laid out,
 * so no card moves, not even sideways in its row) and counted for the "N new ↑" pill;
 * the pill, or scrolling to the very top, lets them in. Other changes above (a card
 * leaving a status filter) keep the anchor card's row in place by scrolling with it.
 * At the top nothing is held: new conversations simply appear there.
 *
 * It also remembers the place when the grid unmounts (a conversation opened), and the
 * next mount returns to the same card at the same offset, whatever arrived meanwhile.
 */
import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ConversationCard } from '../../api/types';

interface Anchor {
  id: string;
  /** Scroll offset past the top of the anchor's row. */
  delta: number;
}

const NONE: ReadonlySet<string> = new Set();

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
  const [held, setHeld] = useState<ReadonlySet<string>>(NONE);
  const shown = useMemo(() => (held.size ? visible.filter((c) => !held.has(c.id)) : visible), [visible, held]);
  const prevShown = useRef<ConversationCard[]>(shown);
  const release = useCallback(() => setHeld((h) => (h.size ? NONE : h)), []);

  const capture = useCallback(() => {
    const el = scrollRef.current;
    if (!el || cols <= 0) return;
    const list = prevShown.current;
    const row = Math.floor(el.scrollTop / rowHeight);
    const card = list[row * cols];
    anchor.current = card && el.scrollTop > 0 ? { id: card.id, delta: el.scrollTop - row * rowHeight } : null;
    if (el.scrollTop <= 0) release();
  }, [scrollRef, cols, rowHeight, release]);

  useLayoutEffect(() => {
    release();
    anchor.current = null;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filterKey]);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    const before = prevShown.current;
    prevShown.current = shown;
    const a = anchor.current;
    if (!el || !a || before === shown) return;
    const newIdx = shown.findIndex((c) => c.id === a.id);
    if (newIdx < 0) return;
    if (!replaying && before.some((c) => c.id === a.id)) {
      const seen = new Set(before.map((c) => c.id));
      const arrived = shown.slice(0, newIdx).filter((c) => !seen.has(c.id));
      if (arrived.length > 0) {
        // Laid out again at once without them, before the window paints.
        setHeld((h) => new Set([...h, ...arrived.map((c) => c.id)]));
        return;
      }
    }
    const want = Math.floor(newIdx / cols) * rowHeight + a.delta;
    if (Math.abs(el.scrollTop - want) >= 1) el.scrollTop = want;
  }, [shown, cols, rowHeight, scrollRef, replaying]);

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
    release();
  }, [scrollRef, release]);

  return {
    /** The cards to lay out: the list minus those held back. */
    shown,
    onScroll: capture,
    /** Cards held back above, for the pill. */
    newAbove: visible.length - shown.length,
    toTop,
    /** Lets the held cards in (after a reload: what it brought is not new arrivals). */
    forget: release,
  };
}
