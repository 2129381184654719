import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import type { Registry } from 'prom-client';
import type { InferenceSetup } from '../../edge-inference/loop/index.ts';
import { parseHttpAddress } from '../edge/http/edge-http.ts';
import type { LinkSource } from '../edge/links/link.ts';
import { OptionError } from '../edge/option-error.ts';
import { choice, duration, flag, integer, parseCommandLine, SEED_RANGE, text, value, type IntegerRange } from './arguments.ts';
import { UsageError, UserError } from './errors.ts';
import { parseTcpListenAddress, serialPorts, tcpListenAddress } from './link-addresses.ts';
import { printLine } from './output.ts';
import { DEVICE_COUNT } from './sim.ts';

const DATA_WINDOW: IntegerRange = { min: 1, max: 10_000 };
const BAUD_RATE: IntegerRange = { min: 1, max: 4_000_000 };
const PORT: IntegerRange = { min: 0, max: 65_535 };
/** `--demo` without links of its own: this many simulated devices. */
const DEMO_DEVICES = 5;

const HELP = `Usage: wasmote edge [options]

The edge gateway: reads device links (simulated devices, TCP, serial ports), publishes the MQTT topic tree of
docs/mqtt.md under wasmote/<edge>/ and runs the commands published to wasmote/<edge>/<device>/cmd/<command>.
Stops cleanly on SIGINT or SIGTERM: every device and the edge are published offline first.

Options:
  --broker <URL>           the MQTT broker: mqtt://, mqtts://, ws:// or wss://HOST:PORT, credentials as
                           mqtt://user:pass@HOST:PORT; MQTT 5, or 3.1.1 when the broker has no 5. Without it, the
                           embedded broker (MQTT 3.1.1): open on loopback with --demo, else secured: the edge's own
                           clients log in with a password drawn at start, other clients need --users
  --username <NAME>        the broker username (docs/mqtt.md §6)
  --password-file <FILE>   the broker password, the file's first line
  --ca <FILE>              the CA certificate (PEM) of an mqtts:// or wss:// broker
  --cert <FILE>            a client certificate (PEM), with --key
  --key <FILE>             its private key (PEM)
  --users <FILE>           the embedded broker, secured: a Mosquitto password file (mosquitto_passwd) and the
                           roles of docs/mqtt.md §6
  --listen [HOST:]PORT     the embedded broker's address (default 127.0.0.1:1883, or a free port if taken)
  --tls-listen <PORT>      the embedded broker also on TLS, with --tls-cert and --tls-key (PEM)
  --tls-cert <FILE>        its server certificate
  --tls-key <FILE>         its private key
  --tls-client-ca <FILE>   require client certificates signed by this CA
  --http [HOST:]PORT       serve /healthz, /metrics and /devices (loopback unless a HOST is given; 0: a free port)
  --dashboard [HOST:]PORT  serve the live dashboard (docs/dashboard.md; loopback unless a HOST is given; 0: a free
                           port) and print its URL with the access token
  --dashboard-token <T>    the dashboard's access token, 16 or more of A-Z a-z 0-9 - _ (default: the environment's
                           WASMOTE_DASHBOARD_TOKEN, else one drawn at start)
  --sparkplug <GROUP>      also a Sparkplug B Edge Node in this group (docs/mqtt.md §7)
  --sparkplug-primary-host <ID>  birth only while this Sparkplug host is online
  --model <config.json>,...  the anomaly models (default: the shipped detector; docs/mqtt.md §9)
  --rules <file.json>      the closed loop's rules (edge-inference/README.md, "The loop")
  --no-inference           no scores, alarms or rule commands
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
  --data-dir <DIR>         where the outbox and the alarms live (needed by --cloud; without it the alarms are
                           kept in a temporary folder for this run only)
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
  username: text(),
  'password-file': text(),
  ca: text(),
  cert: text(),
  key: text(),
  users: text(),
  listen: value((given, option) => parseTcpListenAddress(given, option)),
  'tls-listen': integer(PORT),
  'tls-cert': text(),
  'tls-key': text(),
  'tls-client-ca': text(),
  http: value((given) => {
    try {
      return parseHttpAddress(given);
    } catch (error) {
      throw error instanceof OptionError ? new UsageError(error.message) : error;
    }
  }),
  dashboard: value((given) => {
    try {
      return parseHttpAddress(given, '--dashboard');
    } catch (error) {
      throw error instanceof OptionError ? new UsageError(error.message) : error;
    }
  }),
  'dashboard-token': text(),
  sparkplug: text(),
  'sparkplug-primary-host': text(),
  model: value((given) => given.split(',').map((file) => file.trim())),
  rules: text(),
  'no-inference': flag(),
};

/** Options that only the embedded broker takes, and those only a --broker takes. */
const EMBEDDED_ONLY = ['users', 'listen', 'tls-listen', 'tls-cert', 'tls-key', 'tls-client-ca'] as const;
const REMOTE_ONLY = ['username', 'password-file', 'ca', 'cert', 'key'] as const;

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
  checkBrokerOptions(values);
  const dashboardToken = values.dashboard === undefined ? undefined : await chooseDashboardToken(values['dashboard-token']);
  const log = (text: string): void => {
    process.stderr.write(`edge: ${text}\n`);
  };
  const userErrors = async <T>(run: () => Promise<T> | T): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof OptionError || (error as NodeJS.ErrnoException).code !== undefined) throw new UserError((error as Error).message);
      throw error;
    }
  };
  // A broken model or rules file stops the edge before anything starts (edge-inference/README.md, "The loop").
  const inferenceSetup = values['no-inference'] ? undefined : await loadInference(values.model, values.rules);

  const { Registry } = await import('prom-client');
  const metrics = new Registry();
  const broker = await userErrors(() => brokerFor(values, edgeId));
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
  const dataDir = values['data-dir'] ?? (inferenceSetup === undefined ? undefined : mkdtempSync(path.join(tmpdir(), 'wasmote-edge-')));
  const removeDataDir = (): void => {
    if (values['data-dir'] === undefined && dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  };
  const cloud = values['data-dir'] === undefined ? undefined : await startCloud(values['data-dir'], values.cloud ?? [], edgeId, metrics, log);

  const [{ startGateway }, { BrokerConnectionError }, { TcpListenError }, { closeOnSignals }, { readPackageVersion }] = await Promise.all([
    import('../edge/gateway/gateway.ts'),
    import('../edge/gateway/broker-connection.ts'),
    import('../edge/links/tcp-source.ts'),
    import('../edge/shutdown.ts'),
    import('./package-version.ts'),
  ]);
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    gateway = await startGateway({
      broker: broker.connection,
      edgeId,
      sources,
      version: readPackageVersion(),
      dataQos: values['data-qos'] === '1' ? 1 : 0,
      ...(values['data-window'] === undefined ? {} : { dataWindow: values['data-window'] }),
      forgetAfterMs: values['forget-after'],
      ...(cloud === undefined ? {} : { cloud }),
      metrics,
      log,
    });
  } catch (error) {
    await cloud?.close();
    await broker.embedded?.close();
    await closeModels(inferenceSetup);
    removeDataDir();
    if (error instanceof BrokerConnectionError || error instanceof TcpListenError) throw new UserError(error.message);
    throw error;
  }
  if (verbose) {
    gateway.onMessage((message) => {
      if (message.kind === 'state' && message.payload !== null) log(`${message.device} ${message.payload.state} (${message.payload.reason})`);
      if (message.kind === 'birth' && message.payload !== null) log(`${message.device} birth: ${message.payload.app.version}, session ${message.payload.session}`);
    });
  }
  const started = gateway;
  const [{ startClosedLoop }, { ALARM_STORE_FILE_NAME }] = await Promise.all([
    import('../edge/closed-loop.ts'),
    import('../../edge-inference/loop/index.ts'),
  ]);
  const dashboardTap = values.dashboard === undefined ? undefined : new (await import('../dashboard/edge-message-tap.ts')).EdgeMessageTap();
  const inference =
    inferenceSetup === undefined
      ? undefined
      : await startClosedLoop(started, inferenceSetup, {
          alarmStorePath: path.join(dataDir!, ALARM_STORE_FILE_NAME),
          log,
          ...(dashboardTap === undefined ? {} : { onPublish: dashboardTap.publish }),
        });
  const sparkplug =
    values.sparkplug === undefined
      ? undefined
      : await userErrors(async () => {
          const { startSparkplugNode } = await import('../edge/sparkplug/node.ts');
          return startSparkplugNode(started, {
            group: values.sparkplug!,
            ...(values['sparkplug-primary-host'] === undefined ? {} : { primaryHostId: values['sparkplug-primary-host'] }),
            ...broker.sparkplug,
            // The version the gateway's connection found the broker speaks (an embedded aedes broker: 3.1.1).
            protocolVersion: started.protocolVersion,
            registry: metrics,
            ...(inference === undefined ? {} : { anomaly: inference }),
          });
        });
  const http =
    values.http === undefined
      ? undefined
      : await userErrors(async () => {
          const { startEdgeHttp } = await import('../edge/http/edge-http.ts');
          return startEdgeHttp({
            ...values.http!,
            registry: metrics,
            view: started,
            health: () => ({ brokerConnected: started.brokerConnected, backlogRecords: cloud?.outbox.stats().records ?? 0 }),
          });
        });

  const dashboard =
    values.dashboard === undefined
      ? undefined
      : await userErrors(async () => {
          const [{ startDashboard }, { dashboardAlarms, dashboardAnomalyStates }] = await Promise.all([
            import('../dashboard/dashboard-server.ts'),
            import('../dashboard/edge-message-tap.ts'),
          ]);
          return startDashboard({
            ...values.dashboard!,
            token: dashboardToken!,
            view: started,
            edgeMessages: dashboardTap!,
            ...(inference === undefined ? {} : { alarms: dashboardAlarms(inference), anomalyStates: dashboardAnomalyStates(inference) }),
            log,
          });
        });

  const mqttVersion = gateway.protocolVersion === 5 ? 'MQTT 5' : 'MQTT 3.1.1';
  const brokerUrl = broker.connection.url;
  printLine(`wasmote edge '${edgeId}' (${mqttVersion}); links: ${sources.map((source) => source.name).join(', ')}`);
  printLine(`broker:   ${brokerUrl}${broker.embedded === undefined ? '' : ` (embedded, ${embeddedSecurity(values)})`}`);
  if (broker.embedded?.tlsUrl !== undefined) printLine(`          ${broker.embedded.tlsUrl}`);
  const loginNeeded = values.broker === undefined ? values.users !== undefined || !values.demo : values.username !== undefined;
  const login = loginNeeded ? ' -u <user> -P <password>' : '';
  const address = new URL(brokerUrl);
  const mosquitto = `-h ${address.hostname.replace(/^\[|\]$/g, '')} -p ${address.port || '1883'}${login}`;
  printLine(`watch:    mosquitto_sub ${mosquitto} -v -t 'wasmote/${edgeId}/#'`);
  if (inference !== undefined) printLine(`alarms:   mosquitto_sub ${mosquitto} -v -t 'wasmote/${edgeId}/$edge/alarms/+'`);
  if (inference !== undefined) printLine(`anomaly:  mosquitto_sub ${mosquitto} -v -t 'wasmote/${edgeId}/+/anomaly/+'`);
  if (values.sparkplug !== undefined) printLine(`sparkplug: mosquitto_sub ${mosquitto} -v -t 'spBv1.0/${values.sparkplug}/#'`);
  const example = simulated?.deviceIds[0] ?? '<device>';
  printLine(`command:  mosquitto_pub ${mosquitto} -t 'wasmote/${edgeId}/${example}/cmd/ping' -m '{"id":"p1"}'`);
  if (http !== undefined) printLine(`http:     ${http.url}/healthz ${http.url}/metrics ${http.url}/devices`);
  if (dashboard !== undefined) printLine(`dashboard: ${dashboard.url}`);
  closeOnSignals(async () => {
    // Intake stops first; the loop and the Sparkplug node finish while the edge is still online (docs/edge.md).
    await started.stop({
      beforeOffline: async () => {
        await inference?.stop();
        await closeModels(inferenceSetup);
        await sparkplug?.stop();
      },
    });
    await http?.close();
    await dashboard?.close();
    await cloud?.close();
    await broker.embedded?.close();
    removeDataDir();
  });
  return new Promise<number>(() => {});
}

type EdgeValues = Extract<ReturnType<typeof parseCommandLine<typeof OPTIONS>>, { help: false }>['values'];

/** docs/mqtt.md §6: the embedded broker's options need no --broker, and a --broker's credentials need one. */
function checkBrokerOptions(values: EdgeValues): void {
  const given = (names: readonly (keyof EdgeValues)[]) => names.filter((name) => values[name] !== undefined);
  if (values.broker !== undefined) {
    const embedded = given(EMBEDDED_ONLY);
    if (embedded.length > 0) throw new UsageError(`--${embedded[0]} is for the embedded broker; it cannot go with --broker`, 'edge');
    return;
  }
  const remote = given(REMOTE_ONLY);
  if (remote.length > 0) throw new UsageError(`--${remote[0]} needs --broker; the embedded broker takes --users`, 'edge');
  const tls = given(['tls-cert', 'tls-key', 'tls-client-ca']);
  if (values['tls-listen'] === undefined && tls.length > 0) throw new UsageError(`--${tls[0]} needs --tls-listen PORT`, 'edge');
  if (values['tls-listen'] !== undefined && (values['tls-cert'] === undefined || values['tls-key'] === undefined)) {
    throw new UsageError('--tls-listen needs --tls-cert FILE and --tls-key FILE', 'edge');
  }
}

/** How the embedded broker lets clients in, as the start-up lines say it. */
function embeddedSecurity(values: EdgeValues): string {
  if (values.users !== undefined) return `users of ${values.users}`;
  if (values.demo) return 'open, no credentials';
  return 'secured: only the edge itself logs in; other MQTT clients need --users FILE';
}

/** --dashboard-token, else WASMOTE_DASHBOARD_TOKEN, else a token drawn now (docs/dashboard.md, "Access"). */
async function chooseDashboardToken(given: string | undefined): Promise<string> {
  const { accessTokenProblem, generateAccessToken } = await import('../dashboard/access-token.ts');
  const fromEnvironment = process.env.WASMOTE_DASHBOARD_TOKEN;
  const [token, source] = given !== undefined ? [given, '--dashboard-token'] : fromEnvironment ? [fromEnvironment, 'WASMOTE_DASHBOARD_TOKEN'] : [generateAccessToken(), ''];
  const problem = source === '' ? null : accessTokenProblem(token);
  if (problem !== null) throw new UsageError(`${source} ${problem}`, 'edge');
  return token;
}

/** The broker the edge uses: --broker with its credentials and TLS files, or the embedded one (docs/edge.md, "Security"). */
async function brokerFor(values: EdgeValues, edgeId: string) {
  const { brokerConnection } = await import('../edge/broker/connection-options.ts');
  if (values.broker !== undefined) {
    const connection = brokerConnection({
      broker: values.broker,
      ...(values.username === undefined ? {} : { username: values.username }),
      ...(values['password-file'] === undefined ? {} : { passwordFile: values['password-file'] }),
      ...(values.ca === undefined ? {} : { ca: values.ca }),
      ...(values.cert === undefined ? {} : { cert: values.cert }),
      ...(values.key === undefined ? {} : { key: values.key }),
    });
    const tlsFiles = {
      ...(values.ca === undefined ? {} : { caFile: values.ca }),
      ...(values.cert === undefined ? {} : { certFile: values.cert }),
      ...(values.key === undefined ? {} : { keyFile: values.key }),
    };
    const sparkplug = {
      url: connection.url,
      ...(connection.options.username === undefined ? {} : { username: connection.options.username }),
      ...(connection.options.password === undefined ? {} : { password: String(connection.options.password) }),
      ...(Object.keys(tlsFiles).length === 0 ? {} : { tls: tlsFiles }),
    };
    return { connection, sparkplug, embedded: undefined };
  }
  const [{ startEmbeddedBroker }, { loadPasswordFile, parsePasswordFile }] = await Promise.all([
    import('../edge/broker/embedded-broker.ts'),
    import('../edge/broker/password-file.ts'),
  ]);
  // docs/edge.md, "Security": open only in the demo; else secured, by --users or by the edge's own login alone.
  const security =
    values.users !== undefined
      ? ({ mode: 'secured', passwords: await loadPasswordFile(values.users) } as const)
      : values.demo
        ? ({ mode: 'open' } as const)
        : ({ mode: 'secured', passwords: parsePasswordFile('', 'no --users') } as const);
  let embedded: Awaited<ReturnType<typeof startEmbeddedBroker>>;
  try {
    embedded = await startEmbeddedBroker({
      ...(values.listen === undefined ? {} : { host: values.listen.host, port: values.listen.port }),
      security,
      edgeId,
      ...(values['tls-listen'] === undefined
        ? {}
        : {
            tls: {
              port: values['tls-listen'],
              certFile: values['tls-cert']!,
              keyFile: values['tls-key']!,
              ...(values['tls-client-ca'] === undefined ? {} : { caFile: values['tls-client-ca'] }),
            },
          }),
    });
  } catch (error) {
    throw new UserError(`the embedded broker: ${(error as Error).message}`);
  }
  const connection = brokerConnection({
    broker: embedded.url,
    ...(embedded.edgeCredentials === undefined ? {} : { username: embedded.edgeCredentials.username }),
  });
  if (embedded.edgeCredentials !== undefined) connection.options.password = embedded.edgeCredentials.password;
  const sparkplug = { url: connection.url, ...(embedded.edgeCredentials ?? {}) };
  return { connection, sparkplug, embedded };
}


async function loadInference(modelConfigPaths: string[] | undefined, rulesPath: string | undefined): Promise<InferenceSetup> {
  const { loadInferenceSetup } = await import('../../edge-inference/loop/index.ts');
  try {
    return await loadInferenceSetup({ ...(modelConfigPaths === undefined ? {} : { modelConfigPaths }), ...(rulesPath === undefined ? {} : { rulesPath }) });
  } catch (error) {
    throw new UserError(`${rulesPath === undefined ? '--model' : '--model or --rules'}: ${(error as Error).message}`);
  }
}

async function closeModels(setup: InferenceSetup | undefined): Promise<void> {
  await Promise.all(setup?.models.map((model) => model.close()) ?? []);
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
async function startCloud(dataDir: string, urls: readonly string[], edgeId: string, registry: Registry, log: (line: string) => void) {
  const [{ startCloudTier }, { parseCloudTierConfig, ConfigError }] = await Promise.all([import('../edge/cloud-tier.ts'), import('../edge/config.ts')]);
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
    return startCloudTier(config, { registry, log });
  } catch (error) {
    if (error instanceof ConfigError || (error as NodeJS.ErrnoException).code !== undefined) throw new UserError((error as Error).message);
    throw error;
  }
}
