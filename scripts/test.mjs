// `npm test`: lint and format check, type check, unit tests, a production build and a check
// that its training worker trains, then the end-to-end suite in Chromium. Stops at the first
// failing stage and ends with one summary line counting the tests that ran.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

mkdirSync('.cache', { recursive: true });
const vitestJson = '.cache/vitest.json';
const playwrightJson = '.cache/playwright.json';

const stages = [
  ['lint and format', 'npx', ['biome', 'ci', '.']],
  ['type check', 'npm', ['run', 'typecheck']],
  ['unit tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${vitestJson}`]],
  ['build', 'npm', ['run', 'build']],
  // The bundles as the Electron app runs them: nothing else trains through dist/.
  ['built worker', 'node', ['scripts/check-built-worker.mjs']],
  ['end-to-end tests', 'npx', ['playwright', 'test', '--reporter=list,json']],
];

const counts = { passed: 0, failed: 0, skipped: 0 };
function countVitest() {
  if (!existsSync(vitestJson)) return;
  const r = JSON.parse(readFileSync(vitestJson, 'utf8'));
  counts.passed += r.numPassedTests ?? 0;
  counts.failed += r.numFailedTests ?? 0;
  counts.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}
function countPlaywright() {
  if (!existsSync(playwrightJson)) return;
  const s = JSON.parse(readFileSync(playwrightJson, 'utf8')).stats ?? {};
  counts.passed += (s.expected ?? 0) + (s.flaky ?? 0);
  counts.failed += s.unexpected ?? 0;
  counts.skipped += s.skipped ?? 0;
}

let failedStage = null;
for (const [name, command, args] of stages) {
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson },
  });
  console.log(
    `=== ${name}: ${result.status === 0 ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  if (name === 'unit tests') countVitest();
  if (name === 'end-to-end tests') countPlaywright();
  if (result.status !== 0) {
    failedStage = name;
    break;
  }
}
if (failedStage) console.log(`\nnpm test failed at: ${failedStage}`);
console.log(`\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(failedStage ? 1 : 0);
