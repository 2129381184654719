import uPlot from './vendor/uPlot.esm.js';
import { el, setText } from './dom.js';
import { withUnit } from './format.js';

/** Points each chart holds: 10 minutes at 1 Hz. Older points fall off (docs/dashboard.md, "Bounded memory"). */
export const CHART_POINTS = 600;
const CHART_HEIGHT_PX = 160;
const ANOMALY_SHADE = 'rgba(220, 38, 38, 0.16)';

/**
 * One live chart: a time series in bounded arrays, handed to uPlot at most once per animation frame, with the
 * windows a model found anomalous shaded behind the line.
 */
export class MetricChart {
  /**
   * @param {{ title: string, unit: string, series: Array<{ label: string, stroke: string, dash?: number[] }>, markers?: Array<[number, number]> }} spec
   *   markers: anomalous windows as [from, to] in seconds, shared with the other charts of the device
   */
  constructor(spec) {
    this.xs = [];
    this.columns = spec.series.map(() => []);
    this.markers = spec.markers ?? [];
    this.dirty = false;
    this.unit = spec.unit;
    this.latest = el('span', { class: 'chart-latest' });
    this.title = el('h3', { class: 'chart-title' }, [spec.unit ? `${spec.title} (${spec.unit})` : spec.title, ' ', this.latest]);
    this.holder = el('div', { class: 'chart-plot' });
    this.root = el('figure', { class: 'chart', 'data-metric': spec.title }, [this.title, this.holder]);
    this.plot = new uPlot(
      {
        width: 600,
        height: CHART_HEIGHT_PX,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true } },
        series: [{}, ...spec.series.map(({ label, stroke, dash }) => ({ label, stroke, width: 1.5, ...(dash ? { dash } : {}), spanGaps: false }))],
        axes: [{}, { size: 72 }],
        hooks: { drawClear: [(plot) => this.shade(plot)] },
      },
      [this.xs, ...this.columns],
      this.holder,
    );
  }

  /** Appends points: `times` in seconds, one column per series. */
  append(times, columns) {
    for (let index = 0; index < times.length; index += 1) {
      const time = times[index];
      // The feed may send again a point the history already held: keep time increasing.
      if (this.xs.length > 0 && time <= this.xs[this.xs.length - 1]) continue;
      this.xs.push(time);
      this.columns.forEach((column, series) => column.push(columns[series]?.[index] ?? null));
    }
    const excess = this.xs.length - CHART_POINTS;
    if (excess > 0) {
      this.xs.splice(0, excess);
      for (const column of this.columns) column.splice(0, excess);
    }
    this.dirty = true;
  }

  /** Redraws if anything changed; the caller runs this once per animation frame. */
  render() {
    if (!this.dirty) return;
    this.dirty = false;
    this.plot.setData([this.xs, ...this.columns]);
    const newest = this.columns[0].length === 0 ? null : this.columns[0][this.columns[0].length - 1];
    setText(this.latest, newest === null ? '' : `now ${withUnit(newest, this.unit)}`);
    // What the chart holds, for a reader of the DOM (a test, an extension): points and the newest time.
    this.root.dataset.points = String(this.xs.length);
    this.root.dataset.newest = this.xs.length === 0 ? '' : String(this.xs[this.xs.length - 1]);
  }

  clear() {
    this.xs.length = 0;
    for (const column of this.columns) column.length = 0;
    this.dirty = true;
  }

  markDirty() {
    this.dirty = true;
  }

  resize(widthPx) {
    if (Math.abs(this.plot.width - widthPx) > 1) this.plot.setSize({ width: widthPx, height: CHART_HEIGHT_PX });
  }

  destroy() {
    this.plot.destroy();
  }

  shade(plot) {
    const { ctx, bbox } = plot;
    const [from, to] = [plot.scales.x.min, plot.scales.x.max];
    if (from === undefined || to === undefined) return;
    ctx.save();
    ctx.fillStyle = ANOMALY_SHADE;
    for (const [start, end] of this.markers) {
      if (end < from || start > to) continue;
      const left = plot.valToPos(Math.max(start, from), 'x', true);
      const right = plot.valToPos(Math.min(end, to), 'x', true);
      ctx.fillRect(left, bbox.top, Math.max(right - left, 2), bbox.height);
    }
    ctx.restore();
  }
}
