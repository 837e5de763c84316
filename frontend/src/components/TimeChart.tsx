/**
 * A small time-series chart (uPlot): one or two series over time, sized to its box.
 * The only place that touches uPlot; the numbers are also given as text for screen
 * readers (the chart's label says the latest value).
 */
import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

// uPlot reads matchMedia when loaded, so it is loaded with the first chart, not with the app.
let loading: Promise<typeof uPlot> | null = null;
function loadUPlot(): Promise<typeof uPlot> {
  loading ??= import('uplot').then((m) => m.default);
  return loading;
}

export interface ChartSeries {
  label: string;
  /** One value per time; null for a gap. */
  values: (number | null)[];
  color: string;
}

export function TimeChart({
  title,
  times,
  series,
  height = 140,
  unit = '',
  xRange,
}: {
  title: string;
  /** Seconds since the epoch, ascending. */
  times: number[];
  series: ChartSeries[];
  height?: number;
  unit?: string;
  /** The time axis's span in seconds since the epoch (the chart's window), so that a
   * few points do not stretch it over years. */
  xRange?: [number, number];
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = useRef<uPlot.AlignedData>([times, ...series.map((s) => s.values)]);
  data.current = [times, ...series.map((s) => s.values)];
  const range = useRef(xRange);
  range.current = xRange;
  const shape = series.map((s) => `${s.label}:${s.color}`).join('|');

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true, range: (_u, min, max) => range.current ?? [min, max] },
        y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] },
      },
      axes: [
        { stroke: '#6b7785', grid: { stroke: '#eef1f5' } },
        { stroke: '#6b7785', grid: { stroke: '#eef1f5' }, size: 56, values: (_u, ticks) => ticks.map((v) => compact(v) + unit) },
      ],
      series: [
        {},
        ...series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, fill: s.color + '22', spanGaps: false })),
      ],
    };
    let gone = false;
    let ro: ResizeObserver | null = null;
    void loadUPlot().then((UPlot) => {
      if (gone) return;
      const u = new UPlot(opts, data.current, el);
      plot.current = u;
      ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
      ro.observe(el);
    });
    return () => {
      gone = true;
      ro?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // The chart is rebuilt only when its series change; data goes through setData.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, height, unit]);

  useEffect(() => {
    plot.current?.setData(data.current);
  }, [times, series]);

  const latest = series.map((s) => `${s.label} ${fmtLatest(s.values)}${unit}`).join(', ');
  return (
    <figure className="time-chart" aria-label={`${title}: latest ${latest}`}>
      <figcaption className="time-chart-title">{title}</figcaption>
      <div ref={box} className="time-chart-plot" />
    </figure>
  );
}

function fmtLatest(v: (number | null)[]): string {
  for (let i = v.length - 1; i >= 0; i--) {
    const x = v[i];
    if (x !== null) return compact(x);
  }
  return 'none';
}

/** 1234 → "1.2k", 0.25 → "0.25". */
export function compact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  if (a >= 10 || a === 0) return `${Math.round(v)}`;
  return `${+v.toFixed(2)}`;
}
