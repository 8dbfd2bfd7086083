/**
 * `tuya demo`: runs the narrated demo against simulated devices on 127.0.0.1 (no hardware,
 * no traffic off the machine).
 */
import type { Command, CommandIo, ParsedArgs } from '../args.ts'
import { UsageError } from '../args.ts'
import { runDemo } from '../demo/run-demo.ts'
import { shouldColor } from '../style.ts'

export const demoCommand: Command = {
  name: 'demo',
  summary: 'a narrated tour against simulated devices on 127.0.0.1 (no hardware needed)',
  usage: 'demo [--verbose] [--json] [--no-color]',
  flags: [
    { name: 'verbose', type: 'boolean', description: 'also print ports and timings' },
    { name: 'json', type: 'boolean', description: 'print only the summary, as one JSON object' },
    { name: 'no-color', type: 'boolean', description: 'no colours (also: NO_COLOR=1; colours only on a terminal anyway)' },
  ],
  examples: ['tuya demo', 'tuya demo --verbose', 'npm run demo   # from a fresh clone, after npm ci'],
  async run(args: ParsedArgs, io: CommandIo): Promise<number> {
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'`)
    const isJson = args.values.json === true
    try {
      const summary = await runDemo({
        out: isJson ? () => {} : io.out,
        isColor: shouldColor(isJson || args.values['no-color'] === true),
        isVerbose: args.values.verbose === true,
        signal: io.signal,
      })
      if (isJson) io.out(JSON.stringify(summary))
      return summary.lost === 0 ? 0 : 1
    } catch (error) {
      if (io.signal.aborted) {
        io.err('tuya demo: stopped')
        return 130
      }
      io.err(`tuya demo: ${error instanceof Error ? error.message : String(error)}`)
      return 1
    }
  },
}
