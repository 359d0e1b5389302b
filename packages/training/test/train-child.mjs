// A training process for the fault-injection and signal tests (run against the built
// package, like the README example): a small two-layer regression net trained by
// `trainModel` with Adam on a seeded batch stream, so a run is bit-for-bit repeatable on the
// cpu backend. Settings come from the environment:
//   RUN_ROOT, RUN_NAME         where the run lives (resumed when it exists)
//   STEPS, CHECKPOINT_EVERY, LOG_EVERY
//   KILL_BEFORE_LATEST=<step>  SIGKILL itself after that step's checkpoint directory is
//                              committed, before latest.json points at it
//   SIGNAL_EXIT=1              exit 130 / 143 after a SIGINT / SIGTERM stop, as the CLI does
//   REPORT_BATCHES=1           print `batch` as each step takes its batch (the fault-injection
//                              test kills a few steps in, whatever the machine's speed)
// It prints `ready` once training is under way and `done <step> <stoppedBy>` at the end.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { SeededRandom } from '@disentangle/kernels';
import * as training from '@disentangle/training';

const { RunDirectory, trainModel } = training;

const env = process.env;
await tf.setBackend('cpu');
const init = new SeededRandom(1).fork('init');
const variables = {
  w1: tf.variable(tf.mul(init.normal([8, 32]), 0.3), true, 'w1'),
  b1: tf.variable(tf.zeros([32]), true, 'b1'),
  w2: tf.variable(tf.mul(init.normal([32, 1]), 0.3), true, 'w2'),
};
const trueW = new SeededRandom(2).normal([8, 1]);
const net = (x) => tf.matMul(tf.tanh(tf.add(tf.matMul(x, variables.w1), variables.b1)), variables.w2);
const model = {
  name: 'fault-child', variables, update: 'single', getConfig: () => ({}), dispose: () => tf.dispose(Object.values(variables)),
  phases: () => [{ name: 'main', variables: Object.values(variables), losses: ({ x, y }) => ({ total: tf.mean(tf.square(tf.sub(net(x), y))) }) }],
};
const data = new SeededRandom(3);
let ready = false;
const batches = {
  next: () => {
    if (!ready) { ready = true; process.stdout.write('ready\n'); }
    if (env.REPORT_BATCHES) process.stdout.write('batch\n');
    const x = data.normal([128, 8]);
    return { x, y: tf.sin(tf.matMul(x, trueW)) };
  },
  getState: () => data.getState(),
  setState: (s) => data.setState(s),
};
const killAt = env.KILL_BEFORE_LATEST === undefined ? undefined : Number(env.KILL_BEFORE_LATEST);
const run = await RunDirectory.create(env.RUN_ROOT, env.RUN_NAME ?? 'child', { model: 'fault-child' });
const result = await trainModel({
  model, run, batches, steps: Number(env.STEPS ?? 60), learningRate: 0.01, seed: 4,
  checkpointEvery: Number(env.CHECKPOINT_EVERY ?? 5), logEvery: Number(env.LOG_EVERY ?? 1),
  progressStream: { isTTY: false, write: () => true },
  onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
  beforeLatest: ({ step }) => { if (step === killAt) process.kill(process.pid, 'SIGKILL'); },
});
process.stdout.write(`done ${result.step} ${result.stoppedBy}\n`);
if (env.SIGNAL_EXIT && result.signal) process.exitCode = training.SIGNAL_EXIT_CODES[result.signal];
