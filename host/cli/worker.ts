import { hostname } from 'node:os';
import { parseCommandLine, text, value } from './arguments.ts';
import { UsageError, UserError } from './errors.ts';
import { printLine } from './output.ts';

const HELP = `Usage: wasmote worker --broker <URL> [options]

A processing worker (docs/mqtt.md §8, docs/edge.md "Scale-out"): takes its share of the edges' window messages
(wasmote/<edge>/<device>/window, published by \`wasmote edge --data-window N\`) through an MQTT 5 shared
subscription, $share/<group>/wasmote/<edge>/+/window, scores each with the models and publishes the score on
wasmote/<edge>/<device>/score (docs/mqtt.md §9.1, plus "worker": its client id). Workers of one group split the
messages between them; start as many as the traffic needs. The alarm rules stay in the edge. The subscription is
QoS 1, so with \`wasmote edge --data-qos 1\` no window is lost between the broker and a worker.
Stops cleanly on SIGINT or SIGTERM: leaves the group, publishes the scores of what it took, disconnects.

Options:
  --broker <URL>           the MQTT 5 broker: mqtt://HOST:PORT, mqtts://HOST:PORT, ws:// or wss://; credentials
                           as mqtt://user:pass@HOST:PORT or with the two options below (required)
  --username <NAME>        the broker user (docs/mqtt.md §6: the worker role)
  --password-file <FILE>   the password, on the file's first line
  --ca <FILE>              the CA that signed the broker's certificate (PEM; mqtts:// or wss://)
  --cert <FILE>            a client certificate (PEM), with --key
  --key <FILE>             its private key (PEM)
  --group <NAME>           the shared subscription's group (default inference)
  --model <F.json,...>     the models' config files (default: the shipped detector,
                           edge-inference/models/sensor-node-anomaly.json)
  --edge <ID|+>            the edge whose devices to score, or + for every edge (default +)
  --client-id <ID>         the worker's MQTT client id and its name in scores (default wasmote-worker-<host>-<pid>)
  --verbose                stack traces
  --help                   this text`;

const OPTIONS = {
  broker: text(),
  username: text(),
  'password-file': text(),
  ca: text(),
  cert: text(),
  key: text(),
  group: text('inference'),
  model: value((given) => given.split(',').map((file) => file.trim()).filter((file) => file !== '')),
  edge: text('+'),
  'client-id': text(),
};

/** MQTT 5 §4.8.2: a share name is at least one character and holds no `/`, `+` or `#`. */
function groupProblem(group: string): string | null {
  if (group === '') return 'is empty';
  const bad = [...group].find((character) => character === '/' || character === '+' || character === '#');
  return bad === undefined ? null : `contains '${bad}', which a shared subscription's group cannot hold`;
}

export async function runWorker(args: string[]): Promise<number> {
  const line = parseCommandLine(args, OPTIONS, { command: 'worker' });
  if (line.help) {
    console.log(HELP);
    return 0;
  }
  const { values } = line;
  if (values.broker === undefined) throw new UsageError('--broker is required: the MQTT 5 broker the edges publish to', 'worker');
  const problem = groupProblem(values.group);
  if (problem !== null) throw new UsageError(`--group '${values.group}' ${problem}`, 'worker');
  const { linkIdFromName, linkIdProblem } = await import('../link/link-id.ts');
  if (values.edge !== '+') {
    const edgeProblem = linkIdProblem(values.edge);
    if (edgeProblem !== null) throw new UsageError(`--edge '${values.edge}' ${edgeProblem}, or is + for every edge`, 'worker');
  }
  const clientId = values['client-id'] ?? `wasmote-worker-${linkIdFromName(hostname())}-${process.pid}`;
  if (clientId === '') throw new UsageError('--client-id is empty', 'worker');

  const [{ brokerConnection }, { OptionError }] = await Promise.all([
    import('../edge/broker/connection-options.ts'),
    import('../edge/option-error.ts'),
  ]);
  let connection: ReturnType<typeof brokerConnection>;
  try {
    connection = brokerConnection({
      broker: values.broker,
      ...(values.username === undefined ? {} : { username: values.username }),
      ...(values['password-file'] === undefined ? {} : { passwordFile: values['password-file'] }),
      ...(values.ca === undefined ? {} : { ca: values.ca }),
      ...(values.cert === undefined ? {} : { cert: values.cert }),
      ...(values.key === undefined ? {} : { key: values.key }),
    });
  } catch (error) {
    if (error instanceof OptionError) throw new UsageError(error.message, 'worker');
    throw error;
  }

  const [{ LoadedModel }, { ModelLoadError }, { SHIPPED_MODEL_CONFIG_PATH }] = await Promise.all([
    import('../../edge-inference/runtime/loaded-model.ts'),
    import('../../edge-inference/runtime/model-errors.ts'),
    import('../../edge-inference/loop/inference-setup.ts'),
  ]);
  const models: Awaited<ReturnType<typeof LoadedModel.fromConfigFile>>[] = [];
  try {
    for (const configPath of values.model ?? [SHIPPED_MODEL_CONFIG_PATH]) models.push(await LoadedModel.fromConfigFile(configPath));
    const names = models.map((model) => model.name);
    const twice = names.find((name, index) => names.indexOf(name) !== index);
    if (twice !== undefined) throw new ModelLoadError(`two models are named '${twice}'; each needs its own name`);
  } catch (error) {
    await Promise.all(models.map((model) => model.close()));
    // One line: a config's problems, one per line in the error, joined.
    if (error instanceof ModelLoadError) throw new UserError(error.message.replace(/:?\n/g, (match) => (match === '\n' ? '; ' : ': ')));
    throw error;
  }

  const log = (text: string): void => {
    process.stderr.write(`worker: ${text}\n`);
  };
  const [{ connectWorker }, { startScoreWorker, sharedWindowFilter }, { closeOnSignals }] = await Promise.all([
    import('../../edge-inference/worker/worker-connection.ts'),
    import('../../edge-inference/worker/score-worker.ts'),
    import('../edge/shutdown.ts'),
  ]);
  let client: Awaited<ReturnType<typeof connectWorker>>;
  try {
    client = await connectWorker(connection, clientId);
  } catch (error) {
    await Promise.all(models.map((model) => model.close()));
    throw new UserError((error as Error).message);
  }
  const worker = await startScoreWorker({ client, models, group: values.group, edge: values.edge, worker: clientId, log });
  printLine(`wasmote worker '${clientId}' on ${connection.url.replace(/\/$/, '')}: ${sharedWindowFilter(values.group, values.edge)}; models: ${models.map((model) => model.name).join(', ')}`);
  closeOnSignals(async () => {
    await worker.stop();
    await Promise.all(models.map((model) => model.close()));
    const { windowsReceived, windowsScored, windowsTooShort, messagesMalformed } = worker.stats;
    log(`${windowsReceived} window messages, ${windowsScored} windows scored, ${windowsTooShort} too short, ${messagesMalformed} malformed`);
  });
  return new Promise<number>(() => {});
}
