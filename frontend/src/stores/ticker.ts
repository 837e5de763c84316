/**
 * One shared clock for every "… ago" label and live status badge: a single interval
 * updates `now` every TICK_MS; components subscribe to it instead of running timers.
 */
import { create } from 'zustand';

export const TICK_MS = 5000;

interface TickerState {
  /** Epoch milliseconds of the last tick. */
  now: number;
}

export const useTicker = create<TickerState>()(() => ({ now: Date.now() }));

let timer: ReturnType<typeof setInterval> | null = null;
let users = 0;

/** Starts the shared ticker (reference counted). Returns a stop function. */
export function startTicker(intervalMs = TICK_MS): () => void {
  users += 1;
  if (timer === null) {
    useTicker.setState({ now: Date.now() });
    timer = setInterval(() => useTicker.setState({ now: Date.now() }), intervalMs);
  }
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    users -= 1;
    if (users === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}

export function resetTicker(): void {
  if (timer !== null) clearInterval(timer);
  timer = null;
  users = 0;
  useTicker.setState({ now: Date.now() });
}
