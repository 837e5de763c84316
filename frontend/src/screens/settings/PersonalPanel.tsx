import { useEffect } from 'react';
import { Panel } from '../../components/Panel';
import { DENSITIES, DENSITY_LABELS, type Density } from '../../domain/density';
import { ensureDensity, useDensity } from '../../stores/density';

const DESCRIPTIONS: Record<Density, string> = {
  comfortable: 'cards with the last message',
  compact: 'shorter cards without the message',
  wall: 'small tiles, 40 or more conversations on one screen',
};

/** The signed-in person's own preferences, kept on this computer for their account. */
export function PersonalPanel() {
  const density = useDensity((s) => s.density);
  const error = useDensity((s) => s.error);
  useEffect(ensureDensity, []);
  return (
    <Panel title="Your preferences" testId="personal-preferences">
      <fieldset className="density-choice">
        <legend>Conversation grid</legend>
        {DENSITIES.map((d) => (
          <label key={d} className="toggle">
            <input
              type="radio"
              name="density"
              value={d}
              checked={density === d}
              onChange={() => void useDensity.getState().choose(d)}
            />
            {DENSITY_LABELS[d]}: <span className="muted">{DESCRIPTIONS[d]}</span>
          </label>
        ))}
      </fieldset>
      <p className="muted small">Kept on this computer for your account only. In the grid, the d key steps through them.</p>
      {error && (
        <p className="form-error" role="alert">
          Your choice could not be kept: {error}
        </p>
      )}
    </Panel>
  );
}
