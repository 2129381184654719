import { isIP } from 'node:net';
import type { AedesOptions, AuthenticateError, Client } from 'aedes';
import type { PasswordTable } from './password-file.ts';
import { mayPublish, mayRead, type Role, roleOfUsername } from './roles.ts';
import { sharedSubscription } from './topic-filter.ts';

/**
 * The embedded broker's authenticate and authorize handlers (docs/mqtt.md §6). Open: anyone on loopback, every
 * topic. Secured: a username and password from the password file, and the role's topics only.
 */

export type BrokerSecurity = { mode: 'open' } | { mode: 'secured'; passwords: PasswordTable };

/** MQTT 3.1.1 §3.2.2.3, Table 3.1: CONNACK return codes. */
const CONNACK_BAD_USERNAME_OR_PASSWORD = 4;
const CONNACK_NOT_AUTHORIZED = 5;

/** aedes answers SUBACK 0x80 (MQTT 3.1.1 §3.9.3) when authorizeSubscribe yields no subscription. */
const REFUSED_SUBSCRIPTION = null;

/** aedes reserves `$SYS/` for itself (its default authorizePublish, aedes issue 597). */
const SYSTEM_TOPIC_PREFIX = '$SYS/';

type SecurityHandlers = Required<
  Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward'>
>;

export function securityHandlers(security: BrokerSecurity): SecurityHandlers {
  const roles = new WeakMap<Client, Role>();
  return {
    authenticate(client, username, password, done) {
      if (security.mode === 'open') {
        if (isLoopback(remoteAddress(client))) done(null, true);
        else done(refusal(CONNACK_NOT_AUTHORIZED, 'the open broker takes loopback clients only'), false);
        return;
      }
      const role = username === undefined ? null : roleOfUsername(username);
      if (username === undefined || password === undefined || role === null) {
        done(refusal(CONNACK_NOT_AUTHORIZED, 'a username naming a role and a password are required'), false);
        return;
      }
      security.passwords.verify(username, password).then(
        (valid) => {
          if (!valid) return done(refusal(CONNACK_BAD_USERNAME_OR_PASSWORD, 'bad username or password'), false);
          roles.set(client, role);
          done(null, true);
        },
        (error: Error) => done(refusal(CONNACK_NOT_AUTHORIZED, error.message), false),
      );
    },

    // aedes closes the connection of a client whose publish is refused (MQTT 3.1.1 has no way to say why);
    // Mosquitto drops the message instead. Either way no subscriber receives it.
    authorizePublish(client, packet, done) {
      if (packet.topic.startsWith(SYSTEM_TOPIC_PREFIX)) {
        return done(new Error(`${SYSTEM_TOPIC_PREFIX} is the broker's`));
      }
      if (security.mode === 'open') return done(null);
      const role = client === null ? undefined : roles.get(client);
      if (role === undefined || !mayPublish(role, packet.topic)) {
        return done(new Error(`not authorized to publish to ${packet.topic}`));
      }
      done(null);
    },

    // aedes implements no shared subscriptions: it would take `$share/...` as a literal filter that no topic
    // matches, and the client would wait for nothing. Refused instead (docs/mqtt.md §6).
    authorizeSubscribe(_client, subscription, done) {
      if (sharedSubscription(subscription.topic) !== null) return done(null, REFUSED_SUBSCRIPTION);
      done(null, subscription);
    },

    // As Mosquitto 2.0 does with its acl_file: every SUBSCRIBE is granted and each message, retained ones
    // included, goes only to clients that may read its topic.
    authorizeForward(client, packet) {
      if (security.mode === 'open') return packet;
      const role = roles.get(client);
      return role !== undefined && mayRead(role, packet.topic) ? packet : null;
    },
  };
}

function refusal(returnCode: number, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

function remoteAddress(client: Client): string | undefined {
  return (client.conn as { remoteAddress?: string }).remoteAddress;
}

/** 127.0.0.0/8, ::1, and 127.x written as an IPv4-mapped IPv6 address. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const ipv4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (isIP(ipv4) === 4) return ipv4.startsWith('127.');
  return address === '::1';
}
