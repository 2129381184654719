import { clear, el, setText } from './dom.js';
import { ago } from './format.js';

/** Cleared alarms listed below the active ones, newest first. */
const RECENT_CLEARED = 50;

/**
 * The edge's alarms (docs/dashboard.md, "Alarms"; docs/mqtt.md §9.2): the active ones first, then the recently
 * cleared, each with an Acknowledge button until someone has acknowledged it. The edge keeps them, so every page
 * shows the same list.
 */
export class AlarmsView {
  /**
   * @param {import('./fleet-state.js').FleetState} state
   * @param {import('./feed-connection.js').FeedConnection} feed
   */
  constructor(state, feed) {
    this.state = state;
    this.feed = feed;
    this.body = el('tbody');
    this.note = el('p', { class: 'summary', 'aria-live': 'polite' });
    this.root = el('section', { class: 'alarms', 'aria-label': 'Alarms' }, [
      el('h2', { text: 'Alarms' }),
      this.note,
      el('table', {}, [
        el('thead', {}, [
          el('tr', {}, ['Alarm', 'Device', 'Rule / model', 'State', 'Opened', 'Peak score', 'Acknowledged', 'Cleared', 'Last command', ''].map((name) => el('th', { scope: 'col', text: name }))),
        ]),
        this.body,
      ]),
    ]);
    this.stopListening = state.listen((kind) => {
      if (kind === 'snapshot' || kind === 'alarm' || kind === 'alarm-removed') this.draw();
    });
  }

  mount(container) {
    clear(container);
    container.append(this.root);
    this.draw();
  }

  unmount() {
    this.stopListening();
  }

  draw() {
    if (this.state.alarms === null) {
      setText(this.note, 'This edge runs no inference, so it keeps no alarms.');
      clear(this.body);
      return;
    }
    const alarms = [...this.state.alarms.values()];
    const active = alarms.filter((alarm) => alarm.state !== 'cleared').sort(newestFirst);
    const cleared = alarms.filter((alarm) => alarm.state === 'cleared').sort(newestFirst).slice(0, RECENT_CLEARED);
    setText(this.note, `${active.length} active, ${cleared.length} recently cleared`);
    this.body.replaceChildren(...[...active, ...cleared].map((alarm) => this.row(alarm)));
  }

  row(alarm) {
    const acknowledged = typeof alarm.acknowledgedAt === 'string';
    const button = acknowledged
      ? el('span', { text: '' })
      : el('button', { type: 'button', class: 'ack', 'data-alarm': alarm.id, text: 'Acknowledge', onclick: () => this.acknowledge(alarm.id, button) });
    const command = alarm.lastCommandResult;
    return el('tr', { class: `alarm state-${String(alarm.state)}`, 'data-alarm': alarm.id }, [
      el('td', { text: alarm.id }),
      el('td', {}, [el('a', { href: `#/device/${encodeURIComponent(alarm.device)}`, text: alarm.device })]),
      el('td', { text: `${text(alarm.rule)} / ${text(alarm.model)}` }),
      el('td', { class: 'alarm-state', text: String(alarm.state) }),
      el('td', { text: ago(alarm.openedAt) }),
      el('td', { text: typeof alarm.peakScore === 'number' ? alarm.peakScore.toPrecision(3) : '—' }),
      el('td', { text: acknowledged ? `${text(alarm.acknowledgedBy)}, ${ago(alarm.acknowledgedAt)}` : '—' }),
      el('td', { text: typeof alarm.clearedAt === 'string' ? `${ago(alarm.clearedAt)}${alarm.clearReason ? ` (${alarm.clearReason})` : ''}` : '—' }),
      el('td', { text: command ? `${text(command.command)}: ${text(command.answer?.result)}` : '—' }),
      el('td', {}, [button]),
    ]);
  }

  async acknowledge(alarmId, button) {
    button.disabled = true;
    setText(button, 'Acknowledging…');
    const reply = await this.feed.request({ type: 'alarm-ack', alarm: alarmId });
    const answer = reply.answer;
    if (reply.type === 'error' || answer?.result !== 'ok') {
      button.disabled = false;
      setText(button, 'Acknowledge');
      setText(this.note, `Alarm ${alarmId} was not acknowledged: ${reply.detail ?? answer?.detail ?? answer?.error ?? 'no answer'}`);
    }
    // On success the edge sends the changed alarm to every page, and the list redraws.
  }
}

function newestFirst(a, b) {
  return Date.parse(b.openedAt) - Date.parse(a.openedAt);
}

function text(value) {
  return value === null || value === undefined ? '—' : String(value);
}
