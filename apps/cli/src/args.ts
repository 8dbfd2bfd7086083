/**
 * A small, dependency-free command-line parser and help formatter shared by every command.
 * Flags are `--name value`, `--name=value` or boolean `--name`; `-h` is `--help`.
 */

/** A bad command line: printed as one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** One flag of a command. */
export interface FlagSpec {
  /** Long name without dashes, e.g. `local-key`. */
  readonly name: string
  readonly type: 'string' | 'number' | 'boolean'
  /** Placeholder in the help, e.g. `KEY`. */
  readonly valueName?: string
  readonly description: string
  /** Shown in the help. */
  readonly defaultText?: string
}

/** What {@link parseArgs} returns. */
export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | number | boolean | undefined>>
  readonly positionals: readonly string[]
  readonly isHelp: boolean
}

/** How a command talks to the outside world (injected, so commands can be tested in-process). */
export interface CommandIo {
  /** One line to stdout (results). */
  out(line: string): void
  /** One line to stderr (logs, errors). */
  err(line: string): void
  /** Aborted on SIGINT/SIGTERM. */
  readonly signal: AbortSignal
}

/** A command of the `tuya` dispatcher. Later commands (decode, demo, get, set, scan, watch) implement this. */
export interface Command {
  readonly name: string
  /** One line for `tuya --help`. */
  readonly summary: string
  /** Usage line(s) after `tuya`, e.g. `mock [options]`. */
  readonly usage: string
  readonly flags: readonly FlagSpec[]
  readonly examples: readonly string[]
  /**
   * Runs the command.
   * @returns the exit code (0 on success)
   * @throws UsageError for bad arguments
   */
  run(args: ParsedArgs, io: CommandIo): Promise<number>
}

/**
 * Parses `argv` against `flags`.
 * @param argv - the arguments after the command name
 * @param flags - the flags the command accepts
 * @returns flag values by long name, positionals, and whether help was asked for
 * @throws UsageError for an unknown flag, a missing value or a bad number
 */
export function parseArgs(argv: readonly string[], flags: readonly FlagSpec[]): ParsedArgs {
  const byName = new Map(flags.map((f) => [f.name, f]))
  const values: Record<string, string | number | boolean | undefined> = {}
  const positionals: string[] = []
  let isHelp = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '-h' || arg === '--help') {
      isHelp = true
      continue
    }
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1))
      break
    }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg.length > 1) throw new UsageError(`unknown option ${arg}`)
      positionals.push(arg)
      continue
    }
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq === -1 ? undefined : eq)
    const spec = byName.get(name)
    if (spec === undefined) throw new UsageError(`unknown option --${name}`)
    if (spec.type === 'boolean') {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`)
      values[name] = true
      continue
    }
    let raw: string | undefined
    if (eq !== -1) raw = arg.slice(eq + 1)
    else {
      raw = argv[i + 1]
      if (raw === undefined || (raw.startsWith('--') && raw.length > 2)) throw new UsageError(`--${name} needs a value (${spec.valueName ?? 'VALUE'})`)
      i++
    }
    if (spec.type === 'number') {
      const n = Number(raw)
      if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got '${raw}'`)
      values[name] = n
    } else values[name] = raw
  }
  return { values, positionals, isHelp }
}

/**
 * The help text of a command: usage, options, examples.
 * @param program - the program name (`tuya`)
 * @param command - the command
 * @returns lines to print
 */
export function formatCommandHelp(program: string, command: Command): string[] {
  const lines = [`Usage: ${program} ${command.usage}`, '', command.summary, '', 'Options:']
  const left = command.flags.map((f) => `  --${f.name}${f.type === 'boolean' ? '' : ` ${f.valueName ?? 'VALUE'}`}`)
  const width = Math.max(...left.map((l) => l.length), 12) + 2
  command.flags.forEach((f, i) => {
    lines.push(`${left[i]!.padEnd(width)}${f.description}${f.defaultText === undefined ? '' : ` (default: ${f.defaultText})`}`)
  })
  lines.push(`${'  -h, --help'.padEnd(width)}show this help`)
  if (command.examples.length > 0) lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`))
  return lines
}
