/**
 * Test support: runs a small ES module in a fresh process of the runtime running the tests
 * (node, bun or deno), from this package's folder so `@tuya/platform` resolves to the build.
 */
import { spawnSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import process from 'node:process'
import { fileURLToPath } from 'node:url'

export const DENO = fileURLToPath(new URL('../../../node_modules/.bin/deno', import.meta.url))
const PACKAGE_DIR = fileURLToPath(new URL('../', import.meta.url))
const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined'

export interface ChildResult {
  status: number | null
  stdout: string
  stderr: string
  elapsedMs: number
}

/**
 * @param source - the module's text (ESM, plain JavaScript)
 * @param runtime - `deno` to run it under Deno with `denoFlags`, else the current runtime
 * @param denoFlags - permissions for `deno run` (default all)
 */
export function runChild(source: string, runtime: 'current' | 'deno' = 'current', denoFlags: string[] = ['-A']): ChildResult {
  const file = `${PACKAGE_DIR}.child-${process.pid}-${Math.random().toString(36).slice(2)}.mjs`
  writeFileSync(file, source)
  const useDeno = runtime === 'deno' || isDeno
  const command = useDeno ? (runtime === 'deno' ? DENO : process.execPath) : process.execPath
  const args = useDeno ? ['run', '--no-prompt', '--no-lock', ...denoFlags, file] : [file]
  const started = Date.now()
  try {
    const result = spawnSync(command, args, { cwd: PACKAGE_DIR, encoding: 'utf8', timeout: 30_000 })
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, elapsedMs: Date.now() - started }
  } finally {
    rmSync(file, { force: true })
  }
}
