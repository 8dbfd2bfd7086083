/**
 * The CLI under Deno without --allow-net: every network command says so in one line and exits
 * 1 at once, instead of waiting for --timeout, blaming the address, or dying with a stack trace.
 * Runs the built CLI (dist/) in a `deno run` child process, whatever runtime runs this file.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const DENO = fileURLToPath(new URL('../../../node_modules/.bin/deno', import.meta.url))
const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url))
const skip = !existsSync(DENO) ? 'deno is not installed (npm ci installs it)' : !existsSync(BIN) ? 'the CLI is not built (npm test builds it)' : false
const DEVICE = ['--host', '127.0.0.1', '--id', 'bf1234567890abcdefgh', '--key', '0123456789abcdef']

function runWithoutNet(args: string[]): { status: number | null; stdout: string; stderr: string; elapsedMs: number } {
  const started = Date.now()
  const result = spawnSync(DENO, ['run', '--no-prompt', '--no-lock', '--allow-read', '--allow-env', '--allow-sys', BIN, ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, elapsedMs: Date.now() - started }
}

describe('Deno without --allow-net', { skip }, () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['get', ['get', ...DEVICE, '--version', '3.3', '--timeout', '10'], /^tuya get: no permission to connect to 127\.0\.0\.1:6668 \(.*\): on Deno, run with --allow-net$/],
    ['get --version auto', ['get', ...DEVICE, '--timeout', '10'], /^tuya get: no permission to connect to 127\.0\.0\.1:6668 .*--allow-net$/],
    ['demo', ['demo'], /^tuya demo: Deno denies network access to 127\.0\.0\.1:0: run with --allow-net$/],
    ['mock', ['mock', '--local-key', '0123456789abcdef', '--id', 'bf1234567890abcdefgh', '--port', '0'], /^tuya mock: cannot listen on 127\.0\.0\.1:0: Deno denies network access to 127\.0\.0\.1:0: run with --allow-net$/],
    ['scan', ['scan', '--timeout', '1'], /^tuya scan: cannot listen on UDP 0\.0\.0\.0:\d+: Deno denies network access; run with --allow-net$/],
  ]
  for (const [name, args, pattern] of cases) {
    it(`${name}: one line, exit 1, at once`, () => {
      const { status, stderr, elapsedMs } = runWithoutNet(args)
      const lines = stderr.trim().split('\n').filter((line) => line.startsWith('tuya '))
      assert.equal(status, 1, stderr)
      assert.doesNotMatch(stderr, /Uncaught|\n\s+at /, 'no stack trace')
      assert.equal(lines.length, 1, stderr)
      assert.match(lines[0]!, pattern)
      assert.ok(elapsedMs < 8000, `took ${elapsedMs} ms (--timeout is 10 s)`)
    })
  }
})
