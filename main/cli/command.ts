// The CLI's command table machinery: each command is one declaration (name, arguments,
// options, handler, help), parsed by Node's util.parseArgs in strict mode. What parseArgs
// reports (an unknown option, a missing value) becomes one sentence naming the option; the
// entry point prints it as `error: ...` and exits 2.
import { parseArgs } from 'node:util';
import { describeParseArgsError } from '../util/parseArgsError';

/** A mistake in what was typed or in the files named: exit code 2, one line, no stack trace. */
export class UsageError extends Error {}

/** How an option is typed on the command line and handed to the handler. */
export type OptionDecl = (
  | { type: 'boolean' }
  | { type: 'string'; value: string }
  /** One of a fixed set of words, e.g. `--engine fast|reference`. */
  | { type: 'choice'; choices: readonly string[] }
  /** A whole number of at least `min`. */
  | { type: 'int'; min: number; value?: string }
) & {
  /** One line for `--help`. */
  help: string;
  /** A one-letter alias, as `-o` for `--out`. */
  short?: string;
  /** The command refuses to run without it (`run needs --input <events.json>.`). */
  required?: boolean;
};

export type OptionDecls = Record<string, OptionDecl>;

type ValueOf<D extends OptionDecl> = D extends { type: 'boolean' }
  ? boolean
  : D extends { type: 'int' }
    ? number
    : D extends { type: 'choice'; choices: readonly (infer C)[] }
      ? C
      : string;

/** What a handler receives: absent options are undefined, present ones already checked. */
export type OptionValues<O extends OptionDecls> = { [K in keyof O]?: ValueOf<O[K]> };

export interface ParsedArgs<O extends OptionDecls> {
  /** The positional arguments, in order; the declared required ones are present. */
  positionals: string[];
  values: OptionValues<O>;
}

export interface Command<O extends OptionDecls = OptionDecls> {
  name: string;
  /** One line for the overview. */
  summary: string;
  /**
   * Positional arguments in order. `what` words the error when a required one is missing
   * ("train needs a graph file."). Extra positionals are refused.
   */
  args: readonly { name: string; what: string; optional?: boolean }[];
  options: O;
  /** Paragraphs printed after the options by `<command> --help`. */
  notes?: string;
  /** The handler, given checked arguments; returns the exit code. */
  run?: (args: ParsedArgs<O>) => Promise<number>;
  /** Instead of `run`: hands the arguments on unparsed (a command with sub-commands of its own). */
  raw?: (argv: string[]) => Promise<number>;
}

/** One command of the table, typed by its options (the table itself holds `Command`). */
export function defineCommand<const O extends OptionDecls>(command: Command<O>): Command {
  return command as unknown as Command;
}

/** `train <graph.snn.json> [--epochs N] ...`: the synopsis `help` prints. */
export function synopsis(command: Command): string {
  const args = command.args.map((a) => (a.optional ? `[<${a.name}>]` : `<${a.name}>`));
  const options = Object.entries(command.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}` : `--${name}`}${valueHint(o)}`;
    return o.required ? flag : `[${flag}]`;
  });
  return [command.name, ...args, ...options].join(' ');
}

/** The text `<command> --help` prints. */
export function commandHelp(command: Command, prefix: string): string {
  const lines = [`Usage: ${prefix} ${wrap(synopsis(command), prefix.length + 8)}`, '', command.summary];
  const options = Object.entries(command.options);
  if (options.length) {
    const left = options.map(([name, o]) => `${flagName(name, o)}${valueHint(o)}`);
    const width = Math.max(...left.map((l) => l.length)) + 2;
    lines.push('', 'Options:');
    options.forEach(([, o], i) => {
      lines.push(`  ${(left[i] as string).padEnd(width)}${o.help}`);
    });
  }
  if (command.notes) lines.push('', command.notes);
  return lines.join('\n');
}

/** Parses one command's arguments (without the command name) or throws a UsageError. */
export function parseCommand<O extends OptionDecls>(command: Command<O>, argv: string[]): ParsedArgs<O> {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, o] of Object.entries(command.options)) {
    config[name] = { type: o.type === 'boolean' ? 'boolean' : 'string', ...(o.short ? { short: o.short } : {}) };
  }
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: config, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(describeParseArgsError(e, command.name));
  }
  const required = command.args.filter((a) => !a.optional).length;
  const missing = command.args[parsed.positionals.length];
  if (parsed.positionals.length < required && missing) throw new UsageError(`${command.name} needs ${missing.what}.`);
  const extra = parsed.positionals[command.args.length];
  if (extra !== undefined)
    throw new UsageError(
      `Unexpected argument '${extra}': ${command.name} takes ${command.args.length ? command.args.map((a) => `<${a.name}>`).join(' ') : 'no arguments'}.`,
    );
  for (const [name, o] of Object.entries(command.options)) {
    if (o.required && parsed.values[name] === undefined)
      throw new UsageError(
        `${command.name} needs ${o.short ? `-${o.short}` : `--${name}`}${valueHint(o).replace(/ (.*)/, ' <$1>')}.`,
      );
  }
  const values: Record<string, string | number | boolean> = {};
  for (const [name, raw] of Object.entries(parsed.values)) {
    const o = command.options[name];
    if (raw === undefined || !o) continue;
    values[name] = checkValue(name, o, raw);
  }
  return { positionals: parsed.positionals, values: values as OptionValues<O> };
}

function checkValue(name: string, o: OptionDecl, raw: string | boolean): string | number | boolean {
  if (o.type === 'int') {
    const n = Number(raw);
    if (typeof raw !== 'string' || raw.trim() === '' || !Number.isInteger(n) || n < o.min)
      throw new UsageError(`--${name} must be a whole number of at least ${o.min} (got ${String(raw)}).`);
    return n;
  }
  if (o.type === 'choice' && !o.choices.includes(raw as string))
    throw new UsageError(`--${name} must be ${orList(o.choices)} (got ${String(raw)}).`);
  return raw;
}

function flagName(name: string, o: OptionDecl): string {
  return o.short ? `-${o.short}, --${name}` : `--${name}`;
}

function valueHint(o: OptionDecl): string {
  if (o.type === 'boolean') return '';
  if (o.type === 'choice') return ` ${o.choices.join('|')}`;
  if (o.type === 'int') return ` ${o.value ?? 'N'}`;
  return ` ${o.value}`;
}

function orList(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/** Breaks a long synopsis at option boundaries, continuation lines indented under the first. */
function wrap(text: string, indent: number, width = 100): string {
  const parts = text.split(/ (?=\[|-)/);
  const lines: string[] = [];
  let line = '';
  for (const part of parts) {
    if (line && indent + line.length + 1 + part.length > width) {
      lines.push(line);
      line = part;
    } else line = line ? `${line} ${part}` : part;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}
