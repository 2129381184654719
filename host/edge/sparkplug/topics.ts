/** Sparkplug 3.0 topic namespace: `spBv1.0/<group>/<message type>/<edge node>[/<device>]`. */
export const NAMESPACE = 'spBv1.0';

export type NodeMessageType = 'NBIRTH' | 'NDEATH' | 'NDATA' | 'NCMD';
export type DeviceMessageType = 'DBIRTH' | 'DDEATH' | 'DDATA' | 'DCMD';

/** A Sparkplug id (group, edge node, host) is one topic level and holds no wildcard. */
const ID_FORBIDDEN = /[/+#]/;

export function checkSparkplugId(what: string, id: string): void {
  if (id.length === 0 || ID_FORBIDDEN.test(id)) {
    throw new Error(`${what} ${JSON.stringify(id)} must be a non-empty MQTT topic level without '/', '+' or '#'`);
  }
}

export function nodeTopic(group: string, type: NodeMessageType, edge: string): string {
  return `${NAMESPACE}/${group}/${type}/${edge}`;
}

export function deviceTopic(group: string, type: DeviceMessageType, edge: string, device: string): string {
  return `${NAMESPACE}/${group}/${type}/${edge}/${device}`;
}

/** Sparkplug 3.0: the Primary Host Application's STATE topic. */
export function stateTopic(hostId: string): string {
  return `${NAMESPACE}/STATE/${hostId}`;
}

/** The device a DCMD topic of this edge names, or undefined when it is no such topic. */
export function deviceOfCommandTopic(topic: string, group: string, edge: string): string | undefined {
  const prefix = `${deviceTopic(group, 'DCMD', edge, '')}`;
  if (!topic.startsWith(prefix)) return undefined;
  const device = topic.slice(prefix.length);
  return device.length > 0 && !device.includes('/') ? device : undefined;
}
