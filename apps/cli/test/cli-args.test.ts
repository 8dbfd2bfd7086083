/**
 * The dispatcher and the flag parser (node:util parseArgs underneath): the same one-line
 * errors on Node, Bun and Deno, `number` flags, `--name=value`, `--`, and a top-level help
 * whose command summaries share one style.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseArgs, UsageError, type FlagSpec } from '../src/args.ts'
import { formatHelp } from '../src/cli.ts'
import { runCli } from './fixtures/device-cli.ts'

const FLAGS: readonly FlagSpec[] = [
  { name: 'key', type: 'string', valueName: 'KEY', description: 'k' },
  { name: 'timeout', type: 'number', valueName: 'S', description: 't' },
  { name: 'json', type: 'boolean', description: 'j' },
]

describe('parseArgs', () => {
  it('reads --name value, --name=value, booleans, numbers, -h and positionals after --', () => {
    const parsed = parseArgs(['lamp', '--key', 'abc', '--timeout=2.5', '--json', '-h', '--', '--not-a-flag', '-'], FLAGS)
    assert.deepEqual(parsed.values, { key: 'abc', timeout: 2.5, json: true })
    assert.deepEqual(parsed.positionals, ['lamp', '--not-a-flag', '-'])
    assert.equal(parsed.isHelp, true)
    assert.deepEqual(parseArgs(['--key=--x', '-'], FLAGS).values, { key: '--x' }, 'an inline value may start with dashes')
    assert.deepEqual(parseArgs(['1=-5'], FLAGS).positionals, ['1=-5'])
  })

  it('refuses bad command lines with one UsageError naming the flag', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--frobnicate'], /^unknown option --frobnicate$/],
      [['-x'], /^unknown option -x$/],
      [['--key'], /^--key needs a value \(KEY\)$/],
      [['--key', '--json'], /^--key needs a value \(KEY\)$/],
      [['--json=1'], /^--json takes no value$/],
      [['--timeout', 'soon'], /^--timeout must be a number, got 'soon'$/],
      [['--timeout='], /^--timeout must be a number, got ''$/],
    ]
    for (const [argv, message] of cases) {
      assert.throws(() => parseArgs(argv, FLAGS), (error: unknown) => error instanceof UsageError && message.test(error.message), argv.join(' '))
    }
  })
})

describe('tuya (the dispatcher)', () => {
  it('an unknown top-level option is an unknown option, not an unknown command', async () => {
    const run = await runCli(['--frobnicate'])
    assert.equal(run.code, 2)
    assert.equal(run.err.length, 1, run.err.join('\n'))
    assert.match(run.err[0]!, /^tuya: unknown option --frobnicate/)
    assert.doesNotMatch(run.err[0]!, /unknown command/)
    const command = await runCli(['frobnicate'])
    assert.equal(command.code, 2)
    assert.match(command.err[0]!, /^tuya: unknown command 'frobnicate'/)
  })

  it('every command summary in tuya --help starts in lower case and has no full stop', () => {
    const lines = formatHelp()
    const start = lines.indexOf('Commands:') + 1
    const rows = lines.slice(start, lines.indexOf('', start))
    assert.ok(rows.length >= 7, lines.join('\n'))
    for (const row of rows) {
      const summary = row.trim().replace(/^\S+\s+/, '')
      assert.match(summary, /^[a-z]/, row)
      assert.doesNotMatch(summary, /\.(?:\s|$)/, row)
    }
  })

  it('a command help is printed for -h and --help', async () => {
    for (const flag of ['-h', '--help']) {
      const run = await runCli(['get', flag])
      assert.equal(run.code, 0)
      assert.match(run.out[0]!, /^Usage: tuya get /)
    }
  })
})
