import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { KeyboardHelp } from './components/KeyboardHelp';
import { helpRows, registerKeys, useKeys, type KeyBinding } from './keyboard';

function key(k: string, init: KeyboardEventInit = {}, target: Window | Element = window) {
  fireEvent.keyDown(target, { key: k, ...init });
}

describe('keyboard registry', () => {
  it('runs the newest layer that binds a key, and the older one once it is gone', () => {
    const older = vi.fn();
    const newer = vi.fn();
    const offOld = registerKeys('list', [{ key: 'j', label: 'Next', run: older }]);
    const offNew = registerKeys('detail', [{ key: 'j', label: 'Next message', run: newer }]);
    key('j');
    expect(newer).toHaveBeenCalledTimes(1);
    expect(older).not.toHaveBeenCalled();
    offNew();
    key('j');
    expect(older).toHaveBeenCalledTimes(1);
    offOld();
  });

  it('a modal layer hides every key under it', () => {
    const under = vi.fn();
    const off = registerKeys('list', [{ key: 'j', label: 'Next', run: under }]);
    const offModal = registerKeys('help', [{ key: 'Escape', label: 'Close', run: vi.fn() }], { modal: true });
    key('j');
    expect(under).not.toHaveBeenCalled();
    expect(helpRows().map((g) => g.scope)).toEqual(['help']);
    offModal();
    off();
  });

  it('ignores single keys while typing, except Escape, Mod+ chords and whileTyping bindings', () => {
    const j = vi.fn();
    const esc = vi.fn();
    const palette = vi.fn();
    const off = registerKeys('list', [
      { key: 'j', label: 'Next', run: j },
      { key: 'Escape', label: 'Back', run: esc },
      { key: 'Mod+k', label: 'Palette', run: palette },
    ]);
    const input = document.createElement('input');
    document.body.appendChild(input);
    key('j', {}, input);
    key('Escape', {}, input);
    key('k', { ctrlKey: true }, input);
    expect(j).not.toHaveBeenCalled();
    expect(esc).toHaveBeenCalledTimes(1);
    expect(palette).toHaveBeenCalledTimes(1);
    // A modifier never triggers a single-key binding.
    key('j', { ctrlKey: true });
    expect(j).not.toHaveBeenCalled();
    input.remove();
    off();
  });

  it('lists visible bindings once per key, newest layer winning, without hidden ones', () => {
    const run = vi.fn();
    const offA = registerKeys('Lists', [
      { key: '/', label: 'Search', run },
      { key: 'Escape', label: 'Clear', run },
      { key: 'ArrowDown', label: 'Down', run, hidden: true },
    ]);
    const offB = registerKeys('Conversation', [{ key: 'Escape', label: 'Back to the list', run }]);
    expect(helpRows()).toEqual([
      { scope: 'Conversation', keys: [{ key: 'Escape', label: 'Back to the list' }] },
      { scope: 'Lists', keys: [{ key: '/', label: 'Search' }] },
    ]);
    offB();
    offA();
  });
});

function Screen({ onJ }: { onJ(): void }) {
  const bindings: KeyBinding[] = [
    { key: '/', label: 'Search conversations', run: vi.fn() },
    { key: 'j', label: 'Select the next card', run: onJ },
  ];
  useKeys('Conversations', bindings);
  return null;
}

describe('help overlay', () => {
  it('? opens a list of the keys of the current screen; Esc closes it and keys work again', () => {
    const onJ = vi.fn();
    render(
      <>
        <Screen onJ={onJ} />
        <KeyboardHelp />
      </>,
    );
    act(() => key('?', { shiftKey: true }));
    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(dialog).toHaveTextContent('Search conversations');
    expect(dialog).toHaveTextContent('Select the next card');
    expect(dialog).toHaveTextContent('Show or hide these keys');
    act(() => key('j'));
    expect(onJ).not.toHaveBeenCalled(); // the overlay is modal
    act(() => key('Escape'));
    expect(screen.queryByRole('dialog')).toBeNull();
    act(() => key('j'));
    expect(onJ).toHaveBeenCalledTimes(1);
  });
});
