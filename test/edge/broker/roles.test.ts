import { describe, expect, it } from 'vitest';
import { mayPublish, mayRead, roleOfUsername } from '../../../host/edge/broker/roles.ts';
import { filterMatchesTopic, sharedSubscription } from '../../../host/edge/broker/topic-filter.ts';
import { describeCheck, PUBLISH_CHECKS, SUBSCRIBE_CHECKS } from './role-table.ts';

describe('roleOfUsername (docs/mqtt.md §6)', () => {
  it.each([
    ['lab', { kind: 'edge', edgeId: 'lab' }],
    ['edge-1.b_2', { kind: 'edge', edgeId: 'edge-1.b_2' }],
    ['view~alice', { kind: 'viewer', name: 'alice' }],
    ['op~bob', { kind: 'operator', name: 'bob' }],
    ['work~anomaly', { kind: 'worker', name: 'anomaly' }],
    ['host~scada', { kind: 'sparkplug-host', hostId: 'scada' }],
  ])('%s', (username, role) => {
    expect(roleOfUsername(username)).toEqual(role);
  });

  it.each(['', 'guest~x', 'view~', '~alice', 'view:alice', 'a/b', 'x'.repeat(33), 'host~a/b', 'host~+', 'constructor~x'])(
    'names no role: %j',
    (username) => {
      expect(roleOfUsername(username)).toBeNull();
    },
  );
});

describe('the role table against the rules alone', () => {
  it.each(PUBLISH_CHECKS.map((check) => ({ check, name: describeCheck(check) })))('$name', ({ check }) => {
    expect(mayPublish(roleOfUsername(check.user)!, check.topic)).toBe(check.allowed);
  });

  it.each(SUBSCRIBE_CHECKS.map((check) => ({ check, name: `${describeCheck(check)}: reads ${check.probe.topic}` })))(
    '$name',
    ({ check }) => {
      expect(mayRead(roleOfUsername(check.user)!, check.probe.topic)).toBe(check.allowed);
      expect(mayPublish(roleOfUsername(check.probe.user)!, check.probe.topic)).toBe(true);
      expect(mayRead(roleOfUsername(check.user)!, check.marker.topic)).toBe(true);
    },
  );
});

describe('topic filters (MQTT 3.1.1 §4.7)', () => {
  it.each([
    ['sport/tennis/player1/#', 'sport/tennis/player1', true],
    ['sport/tennis/player1/#', 'sport/tennis/player1/score/wimbledon', true],
    ['sport/#', 'sport', true],
    ['sport/+', 'sport/', true],
    ['sport/+', 'sport', false],
    ['+/+', '/finance', true],
    ['+', '/finance', false],
    ['#', '$SYS/broker', false],
    ['+/monitor/Clients', '$SYS/monitor/Clients', false],
    ['$SYS/#', '$SYS/broker', true],
    ['wasmote/+/+/data', 'wasmote/lab/$edge/data', true],
  ])('%s matches %s: %s', (filter, topic, matches) => {
    expect(filterMatchesTopic(filter, topic)).toBe(matches);
  });

  it('reads a shared subscription (MQTT 5 §4.8.2)', () => {
    expect(sharedSubscription('$share/inference/wasmote/+/+/data')).toEqual({ group: 'inference', filter: 'wasmote/+/+/data' });
    expect(sharedSubscription('wasmote/#')).toBeNull();
    expect(sharedSubscription('$share//wasmote/#')).toBeNull();
  });
});
