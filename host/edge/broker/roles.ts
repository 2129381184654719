import { isLinkId } from '../../link/link-id.ts';
import { filterMatchesTopic } from './topic-filter.ts';

/**
 * The roles of docs/mqtt.md §6 and what each may publish and read: the same rules as the shipped Mosquitto
 * ACL (docs/mosquitto/acl), so the embedded broker and Mosquitto keep every client to the same topics.
 */

/** §6: a person's username is `<role>~<name>`; `~` is in no link id, so no person can pass for an edge. */
export const ROLE_SEPARATOR = '~';

export type Role =
  | { kind: 'edge'; edgeId: string }
  | { kind: 'viewer'; name: string }
  | { kind: 'operator'; name: string }
  | { kind: 'worker'; name: string }
  | { kind: 'sparkplug-host'; hostId: string };

const ROLE_PREFIXES = {
  view: 'viewer',
  op: 'operator',
  work: 'worker',
  host: 'sparkplug-host',
} as const;

/** The role a username names, or null for a username that names none (refused at CONNECT). */
export function roleOfUsername(username: string): Role | null {
  if (isLinkId(username)) return { kind: 'edge', edgeId: username };
  const separator = username.indexOf(ROLE_SEPARATOR);
  if (separator <= 0) return null;
  const prefix = username.slice(0, separator);
  const name = username.slice(separator + 1);
  if (!Object.hasOwn(ROLE_PREFIXES, prefix) || name.length === 0) return null;
  const kind = ROLE_PREFIXES[prefix as keyof typeof ROLE_PREFIXES];
  // The host id is one topic level of Sparkplug B 3.0's `spBv1.0/STATE/<host id>`: no wildcards or separators.
  if (kind === 'sparkplug-host') return /^[^/+#]+$/.test(name) ? { kind, hostId: name } : null;
  return { kind, name };
}

interface AccessRule {
  access: 'read' | 'write' | 'readwrite';
  filter: string;
}

/** Read by every authenticated client: Mosquitto's `pattern` lines apply to all users (mosquitto.conf(5)). */
const EVERY_USER_RULES: readonly AccessRule[] = [{ access: 'read', filter: 'spBv1.0/STATE/+' }];

/** §6, the role table, row by row. */
export function rulesOfRole(role: Role): readonly AccessRule[] {
  switch (role.kind) {
    case 'edge': {
      const edge = role.edgeId;
      return [
        { access: 'readwrite', filter: `wasmote/${edge}/#` },
        { access: 'write', filter: `spBv1.0/+/+/${edge}` },
        { access: 'write', filter: `spBv1.0/+/+/${edge}/#` },
        { access: 'read', filter: `spBv1.0/+/NCMD/${edge}` },
        { access: 'read', filter: `spBv1.0/+/DCMD/${edge}/#` },
        ...EVERY_USER_RULES,
      ];
    }
    case 'viewer':
      return [{ access: 'read', filter: 'wasmote/#' }, { access: 'read', filter: 'spBv1.0/#' }, ...EVERY_USER_RULES];
    case 'operator':
      return [
        { access: 'read', filter: 'wasmote/#' },
        { access: 'write', filter: 'wasmote/+/+/cmd/#' },
        ...EVERY_USER_RULES,
      ];
    case 'worker':
      // docs/mqtt.md §8: a scoring worker publishes its scores where the edge's own go.
      return [
        { access: 'read', filter: 'wasmote/#' },
        { access: 'write', filter: 'wasmote/+/+/cmd/#' },
        { access: 'write', filter: 'wasmote/+/+/score' },
        ...EVERY_USER_RULES,
      ];
    case 'sparkplug-host':
      return [
        { access: 'read', filter: 'spBv1.0/#' },
        { access: 'write', filter: 'spBv1.0/+/NCMD/+' },
        { access: 'write', filter: 'spBv1.0/+/DCMD/+/+' },
        { access: 'write', filter: `spBv1.0/STATE/${role.hostId}` },
        ...EVERY_USER_RULES,
      ];
  }
}

/** May `role` publish to the topic name `topic`? */
export function mayPublish(role: Role, topic: string): boolean {
  return rulesOfRole(role).some((rule) => rule.access !== 'read' && filterMatchesTopic(rule.filter, topic));
}

/** May `role` receive a message published to `topic`? Checked for each message as it is delivered. */
export function mayRead(role: Role, topic: string): boolean {
  return rulesOfRole(role).some((rule) => rule.access !== 'write' && filterMatchesTopic(rule.filter, topic));
}
