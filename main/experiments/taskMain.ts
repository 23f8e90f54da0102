// A sweep pool's worker process: `taskMain <sweep folder> <index> <threads>` runs one
// configuration into its run folder. SIGTERM (the pool's stop) marks the run stopped.
import { runSweepTask } from './sweep';

const [sweepDir, index, threads] = process.argv.slice(2);
const controller = new AbortController();
process.on('SIGTERM', () => controller.abort());
process.on('SIGINT', () => controller.abort());
// The pool's watchdog (services/watchdog.ts) hears this between training steps; a task silent
// too long is taken for hung and ended.
// A Node child process has process.send; Electron's utilityProcess has process.parentPort.
const parentPort = (process as { parentPort?: { postMessage(m: unknown): void } }).parentPort;
const post = (message: unknown) => (process.send ? process.send(message) : parentPort?.postMessage(message));
setInterval(() => post({ type: 'heartbeat' }), 1000).unref();

runSweepTask(sweepDir as string, Number(index), {
  threads: Math.max(1, Number(threads) || 1),
  source: 'sweep',
  signal: controller.signal,
})
  .then((status) => {
    post({ status });
    process.exit(status === 'failed' ? 1 : 0);
  })
  .catch((e) => {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exit(2);
  });
