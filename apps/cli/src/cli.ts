/**
 * The `tuya` dispatcher: picks the command, parses its flags, prints help, maps errors to
 * exit codes (0 ok, 1 failure, 2 bad usage). No process access here: `bin.ts` wires it up.
 */
import { readFileSync } from 'node:fs'
import { formatCommandHelp, parseArgs, UsageError, type Command, type CommandIo } from './args.ts'
import { COMMANDS } from './commands/index.ts'

const PROGRAM = 'tuya'

function cliVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version
  } catch {
    return 'unknown'
  }
}

/**
 * The top-level help.
 * @param commands - the registered commands
 * @returns lines to print
 */
export function formatHelp(commands: readonly Command[] = COMMANDS): string[] {
  const width = Math.max(...commands.map((c) => c.name.length)) + 4
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Tools for the Tuya LAN protocol (3.1-3.5).',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Options:',
    '  -h, --help       show help (also: tuya <command> --help)',
    '  --version        show the version of this tool',
    '',
    'Examples:',
    ...commands.flatMap((c) => c.examples.slice(0, 1).map((e) => `  ${e}`)),
  ]
}

/**
 * Runs the command line.
 * @param argv - arguments after the program name
 * @param io - output and the stop signal
 * @param commands - the registry (tests may pass their own)
 * @returns the exit code
 */
export async function main(argv: readonly string[], io: CommandIo, commands: readonly Command[] = COMMANDS): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined) {
    for (const line of formatHelp(commands)) io.err(line)
    return 2
  }
  if (name === '-h' || name === '--help' || name === 'help') {
    for (const line of formatHelp(commands)) io.out(line)
    return 0
  }
  if (name === '--version') {
    io.out(cliVersion())
    return 0
  }
  const command = commands.find((c) => c.name === name)
  if (command === undefined && name.startsWith('-')) {
    io.err(`${PROGRAM}: unknown option ${name}: options go after the command (${PROGRAM} <command> [options]; see ${PROGRAM} --help)`)
    return 2
  }
  if (command === undefined) {
    io.err(`${PROGRAM}: unknown command '${name}' (commands: ${commands.map((c) => c.name).join(', ')}; see ${PROGRAM} --help)`)
    return 2
  }
  try {
    const args = parseArgs(rest, command.flags)
    if (args.isHelp) {
      for (const line of formatCommandHelp(PROGRAM, command)) io.out(line)
      return 0
    }
    return await command.run(args, io)
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${PROGRAM} ${command.name}: ${error.message} (see ${PROGRAM} ${command.name} --help)`)
      return 2
    }
    io.err(`${PROGRAM} ${command.name}: ${error instanceof Error ? error.message : String(error)}`)
    return 1
  }
}
