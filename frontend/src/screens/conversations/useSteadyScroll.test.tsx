import { act, fireEvent, render } from '@testing-library/react';
import { useRef } from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConversationCard } from '../../api/types';
import { card } from '../../test/fakeApi';
import { forgetPlace, useSteadyScroll } from './useSteadyScroll';

const ROW = 140;
let pill = 0;
let laidOut: string[] = [];

function Grid({ visible, cols }: { visible: ConversationCard[]; cols: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const s = useSteadyScroll(ref, visible, cols, ROW, '', true);
  pill = s.newAbove;
  laidOut = s.shown.map((c) => c.id);
  return <div ref={ref} data-testid="scroll" onScroll={s.onScroll} />;
}

const list = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => card(`${prefix}${i}`));

describe('steady grid', () => {
  beforeEach(() => forgetPlace());

  it('holds back cards arriving above the card in view: nothing moves, not even sideways; the pill counts them', () => {
    const old = list('o', 30);
    const r = render(<Grid visible={old} cols={3} />);
    const el = r.getByTestId('scroll');
    el.scrollTop = 3 * ROW + 20; // row 3 (cards o9-o11), 20 px into it
    fireEvent.scroll(el);
    r.rerender(<Grid visible={[...list('n', 3), ...old]} cols={3} />);
    expect(laidOut).toEqual(old.map((c) => c.id));
    expect(el.scrollTop).toBe(3 * ROW + 20);
    expect(pill).toBe(3);
    r.rerender(<Grid visible={[...list('m', 2), ...list('n', 3), ...old]} cols={3} />);
    expect(laidOut).toEqual(old.map((c) => c.id)); // two more: o9 stays first in its row
    expect(pill).toBe(5);
  });

  it('a card leaving above (status filter) keeps the card in view on screen by scrolling with it', () => {
    const old = list('o', 30);
    const r = render(<Grid visible={old} cols={3} />);
    const el = r.getByTestId('scroll');
    el.scrollTop = 3 * ROW + 20;
    fireEvent.scroll(el);
    r.rerender(<Grid visible={old.slice(3)} cols={3} />); // a whole row left above
    expect(el.scrollTop).toBe(2 * ROW + 20);
    expect(pill).toBe(0);
  });

  it('at the top holds nothing: new cards simply show there', () => {
    const old = list('o', 30);
    const r = render(<Grid visible={old} cols={3} />);
    const el = r.getByTestId('scroll');
    r.rerender(<Grid visible={[...list('n', 3), ...old]} cols={3} />);
    expect(el.scrollTop).toBe(0);
    expect(pill).toBe(0);
  });

  it('going back to the top clears the pill', () => {
    const old = list('o', 30);
    const r = render(<Grid visible={old} cols={3} />);
    const el = r.getByTestId('scroll');
    el.scrollTop = 2 * ROW;
    fireEvent.scroll(el);
    r.rerender(<Grid visible={[...list('n', 3), ...old]} cols={3} />);
    expect(pill).toBe(3);
    act(() => {
      el.scrollTop = 0;
      fireEvent.scroll(el);
    });
    expect(pill).toBe(0);
    expect(laidOut[0]).toBe('n0');
  });
});
