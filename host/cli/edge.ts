import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import type { LinkSource } from '../edge/links/link.ts';
import { choice, duration, flag, integer, parseCommandLine, SEED_RANGE, text, value, type IntegerRange } from './arguments.ts';
import { UsageError, UserError } from './errors.ts';
import { serialPorts, tcpListenAddress } from './link-addresses.ts';
import { printLine } from './output.ts';
import { DEVICE_COUNT } from './sim.ts';

const DATA_WINDOW: IntegerRange = { min: 1, max: 10_000 };
const BAUD_RATE: IntegerRange = { min: 1, max: 4_000_000 };
/** `--demo` without links of its own: this many simulated devices. */
const DEMO_DEVICES = 5;

const HELP = `Usage: wasmote edge [options]

The edge gateway: reads device links (simulated devices, TCP, serial ports), publishes the MQTT topic tree of
docs/mqtt.md under wasmote/<edge>/ and runs the commands published to wasmote/<edge>/<device>/cmd/<command>.
Stops cleanly on SIGINT or SIGTERM: every device and the edge are published offline first.

Options:
  --broker <URL>           the MQTT broker: mqtt://HOST:PORT or mqtts://HOST:PORT, credentials as
                           mqtt://user:pass@HOST:PORT; MQTT 5, or 3.1.1 when the broker has no 5. Without it, the
                           embedded broker
  --edge-id <ID>           the edge's id in every topic (default: the host name made into a link id)
  --sim <N>                run N simulated devices in this process, paced in real time, ${DEVICE_COUNT.min} to ${DEVICE_COUNT.max}
  --app <file.wasm>        their app (default: build/apps/sensor-node.release.wasm, made by \`wasmote build\`)
  --scenario <file.json>   their environment and faults (docs/scenarios.md)
  --id-prefix <P>          their ids are P-0000, P-0001, ... (default: sim-<4 random hex digits>)
  --seed <S>               their seed, 0 to ${SEED_RANGE.max} (default 1)
  --tcp [HOST:]PORT        accept device links over TCP (loopback unless a HOST is given)
  --serial auto|PATH,...   read device links from serial ports, re-opened when they come back
  --baud <rate>            the serial ports' rate, 8N1 (default 115200)
  --cloud <URL,...>        forward data, logs and events to nats://HOST:PORT and/or mqtt://HOST:PORT through the
                           outbox in --data-dir (docs/edge.md)
  --data-dir <DIR>         where the outbox lives (needed by --cloud)
  --data-qos 0|1           QoS of wasmote/<edge>/<device>/data (default 0)
  --data-window <N>        also publish each device's last N values per metric on .../window (docs/mqtt.md §8)
  --forget-after <time>    forget a device not heard from for this long: 30m, 12h (default 7 days)
  --demo                   ${DEMO_DEVICES} simulated devices when no other link is given
  --verbose                print every device's births and state changes, and stack traces
  --help                   this text`;

const OPTIONS = {
  broker: text(),
  'edge-id': text(),
  sim: integer(DEVICE_COUNT),
  app: text(),
  scenario: text(),
  'id-prefix': text(),
  seed: integer(SEED_RANGE, 1),
  tcp: tcpListenAddress(),
  serial: serialPorts(),
  baud: integer(BAUD_RATE),
  cloud: value((given) => given.split(',').map((url) => url.trim())),
  'data-dir': text(),
  'data-qos': choice(['0', '1']),
  'data-window': integer(DATA_WINDOW),
  'forget-after': duration('168h'),
  demo: flag(),
};

/**
 * The broker when --broker is not given: the embedded one of host/edge/broker/ (docs/mqtt.md §6), open on
 * loopback with --demo. Not part of this build yet.
 */
async function startEmbeddedBroker(_demo: boolean): Promise<{ url: string; close(): Promise<void> }> {
  throw new UserError('the embedded broker is not available yet: pass --broker mqtt://HOST:PORT');
}

export async function runEdge(args: string[], { verbose = false }: { verbose?: boolean } = {}): Promise<number> {
  const line = parseCommandLine(args, OPTIONS, { command: 'edge' });
  if (line.help) {
    console.log(HELP);
    return 0;
  }
  const { values } = line;
  const { linkIdFromName, linkIdProblem } = await import('../link/link-id.ts');
  const edgeId = values['edge-id'] ?? linkIdFromName(hostname());
  const idProblem = linkIdProblem(edgeId);
  if (idProblem !== null) throw new UsageError(`--edge-id '${edgeId}' ${idProblem}`, 'edge');
  if (values.cloud !== undefined && values['data-dir'] === undefined) throw new UsageError('--cloud needs --data-dir for its outbox', 'edge');
  const simCount = values.sim ?? (values.demo && values.tcp === undefined && values.serial === undefined ? DEMO_DEVICES : undefined);
  if (simCount === undefined && values.tcp === undefined && values.serial === undefined) {
    throw new UsageError('give at least one source of device links: --sim N, --tcp PORT or --serial auto', 'edge');
  }
  const log = (text: string): void => {
    process.stderr.write(`edge: ${text}\n`);
  };

  const broker = values.broker === undefined ? await startEmbeddedBroker(values.demo) : undefined;
  const brokerUrl = values.broker ?? broker!.url;
  const sources: LinkSource[] = [];
  const simulated = simCount === undefined ? undefined : await simulatedSource(simCount, values);
  if (simulated !== undefined) sources.push(simulated);
  const { linkSourcesFor } = await import('../edge/links/link-sources.ts');
  sources.push(
    ...linkSourcesFor({
      ...(values.tcp === undefined ? {} : { tcp: values.tcp }),
      ...(values.serial === undefined ? {} : { serial: values.serial }),
      ...(values.baud === undefined ? {} : { baudRate: values.baud }),
      onProblem: log,
    }),
  );
  const cloud = values['data-dir'] === undefined ? undefined : await startCloud(values['data-dir'], values.cloud ?? [], edgeId, log);

  const [{ startGateway }, { BrokerConnectionError, brokerUrlForDisplay }, { TcpListenError }, { closeOnSignals }, { readPackageVersion }] =
    await Promise.all([
      import('../edge/gateway/gateway.ts'),
      import('../edge/gateway/broker-connection.ts'),
      import('../edge/links/tcp-source.ts'),
      import('../edge/shutdown.ts'),
      import('./package-version.ts'),
    ]);
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    gateway = await startGateway({
      brokerUrl,
      edgeId,
      sources,
      version: readPackageVersion(),
      dataQos: values['data-qos'] === '1' ? 1 : 0,
      ...(values['data-window'] === undefined ? {} : { dataWindow: values['data-window'] }),
      forgetAfterMs: values['forget-after'],
      ...(cloud === undefined ? {} : { cloud }),
      log,
    });
  } catch (error) {
    await cloud?.close();
    await broker?.close();
    if (error instanceof BrokerConnectionError || error instanceof TcpListenError) throw new UserError(error.message);
    throw error;
  }
  if (verbose) {
    gateway.onMessage((message) => {
      if (message.kind === 'state' && message.payload !== null) log(`${message.device} ${message.payload.state} (${message.payload.reason})`);
      if (message.kind === 'birth' && message.payload !== null) log(`${message.device} birth: ${message.payload.app.version}, session ${message.payload.session}`);
    });
  }
  const mqttVersion = gateway.protocolVersion === 5 ? 'MQTT 5' : 'MQTT 3.1.1';
  printLine(`wasmote edge '${edgeId}' on ${brokerUrlForDisplay(brokerUrl)} (${mqttVersion}); links: ${sources.map((source) => source.name).join(', ')}`);
  printLine(`watch:    mosquitto_sub -v -t 'wasmote/${edgeId}/#'`);
  const example = simulated?.deviceIds[0] ?? '<device>';
  printLine(`command:  mosquitto_pub -t 'wasmote/${edgeId}/${example}/cmd/ping' -m '{"id":"p1"}'`);
  closeOnSignals(async () => {
    await gateway.stop();
    await cloud?.close();
    await broker?.close();
  });
  return new Promise<number>(() => {});
}

async function simulatedSource(deviceCount: number, values: { app?: string; scenario?: string; 'id-prefix'?: string; seed: number }) {
  const [{ loadSimInputs }, { SimLinkSource }] = await Promise.all([import('./sim-inputs.ts'), import('../edge/links/sim-source.ts')]);
  const paths = {
    ...(values.app === undefined ? {} : { appPath: values.app }),
    ...(values.scenario === undefined ? {} : { scenarioPath: values.scenario }),
    ...(values['id-prefix'] === undefined ? {} : { idPrefix: values['id-prefix'] }),
  };
  const { app, scenario } = await loadSimInputs(paths);
  return new SimLinkSource({
    app,
    scenario,
    deviceCount,
    seed: values.seed,
    ...(paths.idPrefix === undefined ? {} : { idPrefix: paths.idPrefix }),
  });
}

/** docs/edge.md: the outbox in `dataDir` and a sink per `--cloud` URL; the outbox keeps nothing without one. */
async function startCloud(dataDir: string, urls: readonly string[], edgeId: string, log: (line: string) => void) {
  const [{ startCloudTier }, { parseCloudTierConfig, ConfigError }, { Registry }] = await Promise.all([
    import('../edge/cloud-tier.ts'),
    import('../edge/config.ts'),
    import('prom-client'),
  ]);
  const sinks: Record<string, unknown> = {};
  for (const url of urls) {
    if (url.startsWith('nats://') || url.startsWith('tls://')) {
      const servers = (sinks.nats as { servers: string[] } | undefined)?.servers ?? [];
      sinks.nats = { servers: [...servers, url] };
    } else if (url.startsWith('mqtt://') || url.startsWith('mqtts://')) {
      const parsed = new URL(url);
      sinks.mqtt = {
        url: `${parsed.protocol}//${parsed.host}`,
        clientId: `wasmote-edge-${edgeId}-cloud`,
        ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
        ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
      };
    } else {
      throw new UsageError(`--cloud '${url}' must be nats://HOST:PORT or mqtt://HOST:PORT`, 'edge');
    }
  }
  try {
    mkdirSync(dataDir, { recursive: true });
    const config = parseCloudTierConfig({ outbox: { path: path.join(dataDir, 'outbox.sqlite') }, sinks }, '--cloud');
    return startCloudTier(config, { registry: new Registry(), log });
  } catch (error) {
    if (error instanceof ConfigError || (error as NodeJS.ErrnoException).code !== undefined) throw new UserError((error as Error).message);
    throw error;
  }
}
