// Node's util.parseArgs reports mistakes in three-line messages that suggest `--`; the
// command lines (main/cli, `data ...`) say them in one sentence naming the option.

/** One sentence for an error thrown by util.parseArgs in strict mode; `command` names where it was typed. */
export function describeParseArgsError(e: unknown, command: string): string {
  const message = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: string }).code;
  // parseArgs quotes the option as '--name', '-x' or '-o, --out <value>'.
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  const flag = /--[^\s,<]+/.exec(quoted)?.[0] ?? quoted.split(/[\s,]/)[0] ?? quoted;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
    return `Unknown option ${flag} for ${command} (npm run cli -- ${command} --help lists its options).`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(message)) return `${flag} takes no value.`;
    if (/ambiguous/.test(message))
      return `${flag} needs a value (write ${flag}=VALUE for one that starts with a dash).`;
    return `${flag} needs a value.`;
  }
  return message.split('\n')[0] ?? message;
}
