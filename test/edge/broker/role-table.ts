/**
 * docs/mqtt.md §6 as rows a test can run: who may publish or subscribe where, with the users of the shipped
 * docs/mosquitto/acl. The same rows run against the pure rules, the embedded broker and Mosquitto.
 */

export const PASSWORDS = {
  lab: 'lab-secret',
  shed: 'shed-secret',
  'view~alice': 'alice-secret',
  'op~bob': 'bob-secret',
  'work~anomaly': 'anomaly-secret',
  'host~scada': 'scada-secret',
} as const;

export type User = keyof typeof PASSWORDS;

export interface AccessCheck {
  user: User;
  action: 'publish' | 'subscribe';
  topic: string;
  allowed: boolean;
}

const row = (user: User, action: AccessCheck['action'], allowed: boolean, ...topics: string[]): AccessCheck[] =>
  topics.map((topic) => ({ user, action, topic, allowed }));

export const PUBLISH_CHECKS: readonly AccessCheck[] = [
  ...row('lab', 'publish', true, 'wasmote/lab/dev-1/data', 'wasmote/lab/$edge/state', 'wasmote/lab/dev-1/cmd/led',
    'wasmote/lab/dev-1/result/me', 'spBv1.0/plant/NBIRTH/lab', 'spBv1.0/plant/DDATA/lab/dev-1'),
  ...row('lab', 'publish', false, 'wasmote/shed/dev-1/data', 'wasmote/shed/dev-1/cmd/led', 'spBv1.0/plant/NBIRTH/shed',
    'spBv1.0/plant/DDATA/shed/dev-1', 'spBv1.0/STATE/scada'),
  ...row('view~alice', 'publish', false, 'wasmote/lab/dev-1/cmd/led', 'wasmote/lab/dev-1/data',
    'wasmote/view~alice/dev-1/data', 'spBv1.0/plant/NBIRTH/view~alice', 'spBv1.0/plant/NCMD/lab'),
  ...row('op~bob', 'publish', true, 'wasmote/lab/dev-1/cmd/led', 'wasmote/shed/dev-2/cmd/app:0x80'),
  ...row('op~bob', 'publish', false, 'wasmote/lab/dev-1/data', 'wasmote/lab/dev-1/score', 'wasmote/lab/dev-1/result', 'wasmote/lab/$edge/state',
    'wasmote/op~bob/dev-1/data', 'spBv1.0/plant/DCMD/lab/dev-1'),
  ...row('work~anomaly', 'publish', true, 'wasmote/lab/dev-1/cmd/ping'),
  ...row('work~anomaly', 'publish', true, 'wasmote/lab/dev-1/score'),
  ...row('work~anomaly', 'publish', false, 'wasmote/lab/dev-1/data', 'wasmote/work~anomaly/dev-1/data'),
  ...row('host~scada', 'publish', true, 'spBv1.0/plant/NCMD/lab', 'spBv1.0/plant/DCMD/lab/dev-1', 'spBv1.0/STATE/scada'),
  ...row('host~scada', 'publish', false, 'spBv1.0/STATE/other', 'spBv1.0/plant/DDATA/lab/dev-1',
    'spBv1.0/plant/NBIRTH/host~scada', 'wasmote/lab/dev-1/cmd/led'),
];

/**
 * A subscription, proven by a probe another user publishes on a topic it filters and a marker, published after
 * the probe, on a topic the subscriber may read: a probe that must not come has not come once the marker has.
 */
export interface SubscribeCheck extends AccessCheck {
  probe: { user: User; topic: string };
  marker: { user: User; topic: string };
}

const WASMOTE_MARKER = { user: 'lab', topic: 'wasmote/lab/marker' } as const;
const SPARKPLUG_MARKER = { user: 'lab', topic: 'spBv1.0/plant/NDATA/lab' } as const;

const sub = (
  user: User,
  topic: string,
  allowed: boolean,
  probeUser: User,
  probeTopic: string,
  marker: SubscribeCheck['marker'] = WASMOTE_MARKER,
): SubscribeCheck => ({ user, action: 'subscribe', topic, allowed, probe: { user: probeUser, topic: probeTopic }, marker });

/** Each message reaches a subscriber only when its user may read the message's topic, whatever the filter. */
export const SUBSCRIBE_CHECKS: readonly SubscribeCheck[] = [
  sub('lab', 'wasmote/lab/#', true, 'lab', 'wasmote/lab/dev-1/data'),
  sub('lab', 'wasmote/lab/+/cmd/#', true, 'op~bob', 'wasmote/lab/dev-1/cmd/led'),
  sub('lab', 'wasmote/lab/+/state', true, 'lab', 'wasmote/lab/dev-1/state'),
  sub('lab', 'spBv1.0/plant/NCMD/lab', true, 'host~scada', 'spBv1.0/plant/NCMD/lab'),
  sub('lab', 'spBv1.0/plant/DCMD/lab/#', true, 'host~scada', 'spBv1.0/plant/DCMD/lab/dev-1'),
  sub('lab', 'spBv1.0/STATE/+', true, 'host~scada', 'spBv1.0/STATE/scada'),
  sub('lab', 'wasmote/#', false, 'shed', 'wasmote/shed/dev-1/data'),
  sub('lab', 'wasmote/+/+/data', false, 'shed', 'wasmote/shed/dev-1/data'),
  sub('lab', 'wasmote/shed/#', false, 'shed', 'wasmote/shed/dev-1/state'),
  sub('lab', 'spBv1.0/#', false, 'shed', 'spBv1.0/plant/NBIRTH/shed'),
  sub('lab', 'spBv1.0/plant/DCMD/shed/#', false, 'host~scada', 'spBv1.0/plant/DCMD/shed/dev-1'),
  sub('lab', '#', false, 'op~bob', 'wasmote/shed/dev-1/cmd/led'),
  sub('view~alice', 'wasmote/#', true, 'shed', 'wasmote/shed/dev-1/data'),
  sub('view~alice', 'wasmote/lab/dev-1/result/me', true, 'lab', 'wasmote/lab/dev-1/result/me'),
  sub('view~alice', 'spBv1.0/#', true, 'shed', 'spBv1.0/plant/DDATA/shed/dev-1'),
  sub('view~alice', '#', true, 'lab', 'wasmote/lab/dev-1/log'),
  sub('op~bob', 'wasmote/lab/dev-1/result/#', true, 'lab', 'wasmote/lab/dev-1/result/bob-1'),
  sub('op~bob', 'wasmote/+/+/data', true, 'shed', 'wasmote/shed/dev-1/data'),
  sub('op~bob', 'spBv1.0/STATE/+', true, 'host~scada', 'spBv1.0/STATE/scada'),
  sub('op~bob', 'spBv1.0/#', false, 'lab', 'spBv1.0/plant/DDATA/lab/dev-1'),
  sub('op~bob', '#', false, 'host~scada', 'spBv1.0/plant/NCMD/lab'),
  sub('work~anomaly', 'wasmote/+/+/data', true, 'lab', 'wasmote/lab/dev-1/data'),
  sub('work~anomaly', 'spBv1.0/+/DDATA/#', false, 'lab', 'spBv1.0/plant/DDATA/lab/dev-1'),
  sub('host~scada', 'spBv1.0/#', true, 'lab', 'spBv1.0/plant/NBIRTH/lab', SPARKPLUG_MARKER),
  sub('host~scada', 'wasmote/#', false, 'lab', 'wasmote/lab/dev-1/data', SPARKPLUG_MARKER),
  sub('host~scada', '#', false, 'lab', 'wasmote/lab/dev-1/data', SPARKPLUG_MARKER),
];

/** Shared subscriptions, judged by their filter message by message (Mosquitto); aedes has none and refuses them. */
export const SHARED_SUBSCRIBE_CHECKS: readonly SubscribeCheck[] = [
  sub('work~anomaly', '$share/inference/wasmote/+/+/data', true, 'lab', 'wasmote/lab/dev-1/data'),
  sub('view~alice', '$share/dash/wasmote/#', true, 'lab', 'wasmote/lab/dev-1/data'),
  sub('host~scada', '$share/inference/wasmote/+/+/data', false, 'lab', 'wasmote/lab/dev-1/data', SPARKPLUG_MARKER),
  sub('lab', '$share/g/wasmote/shed/#', false, 'shed', 'wasmote/shed/dev-1/data'),
];

export function describeCheck(check: AccessCheck): string {
  return `${check.user} ${check.allowed ? 'may' : 'may not'} ${check.action} ${check.topic}`;
}
