/**
 * The conversation grid's densities, a supervisor's own preference (kept per account on
 * this computer by the Go side, density.go): how many conversations one screen shows.
 *
 * - comfortable: cards with the last message (the default);
 * - compact: shorter cards without the message;
 * - wall: small tiles (name, status colour, last message age, attention marker) for
 *   watching 40 or more live conversations at 1440x900.
 */
export const DENSITIES = ['comfortable', 'compact', 'wall'] as const;
export type Density = (typeof DENSITIES)[number];

export const DENSITY_LABELS: Record<Density, string> = {
  comfortable: 'Comfortable',
  compact: 'Compact',
  wall: 'Wall',
};

/** A value from the Go side as a density; anything unknown is the default. */
export function densityOf(v: unknown): Density {
  return (DENSITIES as readonly unknown[]).includes(v) ? (v as Density) : 'comfortable';
}

/** The density after `d`, for the key that steps through them. */
export function nextDensity(d: Density): Density {
  return DENSITIES[(DENSITIES.indexOf(d) + 1) % DENSITIES.length];
}

export interface GridLayout {
  cols: number;
  /** Height of one row, gap included (the virtualiser's row size). */
  rowHeight: number;
  /** Space between cards, across and down. */
  gap: number;
}

/** The narrowest wall tile that still shows a name and a time readably. */
export const WALL_TILE_MIN = 172;
const WALL_GAP = 6;

/** Columns and row height for a density at a grid width (the scroll area's client width). */
export function gridLayout(density: Density, width: number): GridLayout {
  switch (density) {
    case 'wall': {
      const inner = Math.max(0, width - 28); // the grid's side padding
      return { cols: Math.max(1, Math.floor((inner + WALL_GAP) / (WALL_TILE_MIN + WALL_GAP))), rowHeight: 60, gap: WALL_GAP };
    }
    case 'compact':
      return { cols: width >= 1300 ? 4 : width >= 960 ? 3 : width >= 640 ? 2 : 1, rowHeight: 92, gap: 10 };
    default:
      return { cols: width >= 1080 ? 3 : width >= 700 ? 2 : 1, rowHeight: 140, gap: 12 };
  }
}
