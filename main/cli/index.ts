// Command-line entry: `npm run cli -- <command> ...`. Train a graph file, run a trained one
// on recorded input, exchange NIR files, or manage datasets. Bad arguments and files end
// with one sentence on stderr and exit code 2 (1 when training itself failed), never a
// stack trace. A new command is one `defineCommand(...)` added to COMMANDS.
import path from 'node:path';
import {
  applyMachineMemoryLimit,
  MEMORY_LIMIT_VARIABLE,
  machineMemoryLimit,
  parseMemorySize,
} from '../util/memoryLimit';
import { type Command, commandHelp, defineCommand, parseCommand, UsageError } from './command';
import { userPath } from './files';
import { runCommand } from './run';
import { trainCommand } from './train';

export { UsageError } from './command';

const PREFIX = 'npm run cli --';

async function appVersion(): Promise<string> {
  const { default: pkg } = await import('../../package.json', { with: { type: 'json' } });
  return pkg.version;
}

/** ExchangeError is the exchange module's UsageError; it is loaded lazily (NIR pulls in h5wasm). */
async function exchange<T>(work: (mod: typeof import('./exchange')) => Promise<T>): Promise<T> {
  const mod = await import('./exchange');
  try {
    return await work(mod);
  } catch (e) {
    if (e instanceof mod.ExchangeError) throw new UsageError(e.message);
    throw e;
  }
}

const outOption = (file: string) =>
  ({ type: 'string', short: 'o', value: file, required: true, help: 'the file to write' }) as const;

const exportCommand = defineCommand({
  name: 'export',
  summary: 'Write a trained graph as NIR for a tool (NIR reference, snnTorch, Norse), with the agreement measured.',
  args: [{ name: 'trained.snn.json', what: 'a trained graph file' }],
  options: {
    target: {
      type: 'choice',
      choices: ['nir', 'snntorch', 'norse'],
      help: "the tool the file is for: NIR's reference semantics (default), snnTorch or Norse",
    },
    format: { type: 'choice', choices: ['nir'], help: 'the exchange format (nir, the default and only one)' },
    samples: { type: 'int', min: 1, help: 'test samples the agreement check runs (default 256)' },
    'cache-dir': { type: 'string', value: 'DIR', help: 'where the datasets are (default: the data cache)' },
    out: outOption('model.nir'),
  },
  notes: `Before writing, the file is run by Spikewright's own NIR simulator under the target's
semantics (snnTorch: dt = 1e-4 s, Norse: dt = 1e-3 s, NIR: the graph's dt) on test samples of
the graph's dataset, and compared with the engine: spikes per layer, predictions. The result
is printed; when the two differ (a graph trained under SpyTorch's discretisation, or the
same-step current of snnTorch and Norse), it says why.`,
  async run({ positionals, values }) {
    const output = values.out as string;
    const version = await appVersion();
    const cacheDir = values['cache-dir'] as string | undefined;
    const result = await exchange((m) =>
      m.exportCommand(userPath(positionals[0] as string), userPath(output), version, {
        target: values.target ?? 'nir',
        ...(values.samples !== undefined ? { samples: values.samples } : {}),
        ...(cacheDir !== undefined ? { cacheDir: userPath(cacheDir) } : {}),
      }),
    );
    const a = result.agreement;
    process.stdout.write(`${a.exact ? 'agreement' : 'warning'}: ${a.summary}\n`);
    process.stdout.write(`wrote ${result.path} for ${a.targetLabel}\n`);
    return 0;
  },
});

const importCommand = defineCommand({
  name: 'import',
  summary: 'Turn a NIR file into a Spikewright graph file, saying what could not be mapped.',
  args: [{ name: 'model.nir', what: 'a NIR file' }],
  options: {
    out: outOption('graph.snn.json'),
    dt: {
      type: 'string',
      value: 'seconds',
      help: "the step the file was made for, e.g. 1e-4 (default: the file's metadata, else its writer's convention)",
    },
  },
  notes: `The step dt is found, in order: --dt; /node/metadata/dt (Spikewright's files); snnTorch's
hidden step (r = tau_mem / dt, 1e-4 s in its exporter); else 1e-3 s (Norse's default). Files
made at another step (the NIR paper's Norse LIF uses 1e-4 s) need --dt.
Files holding convolutions, pooling or other nodes Spikewright cannot run are refused (exit 2).`,
  async run({ positionals, values }) {
    const output = values.out as string;
    const version = await appVersion();
    const dtText = values.dt as string | undefined;
    const dtSeconds = dtText === undefined ? undefined : Number(dtText);
    if (dtSeconds !== undefined && !(Number.isFinite(dtSeconds) && dtSeconds > 0))
      throw new UsageError(`--dt must be a positive number of seconds, e.g. 1e-4 (got '${dtText}').`);
    const result = await exchange((m) =>
      m.importCommand(userPath(positionals[0] as string), userPath(output), version, { dtSeconds }),
    );
    for (const note of result.notes) process.stderr.write(`note: ${note}\n`);
    for (const item of result.unmapped) process.stderr.write(`not mapped: ${item}\n`);
    for (const problem of result.problems) process.stderr.write(`problem: ${problem}\n`);
    process.stdout.write(`wrote ${result.path}\n`);
    return 0;
  },
});

const dataCommand = defineCommand({
  name: 'data',
  summary: 'List, download and preview datasets (npm run cli -- data --help).',
  args: [],
  options: {},
  // `data` has sub-commands of its own and parses them itself.
  async raw(argv) {
    let mod: typeof import('../data/cli');
    try {
      mod = await import('../data/cli');
    } catch (e) {
      throw new UsageError(`Dataset commands are not available in this build (${(e as Error).message}).`);
    }
    return mod.runDataCommand(argv);
  },
});

const sweepCommand = defineCommand({
  name: 'sweep',
  summary: 'Sweep parameters of a graph on all cores or a Slurm cluster (npm run cli -- sweep --help).',
  args: [],
  options: {},
  // Sub-commands (status, resume, heatmap, task) of its own.
  raw: async (argv) => (await import('./sweep')).runSweepCommand(argv),
});

const runsCommand = defineCommand({
  name: 'runs',
  summary: 'List, show and compare the recorded runs beside a graph (npm run cli -- runs --help).',
  args: [],
  options: {},
  raw: async (argv) => (await import('./runs')).runRunsCommand(argv),
});

/** Every command, in the order `help` lists them. */
export const COMMANDS: readonly Command[] = [
  trainCommand,
  runCommand,
  exportCommand,
  importCommand,
  dataCommand,
  sweepCommand,
  runsCommand,
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    `Usage: ${PREFIX} <command> [arguments] [options]`,
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    `'${PREFIX} <command> --help' shows a command's arguments and options.`,
    '',
    'Every command takes --memory-limit SIZE (e.g. 6GB): the memory a graph may need to be',
    `trained, exported or imported; default $${MEMORY_LIMIT_VARIABLE}, else half of this machine's memory.`,
  ].join('\n');
}

const wantsHelp = (argv: string[]) => {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
};

/**
 * Takes the global `--memory-limit SIZE` out of the arguments and makes it (else the
 * environment's or the machine's limit, main/util/memoryLimit.ts) the budget of every check
 * in this process: validation, the engine's plan, NIR import and export.
 */
function applyMemoryLimit(argv: string[]): string[] {
  const rest: string[] = [];
  let given: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === '--memory-limit') {
      given = argv[++i];
      if (given === undefined) throw new UsageError('--memory-limit needs a size, e.g. 6GB.');
    } else if (arg.startsWith('--memory-limit=')) given = arg.slice('--memory-limit='.length);
    else rest.push(arg);
  }
  if (given !== undefined) {
    const bytes = parseMemorySize(given);
    if (bytes === null) throw new UsageError(`--memory-limit must be a size such as 6GB or 512MB (got '${given}').`);
    applyMachineMemoryLimit(bytes);
    return rest;
  }
  try {
    applyMachineMemoryLimit(machineMemoryLimit());
  } catch (e) {
    throw new UsageError(`${(e as Error).message} Unset ${MEMORY_LIMIT_VARIABLE} or pass --memory-limit.`);
  }
  return rest;
}

/** Runs one command line (without `node` and the script); returns the exit code or throws a UsageError. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    process.stdout.write(`${topic && !topic.raw ? commandHelp(topic, PREFIX) : overview()}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command)
    throw new UsageError(`Unknown command '${name}' (commands: ${COMMANDS.map((c) => c.name).join(', ')}).`);
  const args = applyMemoryLimit(rest);
  if (command.raw) return command.raw(args);
  if (wantsHelp(args) || !command.run) {
    process.stdout.write(`${commandHelp(command, PREFIX)}\n`);
    return command.run ? 0 : 2;
  }
  return command.run(parseCommand(command, args));
}

const isEntry = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      // Messages only: a stack trace helps nobody who mistyped a path.
      process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(e instanceof UsageError ? 2 : 1);
    },
  );
}
