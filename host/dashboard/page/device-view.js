import { DeviceControls } from './device-controls.js';
import { clear, el, setText } from './dom.js';
import { ago, clockTime } from './format.js';
import { anomalyVerdict, appText } from './fleet-view.js';
import { MetricChart } from './metric-chart.js';

/** Logs and events listed, newest first. */
const LIST_ITEMS = 100;
/** Anomalous windows kept for the charts' shading. */
const MARKERS = 200;
/** Time each animation frame may spend redrawing charts: well under a 60 Hz frame's 16.7 ms. */
const FRAME_BUDGET_MS = 6;
const SERIES_COLOURS = ['#2563eb', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2'];

/**
 * One device (docs/dashboard.md, "Device view"): a header with what runs on it, its controls, a live chart per
 * metric and per model's score, and its events and logs. It watches the device on the feed while it is open.
 */
export class DeviceView {
  /**
   * @param {import('./fleet-state.js').FleetState} state
   * @param {import('./feed-connection.js').FeedConnection} feed
   * @param {string} device
   */
  constructor(state, feed, device) {
    this.state = state;
    this.feed = feed;
    this.device = device;
    this.charts = new Map();
    this.scoreCharts = new Map();
    this.markers = [];
    this.metricKey = '';
    this.frame = 0;

    this.heading = el('h2', { class: 'device-id', text: device });
    this.badge = el('span', { class: 'badge' });
    this.facts = el('dl', { class: 'facts' });
    this.controls = new DeviceControls(device, feed);
    this.chartArea = el('div', { class: 'charts', 'aria-label': 'Charts' });
    this.events = el('ol', { class: 'events', 'aria-label': 'Events' });
    this.logs = el('ol', { class: 'logs', 'aria-label': 'Logs' });
    this.root = el('section', { class: 'device', 'aria-label': `Device ${device}` }, [
      el('p', {}, [el('a', { href: '#/', text: '← Fleet' })]),
      el('header', { class: 'device-head' }, [this.heading, this.badge]),
      this.facts,
      this.controls.root,
      this.chartArea,
      el('div', { class: 'streams' }, [
        el('section', {}, [el('h2', { text: 'Events' }), this.events]),
        el('section', {}, [el('h2', { text: 'Logs' }), this.logs]),
      ]),
    ]);
    this.stopListening = state.listen((kind, message) => this.onFeed(kind, message));
    this.resizeObserver = new ResizeObserver(() => this.resize());
    // Charts redraw in turns: each frame redraws dirty charts until its budget is spent, and the next frame
    // starts where this one stopped, so no frame runs long however many metrics the device has.
    this.nextChart = 0;
    this.renderLoop = () => {
      const charts = [...this.charts.values(), ...this.scoreCharts.values()];
      const deadline = performance.now() + FRAME_BUDGET_MS;
      for (let turn = 0; turn < charts.length && performance.now() < deadline; turn += 1) {
        this.nextChart = (this.nextChart + 1) % charts.length;
        charts[this.nextChart].render();
      }
      this.frame = requestAnimationFrame(this.renderLoop);
    };
  }

  mount(container) {
    clear(container);
    container.append(this.root);
    this.resizeObserver.observe(this.chartArea);
    this.refreshCard();
    this.feed.send({ type: 'watch', device: this.device });
    this.frame = requestAnimationFrame(this.renderLoop);
  }

  unmount() {
    cancelAnimationFrame(this.frame);
    this.resizeObserver.disconnect();
    this.stopListening();
    this.feed.send({ type: 'watch', device: null });
    for (const chart of [...this.charts.values(), ...this.scoreCharts.values()]) chart.destroy();
  }

  /** After a reconnect: watch again (the snapshot came first). */
  rewatch() {
    this.feed.send({ type: 'watch', device: this.device });
  }

  onFeed(kind, message) {
    if (kind === 'snapshot') {
      // A new connection: watch again (unless new charts already asked for the history).
      const before = this.metricKey;
      this.refreshCard();
      if (this.metricKey === before) this.rewatch();
      return;
    }
    if (kind === 'devices' && message.devices.some((card) => card.device === this.device)) this.refreshCard();
    if (message.device !== this.device) return;
    switch (kind) {
      case 'history':
        this.resetCharts();
        this.appendPoints(message);
        for (const score of message.scores) this.addScore(score);
        clear(this.events);
        clear(this.logs);
        for (const event of message.events) this.addEvent(event);
        for (const log of message.logs) this.addLog(log);
        break;
      case 'points':
        this.appendPoints(message);
        break;
      case 'score':
        this.addScore(message.score);
        break;
      case 'event':
        this.addEvent(message.event);
        break;
      case 'log':
        this.addLog(message.log);
        break;
      default:
        break;
    }
  }

  refreshCard() {
    const card = this.state.devices.get(this.device);
    if (card === undefined) {
      setText(this.badge, 'unknown to this edge');
      this.badge.className = 'badge is-offline';
      return;
    }
    setText(this.badge, card.online ? 'online' : `offline${card.stateReason ? ` (${card.stateReason})` : ''}`);
    this.badge.className = `badge ${card.online ? 'is-online' : 'is-offline'}`;
    const facts = [
      ['Last seen', ago(card.lastSeen)],
      ['Board', card.board ?? '—'],
      ['App', card.app === null ? '—' : `${appText(card.app)} (${card.app.state})`],
      ['Firmware', card.firmware ?? '—'],
      ['Link drops / gaps', card.link === null ? '—' : `${card.link.drops} / ${card.link.gaps}`],
      ['Anomaly', anomalyVerdict(card, this.state.activeAlarms(this.device)).text],
    ];
    this.facts.replaceChildren(...facts.flatMap(([name, value]) => [el('dt', { text: name }), el('dd', { text: value })]));
    this.controls.update(card);
    const key = card.metrics.map((metric) => `${metric.name}\u0000${metric.unit}`).join('\u0001');
    if (key !== this.metricKey) {
      this.metricKey = key;
      this.buildCharts(card);
    }
  }

  buildCharts(card) {
    for (const chart of this.charts.values()) chart.destroy();
    this.charts.clear();
    card.metrics.forEach((metric, index) => {
      const chart = new MetricChart({
        title: metric.name,
        unit: metric.unit,
        series: [{ label: metric.name, stroke: SERIES_COLOURS[index % SERIES_COLOURS.length] }],
        markers: this.markers,
      });
      this.charts.set(metric.name, chart);
    });
    this.placeCharts();
    // The history holds the points the new charts lack.
    this.rewatch();
  }

  placeCharts() {
    this.chartArea.replaceChildren(...[...this.charts.values(), ...this.scoreCharts.values()].map((chart) => chart.root));
    this.resize();
  }

  resetCharts() {
    for (const chart of [...this.charts.values(), ...this.scoreCharts.values()]) chart.clear();
    this.markers.length = 0;
  }

  appendPoints({ times, series }) {
    const seconds = times.map((timeMs) => timeMs / 1000);
    for (const [name, chart] of this.charts) {
      const column = series[name];
      if (column !== undefined) chart.append(seconds, [column]);
    }
  }

  addScore(score) {
    let chart = this.scoreCharts.get(score.model);
    if (chart === undefined) {
      chart = new MetricChart({
        title: `anomaly score: ${score.model}`,
        unit: '',
        series: [
          { label: 'score', stroke: '#dc2626' },
          { label: 'threshold', stroke: '#6b7280', dash: [4, 4] },
        ],
        markers: this.markers,
      });
      this.scoreCharts.set(score.model, chart);
      this.placeCharts();
    }
    chart.append([score.toMs / 1000], [[score.score], [score.threshold]]);
    if (score.anomalous) {
      this.markers.push([score.fromMs / 1000, score.toMs / 1000]);
      if (this.markers.length > MARKERS) this.markers.splice(0, this.markers.length - MARKERS);
      for (const metricChart of this.charts.values()) metricChart.markDirty();
    }
  }

  addEvent(event) {
    const where = event.file ? ` at ${event.file}:${event.line}:${event.column}` : '';
    this.prepend(this.events, el('li', { class: `event kind-${event.kind}` }, [
      el('time', { text: clockTime(Date.parse(event.time)) }),
      ' ',
      el('strong', { text: event.kind }),
      ' ',
      el('span', { text: `${event.code} ${event.message}${where}` }),
    ]));
  }

  addLog(log) {
    this.prepend(this.logs, el('li', { class: `log level-${log.level}` }, [
      el('time', { text: clockTime(Date.parse(log.time)) }),
      ' ',
      el('span', { class: 'level', text: log.level }),
      ' ',
      el('span', { class: 'log-text', text: log.text }),
    ]));
  }

  prepend(list, item) {
    list.prepend(item);
    while (list.childElementCount > LIST_ITEMS) list.lastElementChild.remove();
  }

  resize() {
    for (const chart of [...this.charts.values(), ...this.scoreCharts.values()]) chart.resize(Math.max(240, chart.root.clientWidth - 18));
  }
}
