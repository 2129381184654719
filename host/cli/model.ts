import { existsSync } from 'node:fs';
import path from 'node:path';
import { BUILT_APPS_DIR, PROJECT_ROOT } from '../build/paths.ts';
import { flag, integer, parseCommandLine, SEED_RANGE, text, type IntegerRange } from './arguments.ts';
import { UsageError, UserError } from './errors.ts';
import { printLine } from './output.ts';

const DEFAULT_APP = path.join(BUILT_APPS_DIR, 'sensor-node.release.wasm');
const MODELS_DIR = path.join(PROJECT_ROOT, 'edge-inference', 'models');
const EVAL_DIR = path.join(PROJECT_ROOT, 'edge-inference', 'eval');
const SHIPPED_CONFIG = path.join(MODELS_DIR, 'sensor-node-anomaly.json');
const SHIPPED_BASELINE = path.join(MODELS_DIR, 'sensor-node-anomaly.baseline.json');
const TRAINING_DEVICES: IntegerRange = { min: 1, max: 256 };
const WINDOW_LENGTH: IntegerRange = { min: 2, max: 256 };
const TRAINING_SECONDS: IntegerRange = { min: 60, max: 86_400 };

const HELP = `Usage: wasmote model <train|eval> [options]

The edge's built-in anomaly detector for sensor-node's metrics (edge-inference/README.md).

  train   simulates normal telemetry, fits the detector, exports it to ONNX and writes it with its config
  eval    runs the labelled scenarios of edge-inference/eval/ and scores a model and the rolling z-score
          baseline on them: precision, recall, F1, detection delay, false alarms

Run \`wasmote model train --help\` or \`wasmote model eval --help\` for their options.`;

const TRAIN_HELP = `Usage: wasmote model train [options]

Trains the anomaly detector on the simulator's default office (seeded, so the same app and options give the
same files) and writes <name>.onnx, <name>.json (its config) and <name>.baseline.json. Progress goes to stderr.

Options:
  --app <file.wasm>      the app whose telemetry to learn (default build/apps/sensor-node.release.wasm, made by
                         \`wasmote build\`)
  --out <dir>            where to write (default: the shipped model's folder, edge-inference/models/)
  --seed <S>             seed of the fitting data, 0 to ${SEED_RANGE.max! - 1}; calibration uses S + 1 (default 1)
  --devices <N>          simulated devices for fitting, ${TRAINING_DEVICES.min} to ${TRAINING_DEVICES.max} (default 12); calibration uses a third
  --duration <seconds>   simulated seconds per device, ${TRAINING_SECONDS.min} to ${TRAINING_SECONDS.max} (default 3600)
  --window <N>           samples per window, ${WINDOW_LENGTH.min} to ${WINDOW_LENGTH.max} (default 8)
  --help                 this text`;

const EVAL_HELP = `Usage: wasmote model eval [options]

Simulates every labelled run in the runs folder, scores its telemetry with the model (through the inference
runtime, batched) and with the rolling z-score baseline, and prints both against the labels, with the
issue's goals. Progress goes to stderr.

Options:
  --model <config.json>  the model's config (default: the shipped edge-inference/models/sensor-node-anomaly.json)
  --baseline <file>      the baseline's calibration (default: the shipped sensor-node-anomaly.baseline.json)
  --runs <dir>           labelled runs, *.json (default: edge-inference/eval/)
  --app <file.wasm>      the app to simulate (default build/apps/sensor-node.release.wasm)
  --json                 the figures as one JSON object instead of a table
  --help                 this text`;

export async function runModel(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  switch (action) {
    case 'train':
      return runTrain(rest);
    case 'eval':
      return runEval(rest);
    case '--help':
    case '-h':
      console.log(HELP);
      return 0;
    case undefined:
      throw new UsageError('model needs a command: train or eval');
    default:
      throw new UsageError(`unknown model command '${action}' (train or eval)`);
  }
}

async function runTrain(args: string[]): Promise<number> {
  const line = parseCommandLine(
    args,
    {
      app: text(),
      out: text(),
      seed: integer({ min: 0, max: SEED_RANGE.max! - 1 }),
      devices: integer(TRAINING_DEVICES),
      duration: integer(TRAINING_SECONDS),
      window: integer(WINDOW_LENGTH),
    },
    { command: 'model train' },
  );
  if (line.help) {
    console.log(TRAIN_HELP);
    return 0;
  }
  const { values } = line;
  const app = await loadApp(values.app);
  const { SHIPPED_PLAN, trainDetector } = await import('../../edge-inference/training/train-detector.ts');
  const seed = values.seed ?? SHIPPED_PLAN.fit.seed;
  const devices = values.devices ?? SHIPPED_PLAN.fit.devices;
  const durationS = values.duration ?? SHIPPED_PLAN.fit.durationS;
  const plan = {
    windowLength: values.window ?? SHIPPED_PLAN.windowLength,
    fit: { seed, devices, durationS },
    calibration: { seed: seed + 1, devices: Math.max(1, Math.round(devices / 3)), durationS },
  };
  const startedMs = performance.now();
  await trainDetector({ app, plan, outDir: values.out ?? MODELS_DIR, onProgress: progress });
  progress(`trained in ${((performance.now() - startedMs) / 1000).toFixed(1)} s`);
  return 0;
}

async function runEval(args: string[]): Promise<number> {
  const line = parseCommandLine(
    args,
    { model: text(SHIPPED_CONFIG), baseline: text(SHIPPED_BASELINE), runs: text(EVAL_DIR), app: text(), json: flag() },
    { command: 'model eval' },
  );
  if (line.help) {
    console.log(EVAL_HELP);
    return 0;
  }
  const { values } = line;
  const app = await loadApp(values.app);
  const [{ readdir }, { LoadedModel }, { ModelLoadError }, { readBaselineParameters }, { readLabelledRun }, { evaluate }, { checkGoals }, { formatReport }] =
    await Promise.all([
      import('node:fs/promises'),
      import('../../edge-inference/runtime/loaded-model.ts'),
      import('../../edge-inference/runtime/model-errors.ts'),
      import('../../edge-inference/evaluation/baseline-parameters.ts'),
      import('../../edge-inference/evaluation/labelled-run.ts'),
      import('../../edge-inference/evaluation/evaluate.ts'),
      import('../../edge-inference/evaluation/goals.ts'),
      import('../../edge-inference/evaluation/report-table.ts'),
    ]);
  const files = await readdir(values.runs).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`cannot read the runs folder ${values.runs}: ${error.code ?? error.message}`);
  });
  const runFiles = files.filter((file) => file.endsWith('.json')).sort();
  if (runFiles.length === 0) throw new UserError(`${values.runs} has no labelled runs (*.json)`);
  const asUserError = (error: unknown): never => {
    throw error instanceof Error ? new UserError(error.message) : error;
  };
  const runs = await Promise.all(
    runFiles.map((file) => readLabelledRun(path.join(values.runs, file), path.basename(file, '.json')).catch(asUserError)),
  );
  const baseline = await readBaselineParameters(values.baseline).catch(asUserError);
  const model = await LoadedModel.fromConfigFile(values.model).catch((error: unknown) => {
    throw error instanceof ModelLoadError ? new UserError(error.message) : error;
  });
  try {
    const report = await evaluate({ app, runs, model, baseline, onProgress: progress }).catch((error: unknown) => {
      throw error instanceof ModelLoadError ? new UserError(error.message) : error;
    });
    const goals = checkGoals(report);
    printLine(values.json ? JSON.stringify({ ...report, goals }) : formatReport(report, goals));
    return 0;
  } finally {
    await model.close();
  }
}

async function loadApp(appPath: string | undefined) {
  if (appPath === undefined && !existsSync(DEFAULT_APP)) {
    throw new UserError(`no --app given and ${path.relative(process.cwd(), DEFAULT_APP)} is missing: run \`wasmote build\` first`);
  }
  const [{ loadAppImage }, { AppLoadError }] = await Promise.all([import('../sim/app-image.ts'), import('../abi/app-instance.ts')]);
  return loadAppImage(appPath ?? DEFAULT_APP).catch((error: unknown) => {
    throw error instanceof AppLoadError ? new UserError(error.message) : error;
  });
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}
