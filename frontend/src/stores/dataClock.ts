/**
 * The data's clock: the instant every status badge, "… ago" time, status filter and
 * status count is computed at. Live, it follows the shared ticker; offline or catching
 * up it stands still at the data's "as of" instant, so nothing ticks as if live.
 *
 * Before the clock moves, the views that query by time (a status-filtered grid and its
 * counts) fetch their answers for the new instant; then the clock and those answers
 * change together, so a list never disagrees with its own count, not even while a
 * conversation turns Paused because time passed.
 */
import { create } from 'zustand';
import { dataInstant, dataStateOf, provisional, type DataState } from '../domain/dataState';
import { useConnection } from './connection';
import { useTicker } from './ticker';

interface DataClock {
  /** Epoch ms the data is shown at. */
  now: number;
  state: DataState;
  /** Statuses may still change as history is replayed: shown as "syncing". */
  provisional: boolean;
}

export const useDataClock = create<DataClock>()(() => ({
  now: Date.now(),
  state: { kind: 'connecting' },
  provisional: false,
}));

/**
 * Prepares a view for the instant `at`: fetches what it needs and returns the change
 * to apply when the clock moves (or nothing to apply).
 */
export type ClockPreparer = (at: number) => Promise<(() => void) | void>;

const preparers = new Set<ClockPreparer>();

export function onClockAdvance(p: ClockPreparer): () => void {
  preparers.add(p);
  return () => preparers.delete(p);
}

let advancing: Promise<void> | null = null;
let wanted: number | null = null;

/** Moves the clock to `at` once every preparer has its answer for it. */
export function advanceClock(at: number): Promise<void> {
  wanted = at;
  if (advancing) return advancing;
  advancing = (async () => {
    while (wanted !== null) {
      const target = wanted;
      wanted = null;
      if (target === useDataClock.getState().now) continue;
      const results = await Promise.allSettled([...preparers].map((p) => p(target)));
      for (const r of results) if (r.status === 'fulfilled' && r.value) r.value();
      useDataClock.setState({ now: target });
    }
  })().finally(() => {
    advancing = null;
  });
  return advancing;
}

function sync(): void {
  const state = dataStateOf(useConnection.getState().conn);
  const prev = useDataClock.getState();
  if (prev.state.kind !== state.kind || JSON.stringify(prev.state) !== JSON.stringify(state)) {
    useDataClock.setState({ state, provisional: provisional(state) });
  }
  void advanceClock(dataInstant(state, useTicker.getState().now));
}

/** Follows the ticker and the connection. Returns a stop function. */
export function startDataClock(): () => void {
  sync();
  const offTick = useTicker.subscribe(sync);
  const offConn = useConnection.subscribe(sync);
  return () => {
    offTick();
    offConn();
  };
}

export function resetDataClock(): void {
  preparers.clear();
  wanted = null;
  useDataClock.setState({ now: Date.now(), state: { kind: 'connecting' }, provisional: false });
}
