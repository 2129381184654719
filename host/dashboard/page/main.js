import { AlarmsView } from './alarms-view.js';
import { DeviceView } from './device-view.js';
import { setText } from './dom.js';
import { FeedConnection } from './feed-connection.js';
import { FleetState } from './fleet-state.js';
import { FleetView } from './fleet-view.js';

/**
 * The dashboard page (docs/dashboard.md): reads its token from the URL, opens the feed, and shows one of three
 * views by the URL's fragment: `#/` the fleet, `#/device/<id>` one device, `#/alarms` the alarms.
 */
const token = new URLSearchParams(location.search).get('token') ?? '';
const state = new FleetState();
const viewNode = document.getElementById('view');
const connectionNode = document.getElementById('connection');
const alarmCount = document.getElementById('alarm-count');
let current = null;

const feed = new FeedConnection(token, {
  message: (message) => state.apply(message),
  status: (text, live) => {
    setText(connectionNode, text);
    connectionNode.classList.toggle('is-live', live);
  },
  opened: () => {},
});

state.listen((kind) => {
  if (kind === 'snapshot') setText(document.getElementById('edge-name'), `edge ${state.edge}`);
  if (kind === 'snapshot' || kind === 'alarm' || kind === 'alarm-removed') {
    const open = state.alarms === null ? 0 : [...state.alarms.values()].filter((alarm) => alarm.state === 'open').length;
    setText(alarmCount, open === 0 ? '' : String(open));
  }
});

function route() {
  current?.unmount();
  const hash = location.hash.replace(/^#/, '');
  const device = /^\/device\/(.+)$/.exec(hash);
  if (device !== null) current = new DeviceView(state, feed, decodeURIComponent(device[1]));
  else if (hash === '/alarms') current = new AlarmsView(state, feed);
  else current = new FleetView(state);
  current.mount(viewNode);
  for (const link of document.querySelectorAll('header nav a')) {
    const target = link.getAttribute('href');
    const here = target === `#${hash}` || (target === '#/' && device === null && hash !== '/alarms');
    if (here) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

/** The snapshot over HTTP paints the page at once; the feed then sends its own and the deltas. */
async function firstPaint() {
  try {
    const response = await fetch('/snapshot', { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
    if (response.ok) state.apply(await response.json());
    else setText(connectionNode, 'the edge refused this token');
  } catch {
    // The feed reports the edge unreachable.
  }
}

addEventListener('hashchange', route);
route();
await firstPaint();
feed.open();
