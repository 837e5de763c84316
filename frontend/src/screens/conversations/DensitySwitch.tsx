import { DENSITIES, DENSITY_LABELS } from '../../domain/density';
import { useDensity } from '../../stores/density';
import { InlineError } from '../../components/InlineError';

const HINTS = {
  comfortable: 'Cards with the last message',
  compact: 'Shorter cards, more on screen',
  wall: 'Small tiles: 40 or more conversations on one screen',
} as const;

/** The grid's density, chosen from its toolbar (also the `d` key). */
export function DensitySwitch() {
  const density = useDensity((s) => s.density);
  const error = useDensity((s) => s.error);
  return (
    <div className="density-switch" role="group" aria-label="Grid density">
      {DENSITIES.map((d) => (
        <button
          key={d}
          type="button"
          className={d === density ? 'density-btn active' : 'density-btn'}
          aria-pressed={d === density}
          title={`${HINTS[d]} (key d steps through)`}
          onClick={() => void useDensity.getState().choose(d)}
        >
          {DENSITY_LABELS[d]}
        </button>
      ))}
      <InlineError error={error} prefix="Density not kept: " />
    </div>
  );
}
