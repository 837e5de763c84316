import { useMemo } from 'react';
import { helpRows, useKeyboard, useKeys } from '../keyboard';

/**
 * The `?` overlay: every key that works on the screen behind it, read from the keyboard
 * registry. Registers `?` itself (everywhere); Esc or `?` closes it.
 */
export function KeyboardHelp() {
  const open = useKeyboard((s) => s.helpOpen);
  useKeys('Everywhere', [
    { key: '?', label: 'Show or hide these keys', run: () => useKeyboard.getState().setHelpOpen(!useKeyboard.getState().helpOpen) },
  ]);
  if (!open) return null;
  return <HelpDialog />;
}

function HelpDialog() {
  // Rows of the layers under the overlay (read before the overlay's own layer is added).
  const layers = useKeyboard((s) => s.layers);
  const rows = useMemo(() => helpRows(layers.filter((l) => l.scope !== 'Keyboard help')), [layers]);
  const close = () => useKeyboard.getState().setHelpOpen(false);
  useKeys('Keyboard help', [
    { key: 'Escape', label: 'Close', run: close, hidden: true },
    { key: '?', label: 'Close', run: close, hidden: true },
  ], { modal: true });
  return (
    <div className="kbd-help-backdrop" onClick={close}>
      <div className="kbd-help" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
        <div className="kbd-help-head">
          <h2>Keyboard shortcuts</h2>
          <button type="button" className="btn btn-quiet btn-small" onClick={close}>
            Close
          </button>
        </div>
        {rows.map((g) => (
          <section key={g.scope} className="kbd-help-group">
            <h3>{g.scope}</h3>
            <dl>
              {g.keys.map((k) => (
                <div key={k.key} className="kbd-help-row">
                  <dt>
                    <kbd>{k.key === 'Escape' ? 'Esc' : k.key.replace('Mod+', 'Ctrl+')}</kbd>
                  </dt>
                  <dd>{k.label}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </div>
  );
}
