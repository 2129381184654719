/**
 * The page's end of the feed (docs/dashboard.md, "The feed"): one WebSocket to the edge, reconnected with backoff;
 * each connection starts with a snapshot. Requests carry a `ref` the edge echoes in its answer.
 */
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;
/** The edge answers a command within its own timeout (docs/mqtt.md §5.2: 10 s); this only covers a lost socket. */
const REQUEST_TIMEOUT_MS = 30_000;

export class FeedConnection {
  /**
   * @param {string} token
   * @param {{ message: (message: any) => void, status: (text: string, live: boolean) => void, opened: () => void }} handlers
   */
  constructor(token, handlers) {
    this.token = token;
    this.handlers = handlers;
    this.socket = null;
    this.retryMs = FIRST_RETRY_MS;
    this.pending = new Map();
    this.nextRef = 1;
  }

  open() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/feed?token=${encodeURIComponent(this.token)}`);
    this.socket = socket;
    let opened = false;
    socket.addEventListener('open', () => {
      opened = true;
      this.retryMs = FIRST_RETRY_MS;
      this.handlers.status('live', true);
      this.handlers.opened();
    });
    socket.addEventListener('message', (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (typeof message.ref === 'string' && this.pending.has(message.ref)) {
        const { resolve, timer } = this.pending.get(message.ref);
        clearTimeout(timer);
        this.pending.delete(message.ref);
        resolve(message);
      }
      this.handlers.message(message);
    });
    socket.addEventListener('close', () => {
      for (const [ref, { resolve, timer }] of this.pending) {
        clearTimeout(timer);
        resolve({ type: 'error', ref, detail: 'the connection to the edge was lost' });
      }
      this.pending.clear();
      const why = opened ? 'connection lost' : 'the edge refused the feed or cannot be reached (is the token right?)';
      this.handlers.status(`${why}; retrying in ${Math.round(this.retryMs / 1000)} s`, false);
      setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    });
  }

  send(message) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /** Sends a request and resolves with the edge's answer to it (or an `error` answer). */
  request(message) {
    const ref = `r${this.nextRef++}`;
    return new Promise((resolve) => {
      if (this.socket?.readyState !== WebSocket.OPEN) {
        resolve({ type: 'error', ref, detail: 'not connected to the edge' });
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(ref);
        resolve({ type: 'error', ref, detail: 'no answer from the edge' });
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(ref, { resolve, timer });
      this.socket.send(JSON.stringify({ ...message, ref }));
    });
  }
}
