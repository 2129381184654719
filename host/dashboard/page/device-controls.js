import { el, setText } from './dom.js';
import { percentOfU16 } from './format.js';

/** docs/mqtt.md §5.1's ranges. */
const BLINK_PERIOD_MS = { min: 50, max: 10_000, initial: 500 };
const INTERVAL_MS = { min: 100, max: 3_600_000 };

/**
 * The device's controls (docs/dashboard.md, "Controls"): each shows what the device last reported in its heartbeat
 * (docs/mqtt.md §3.4), not what was asked, and the answer to the last command sent from it (§5.3). All are disabled
 * while the device is offline or does not take the command.
 */
export class DeviceControls {
  /**
   * @param {string} device
   * @param {import('./feed-connection.js').FeedConnection} feed
   */
  constructor(device, feed) {
    this.device = device;
    this.feed = feed;
    this.ledButtons = ['off', 'on', 'blink'].map((mode) =>
      el('button', { type: 'button', class: 'led-mode', 'data-mode': mode, 'aria-pressed': 'false', text: mode, onclick: () => this.setLed(mode) }),
    );
    this.blinkPeriod = el('input', { type: 'number', min: BLINK_PERIOD_MS.min, max: BLINK_PERIOD_MS.max, step: 50, value: BLINK_PERIOD_MS.initial, 'aria-label': 'Blink period in ms' });
    this.interval = el('input', { type: 'number', min: INTERVAL_MS.min, max: INTERVAL_MS.max, step: 100, 'aria-label': 'Report interval in ms' });
    this.intervalButton = el('button', { type: 'button', text: 'Set', onclick: () => this.setInterval() });
    this.brightness = el('input', { type: 'range', min: 0, max: 100, step: 1, 'aria-label': 'Brightness in percent' });
    this.brightnessButton = el('button', { type: 'button', text: 'Set', onclick: () => this.setBrightness() });
    this.reported = {
      led: el('span', { class: 'reported', 'data-control': 'led' }),
      interval: el('span', { class: 'reported', 'data-control': 'interval' }),
      brightness: el('span', { class: 'reported', 'data-control': 'brightness' }),
    };
    this.results = {
      led: el('output', { class: 'result', 'data-control': 'led', 'aria-live': 'polite' }),
      interval: el('output', { class: 'result', 'data-control': 'interval', 'aria-live': 'polite' }),
      brightness: el('output', { class: 'result', 'data-control': 'brightness', 'aria-live': 'polite' }),
    };
    this.pending = new Set();
    this.card = null;
    this.root = el('section', { class: 'controls', 'aria-label': 'Controls' }, [
      el('h2', { text: 'Controls' }),
      el('div', { class: 'control' }, [
        el('span', { class: 'control-name', text: 'LED' }),
        el('span', { class: 'button-group', role: 'group', 'aria-label': 'LED mode' }, this.ledButtons),
        el('label', {}, ['period ', this.blinkPeriod, ' ms']),
        this.reported.led,
        this.results.led,
      ]),
      el('div', { class: 'control' }, [
        el('span', { class: 'control-name', text: 'Report interval' }),
        el('label', {}, [this.interval, ' ms']),
        this.intervalButton,
        this.reported.interval,
        this.results.interval,
      ]),
      el('div', { class: 'control' }, [
        el('span', { class: 'control-name', text: 'Brightness' }),
        this.brightness,
        this.brightnessButton,
        this.reported.brightness,
        this.results.brightness,
      ]),
    ]);
  }

  /** Shows the card's reported state and enables what the device can take now. */
  update(card) {
    const first = this.card === null;
    this.card = card;
    const reported = card.reported;
    for (const button of this.ledButtons) button.setAttribute('aria-pressed', String(reported?.led.mode === button.dataset.mode));
    if (reported === null) {
      for (const node of Object.values(this.reported)) setText(node, 'reported: nothing yet');
    } else {
      const { led } = reported;
      const level = led.level === null ? '' : `, pin ${led.level === 1 ? 'high' : 'low'}`;
      setText(this.reported.led, `reported: ${led.mode}${led.mode === 'blink' ? ` ${led.periodMs} ms` : ''}${level}`);
      setText(this.reported.interval, `reported: ${reported.reportIntervalMs} ms`);
      setText(this.reported.brightness, `reported: ${percentOfU16(reported.brightnessU16)} %`);
      // The inputs start from the device's values, and are left alone once a person edits them.
      if (first || this.interval.value === '') this.interval.value = String(reported.reportIntervalMs);
      if (first) this.brightness.value = String(percentOfU16(reported.brightnessU16));
    }
    const takes = (command) => card.online && card.commands.includes(command) && !this.pending.has(command);
    for (const button of this.ledButtons) button.disabled = !takes('led');
    this.blinkPeriod.disabled = !takes('led');
    this.interval.disabled = this.intervalButton.disabled = !takes('interval');
    this.brightness.disabled = this.brightnessButton.disabled = !takes('brightness');
    this.root.classList.toggle('is-offline', !card.online);
  }

  setLed(mode) {
    const payload = mode === 'blink' ? { mode, periodMs: Number(this.blinkPeriod.value) } : { mode };
    void this.send('led', payload);
  }

  setInterval() {
    void this.send('interval', { ms: Number(this.interval.value) });
  }

  setBrightness() {
    void this.send('brightness', { duty: Number(this.brightness.value) / 100 });
  }

  async send(command, payload) {
    this.pending.add(command);
    setText(this.results[command], 'sent, waiting for the device…');
    this.results[command].className = 'result is-pending';
    if (this.card !== null) this.update(this.card);
    const reply = await this.feed.request({ type: 'command', device: this.device, command, payload });
    this.pending.delete(command);
    const { text, good } = describeReply(reply);
    setText(this.results[command], text);
    this.results[command].className = `result ${good ? 'is-ok' : 'is-bad'}`;
    if (this.card !== null) this.update(this.card);
  }
}

/** A command's answer (docs/mqtt.md §5.3) in words. */
function describeReply(reply) {
  if (reply.type === 'error') return { text: `not sent: ${reply.detail}`, good: false };
  const answer = reply.answer;
  switch (answer.result) {
    case 'ok':
      return { text: `ok in ${answer.rttMs} ms`, good: true };
    case 'nack':
      return { text: `refused by the ${answer.origin}: ${answer.status}`, good: false };
    case 'timeout':
      return { text: `timeout: ${answer.detail}`, good: false };
    case 'interrupted':
      return { text: 'interrupted: the device rebooted while it waited; it may have run', good: false };
    default:
      return { text: `${answer.error ?? answer.result}: ${answer.detail ?? ''}`, good: false };
  }
}
