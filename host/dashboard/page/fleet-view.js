import { clear, el, setText } from './dom.js';
import { ago } from './format.js';

/** Each row's height in CSS pixels: fixed, so the list knows which rows are in view without measuring. */
const ROW_HEIGHT_PX = 36;
/** Rows drawn beyond the visible ones, above and below, so a scroll does not show blanks. */
const OVERSCAN_ROWS = 6;
/** The fleet redraws at most this often however many devices report (docs/dashboard.md, "Fleet view"). */
const REDRAW_INTERVAL_MS = 500;
const SPARK_WIDTH_PX = 120;
const SPARK_HEIGHT_PX = 22;

/**
 * The fleet: one row per device, only the rows in view exist in the DOM (a pool reused as the list scrolls), and
 * redraws are batched to one per REDRAW_INTERVAL_MS.
 */
export class FleetView {
  /** @param {import('./fleet-state.js').FleetState} state */
  constructor(state) {
    this.state = state;
    this.sparkMetric = null;
    this.filter = '';
    this.rows = [];
    this.visible = [];
    this.redrawScheduled = false;
    this.lastRedrawMs = 0;

    this.summary = el('p', { class: 'summary', 'aria-live': 'polite' });
    this.metricChoice = el('select', { 'aria-label': 'Metric of the sparklines', onchange: () => this.chooseMetric(this.metricChoice.value) });
    this.filterInput = el('input', {
      type: 'search',
      placeholder: 'filter: id, app, board',
      'aria-label': 'Filter devices',
      oninput: () => {
        this.filter = this.filterInput.value.trim().toLowerCase();
        this.scroller.scrollTop = 0;
        this.redraw();
      },
    });
    this.spacer = el('div', { class: 'spacer' });
    this.scroller = el('nav', {
      class: 'fleet-rows',
      'aria-label': 'Devices',
      onscroll: () => this.drawRows(),
      onkeydown: (event) => this.moveFocus(event),
    }, [this.spacer]);
    const header = el('div', { class: 'fleet-row fleet-head', 'aria-hidden': 'true' }, [
      el('span', { class: 'c-id', text: 'Device' }),
      el('span', { class: 'c-state', text: 'State' }),
      el('span', { class: 'c-seen', text: 'Last seen' }),
      el('span', { class: 'c-board', text: 'Board' }),
      el('span', { class: 'c-app', text: 'App' }),
      el('span', { class: 'c-fw', text: 'Firmware' }),
      el('span', { class: 'c-spark', text: 'Trend' }),
      el('span', { class: 'c-anomaly', text: 'Anomaly' }),
      el('span', { class: 'c-link', text: 'Drops / gaps' }),
    ]);
    this.root = el('section', { class: 'fleet', 'aria-label': 'Fleet' }, [
      el('div', { class: 'toolbar' }, [this.summary, this.filterInput, el('label', {}, ['Trend of ', this.metricChoice])]),
      header,
      this.scroller,
    ]);
    this.stopListening = state.listen((kind) => {
      if (kind === 'snapshot') this.redraw();
      else if (kind === 'devices' || kind === 'values' || kind === 'removed' || kind === 'alarm' || kind === 'alarm-removed') this.schedule();
    });
    this.resizeObserver = new ResizeObserver(() => this.drawRows());
  }

  mount(container) {
    clear(container);
    container.append(this.root);
    this.resizeObserver.observe(this.scroller);
    this.redraw();
  }

  unmount() {
    this.resizeObserver.disconnect();
    this.stopListening();
  }

  chooseMetric(name) {
    this.sparkMetric = name;
    this.redraw();
  }

  /** At most one redraw per interval; the last change always gets drawn. */
  schedule() {
    if (this.redrawScheduled) return;
    this.redrawScheduled = true;
    const waitMs = Math.max(0, this.lastRedrawMs + REDRAW_INTERVAL_MS - performance.now());
    setTimeout(() => {
      this.redrawScheduled = false;
      this.redraw();
    }, waitMs);
  }

  redraw() {
    this.lastRedrawMs = performance.now();
    const names = this.state.metricNames();
    if (this.sparkMetric === null || !names.includes(this.sparkMetric)) this.sparkMetric = names[0] ?? null;
    if (this.metricChoice.options.length !== names.length || [...this.metricChoice.options].some((option, index) => option.value !== names[index])) {
      this.metricChoice.replaceChildren(...names.map((name) => el('option', { value: name, text: name })));
    }
    if (this.sparkMetric !== null) this.metricChoice.value = this.sparkMetric;
    this.visible = this.filter === '' ? this.state.order : this.state.order.filter((device) => this.matches(device));
    let online = 0;
    for (const card of this.state.devices.values()) if (card.online) online += 1;
    const total = this.state.devices.size;
    const shown = this.filter === '' ? '' : `; ${this.visible.length} shown`;
    setText(this.summary, !this.state.ready ? 'waiting for the edge…' : total === 0 ? 'no devices yet' : `${total} devices: ${online} online, ${total - online} offline${shown}`);
    this.spacer.style.height = `${this.visible.length * ROW_HEIGHT_PX}px`;
    this.drawRows();
  }

  matches(device) {
    const card = this.state.devices.get(device);
    const haystack = `${device} ${card?.app?.name ?? ''} ${card?.board ?? ''}`.toLowerCase();
    return haystack.includes(this.filter);
  }

  /**
   * The arrow keys, Page Up, Page Down, Home and End move the focus between rows, scrolling the row into view (it
   * may not have been drawn yet); Enter opens the focused row, as for any link.
   */
  moveFocus(event) {
    const focused = this.rows.find((row) => row.node === document.activeElement && row.device !== null);
    if (focused === undefined) return;
    const position = this.visible.indexOf(focused.device);
    const pageRows = Math.max(1, Math.floor(this.scroller.clientHeight / ROW_HEIGHT_PX) - 1);
    const targets = { ArrowDown: position + 1, ArrowUp: position - 1, PageDown: position + pageRows, PageUp: position - pageRows, Home: 0, End: this.visible.length - 1 };
    const target = targets[event.key];
    if (target === undefined || position === -1) return;
    event.preventDefault();
    this.focusRow(Math.min(this.visible.length - 1, Math.max(0, target)));
  }

  focusRow(position) {
    const topPx = position * ROW_HEIGHT_PX;
    const viewHeight = this.scroller.clientHeight;
    if (topPx < this.scroller.scrollTop) this.scroller.scrollTop = topPx;
    else if (topPx + ROW_HEIGHT_PX > this.scroller.scrollTop + viewHeight) this.scroller.scrollTop = topPx + ROW_HEIGHT_PX - viewHeight;
    this.drawRows();
    const device = this.visible[position];
    this.rows.find((row) => row.device === device)?.node.focus({ preventScroll: true });
  }

  /** Places the pooled rows on the devices now in view. */
  drawRows() {
    const viewHeight = this.scroller.clientHeight || 600;
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW_HEIGHT_PX) - OVERSCAN_ROWS);
    const last = Math.min(this.visible.length, Math.ceil((this.scroller.scrollTop + viewHeight) / ROW_HEIGHT_PX) + OVERSCAN_ROWS);
    const needed = last - first;
    while (this.rows.length < needed) {
      const row = new FleetRow();
      this.rows.push(row);
      this.scroller.append(row.node);
    }
    const nowMs = Date.now();
    this.rows.forEach((row, index) => {
      const position = first + index;
      if (index >= needed) {
        row.hide();
        return;
      }
      const device = this.visible[position];
      row.show(position * ROW_HEIGHT_PX, this.state, device, this.sparkMetric, nowMs);
    });
  }
}

/** One pooled row: its cells are made once and only their text changes. */
class FleetRow {
  constructor() {
    this.cells = {
      id: el('span', { class: 'c-id' }),
      state: el('span', { class: 'c-state' }),
      seen: el('span', { class: 'c-seen' }),
      board: el('span', { class: 'c-board' }),
      app: el('span', { class: 'c-app' }),
      fw: el('span', { class: 'c-fw' }),
      anomaly: el('span', { class: 'c-anomaly' }),
      link: el('span', { class: 'c-link' }),
    };
    this.canvas = el('canvas', { class: 'c-spark', width: SPARK_WIDTH_PX * devicePixelRatio, height: SPARK_HEIGHT_PX * devicePixelRatio, 'aria-hidden': 'true' });
    const { id, state, seen, board, app, fw, anomaly, link } = this.cells;
    this.node = el('a', { class: 'fleet-row' }, [id, state, seen, board, app, fw, this.canvas, anomaly, link]);
    this.device = null;
  }

  hide() {
    this.node.hidden = true;
    this.device = null;
  }

  show(topPx, state, device, sparkMetric, nowMs) {
    const card = state.devices.get(device);
    this.node.hidden = false;
    this.node.style.transform = `translateY(${topPx}px)`;
    if (this.device !== device) {
      this.device = device;
      this.node.href = `#/device/${encodeURIComponent(device)}`;
    }
    const { id, state: stateCell, seen, board, app, fw, anomaly, link } = this.cells;
    setText(id, device);
    setText(stateCell, card.online ? 'online' : 'offline');
    stateCell.className = `c-state ${card.online ? 'is-online' : 'is-offline'}`;
    setText(seen, ago(lastHeard(card, state.values.get(device)), nowMs));
    setText(board, card.board ?? '—');
    setText(app, appText(card.app));
    setText(fw, card.firmware ?? '—');
    const verdict = anomalyVerdict(card, state.activeAlarms(device));
    setText(anomaly, verdict.text);
    anomaly.className = `c-anomaly ${verdict.flagged ? 'is-anomalous' : ''}`;
    setText(link, card.link === null ? '—' : `${card.link.drops} / ${card.link.gaps}`);
    drawSparkline(this.canvas, sparkMetric === null ? undefined : state.sparks.get(device)?.get(sparkMetric));
  }
}

/**
 * The anomaly badge: active alarms first, then the models' anomaly states (docs/mqtt.md §9.4), then the latest
 * windows' verdicts (§9.1); a dash before any model has scored the device.
 */
export function anomalyVerdict(card, activeAlarms) {
  if (activeAlarms > 0) return { text: `${activeAlarms} alarm${activeAlarms === 1 ? '' : 's'}`, flagged: true };
  const states = Object.values(card.anomalyState ?? {});
  const scores = Object.values(card.anomaly);
  if (states.some((entry) => entry.state === 'anomalous') || scores.some((score) => score.anomalous)) return { text: 'anomalous', flagged: true };
  return { text: states.length + scores.length > 0 ? 'normal' : '—', flagged: false };
}

/** The app's name and version; a version that already starts with `<name>@` (docs/mqtt.md §3.2) stands alone. */
export function appText(app) {
  if (app === null) return '—';
  return app.version.startsWith(`${app.name}@`) ? app.version : `${app.name} ${app.version}`;
}

/** The later of the last heartbeat's time and the newest value's: a device reporting at 1 Hz was heard a second ago. */
function lastHeard(card, values) {
  let newestMs = card.lastSeen === null ? Number.NEGATIVE_INFINITY : Date.parse(card.lastSeen);
  for (const [timeMs] of Object.values(values ?? {})) if (timeMs > newestMs) newestMs = timeMs;
  return Number.isFinite(newestMs) ? new Date(newestMs).toISOString() : null;
}

function drawSparkline(canvas, ring) {
  const context = canvas.getContext('2d');
  const { width, height } = canvas;
  context.clearRect(0, 0, width, height);
  if (ring === undefined || ring.count < 2) return;
  let min = Infinity;
  let max = -Infinity;
  ring.forEach((value) => {
    if (value < min) min = value;
    if (value > max) max = value;
  });
  const span = max - min || 1;
  // The points held so far across the whole width: a device that just appeared still shows a trend.
  const step = width / (ring.count - 1);
  context.beginPath();
  ring.forEach((value, index) => {
    const x = index * step;
    const y = height - 2 - ((value - min) / span) * (height - 4);
    if (index === 0) context.moveTo(x, y);
    else context.lineTo(x, y);
  });
  context.lineWidth = devicePixelRatio;
  context.strokeStyle = '#2563eb';
  context.stroke();
}
