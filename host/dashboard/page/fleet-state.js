import { SeriesRing } from './series-ring.js';

/** Points each device's sparkline keeps per metric. */
const SPARK_POINTS = 60;

/**
 * What the page knows of the edge, from the feed's snapshot and deltas: device cards, latest values, short
 * histories for sparklines, and the alarms. Views subscribe to changes by kind.
 */
export class FleetState {
  constructor() {
    this.edge = '';
    /** Whether a snapshot came. */
    this.ready = false;
    this.devices = new Map();
    this.order = [];
    this.values = new Map();
    this.sparks = new Map();
    /** null when the edge runs no inference. */
    this.alarms = null;
    this.listeners = new Set();
  }

  /** @param {(kind: string, message: any) => void} listener */
  listen(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  apply(message) {
    switch (message.type) {
      case 'snapshot':
        this.ready = true;
        this.edge = message.edge;
        this.devices = new Map(message.devices.map((card) => [card.device, card]));
        this.values = new Map();
        this.sparks = new Map();
        for (const [device, values] of Object.entries(message.values)) this.addValues(device, values);
        this.alarms = message.alarms === null ? null : new Map(message.alarms.map((alarm) => [alarm.id, alarm]));
        this.sortDevices();
        break;
      case 'devices': {
        const before = this.devices.size;
        for (const card of message.devices) this.devices.set(card.device, card);
        if (this.devices.size !== before) this.sortDevices();
        break;
      }
      case 'removed':
        this.devices.delete(message.device);
        this.values.delete(message.device);
        this.sparks.delete(message.device);
        this.sortDevices();
        break;
      case 'values':
        for (const [device, values] of Object.entries(message.values)) this.addValues(device, values);
        break;
      case 'alarm': {
        // docs/mqtt.md §9.2: of two copies of an alarm, the higher revision is the newer.
        const held = this.alarms?.get(message.alarm.id);
        if (!(typeof held?.revision === 'number' && typeof message.alarm.revision === 'number' && held.revision > message.alarm.revision)) {
          this.alarms?.set(message.alarm.id, message.alarm);
        }
        break;
      }
      case 'alarm-removed':
        this.alarms?.delete(message.id);
        break;
      default:
        break;
    }
    for (const listener of this.listeners) listener(message.type, message);
  }

  addValues(device, values) {
    const latest = this.values.get(device) ?? {};
    let sparks = this.sparks.get(device);
    if (sparks === undefined) {
      sparks = new Map();
      this.sparks.set(device, sparks);
    }
    for (const [metric, point] of Object.entries(values)) {
      latest[metric] = point;
      let ring = sparks.get(metric);
      if (ring === undefined) {
        ring = new SeriesRing(SPARK_POINTS);
        sparks.set(metric, ring);
      }
      ring.push(point[1]);
    }
    this.values.set(device, latest);
  }

  sortDevices() {
    this.order = [...this.devices.keys()].sort();
  }

  /** Alarms not yet cleared on a device. */
  activeAlarms(device) {
    if (this.alarms === null) return 0;
    let count = 0;
    for (const alarm of this.alarms.values()) if (alarm.device === device && alarm.state !== 'cleared') count += 1;
    return count;
  }

  /** The metric names any device has, for the sparkline's choice. */
  metricNames() {
    const names = new Set();
    for (const card of this.devices.values()) for (const metric of card.metrics) names.add(metric.name);
    return [...names].sort();
  }
}
