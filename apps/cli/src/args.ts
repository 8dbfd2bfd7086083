/**
 * The command-line parser and help formatter shared by every command, on `node:util`'s
 * parseArgs. Flags are `--name value`, `--name=value` or boolean `--name`; `-h` is `--help`.
 *
 * A command is one file in commands/ exporting a {@link Command}: its flags as
 * {@link FlagSpec}s and a `run(args, io)`; add it to the list in commands/index.ts.
 */
import { parseArgs as parseArgsOfNode } from 'node:util'

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
 * Parses `argv` against `flags`, with `node:util`'s parseArgs (built into Node, Bun and Deno).
 * It runs non-strict with `tokens`, and this function checks the tokens itself, for two
 * things parseArgs cannot do: `number` flags (it knows only strings and booleans), and one
 * error wording on all three runtimes (their strict-mode messages differ, and suggest
 * `-- "--frobnicate"` where a user mistyped a flag).
 * @param argv - the arguments after the command name
 * @param flags - the flags the command accepts
 * @returns flag values by long name, positionals, and whether help was asked for
 * @throws UsageError for an unknown flag, a missing value or a bad number
 */
export function parseArgs(argv: readonly string[], flags: readonly FlagSpec[]): ParsedArgs {
  const byName = new Map(flags.map((f) => [f.name, f]))
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } }
  for (const f of flags) options[f.name] = { type: f.type === 'boolean' ? 'boolean' : 'string' }
  const { tokens } = parseArgsOfNode({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true })
  const values: Record<string, string | number | boolean | undefined> = {}
  const positionals: string[] = []
  let isHelp = false
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value)
      continue
    }
    if (token.kind === 'option-terminator') continue
    if (token.name === 'help') {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`)
      isHelp = true
      continue
    }
    const spec = byName.get(token.name)
    if (spec === undefined || token.rawName.length === 2) throw new UsageError(`unknown option ${token.rawName}`)
    const name = spec.name
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`--${name} takes no value`)
      values[name] = true
      continue
    }
    const raw = token.value
    // A value is the next argument, unless that is another flag: `--key --json` forgot the key.
    if (raw === undefined || (!token.inlineValue && raw.startsWith('--') && raw.length > 2)) throw new UsageError(`--${name} needs a value (${spec.valueName ?? 'VALUE'})`)
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
