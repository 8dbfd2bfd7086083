#!/usr/bin/env node
// `npm test`: build and typecheck everything, lint the published packages, then run every
// workspace's test/*.test.ts on Node, Bun and Deno. The same node:test files run on all three.
//
//   node scripts/test.mjs [--runtime node|bun|deno]... [--filter NAME]... [--slow] [--no-build] [--no-lint]
//
// Exits non-zero when anything fails; the last line is "N passed, N failed".
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { formatSummaryTable } from './test-summary.mjs'
import { ROOT, workspaces } from './workspaces.mjs'

const args = process.argv.slice(2)
const pick = (flag) => args.flatMap((a, i) => (a === flag && args[i + 1] ? [args[i + 1]] : []))
const runtimes = pick('--runtime').length ? pick('--runtime') : ['node', 'bun', 'deno']
const filters = pick('--filter')
const slow = args.includes('--slow')
const bin = (name) => join(ROOT, 'node_modules', '.bin', name)
const PER_RUN_TIMEOUT_MS = 15 * 60 * 1000

function run(cmd, cmdArgs, { cwd = ROOT, env = {}, quiet = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, {
      cwd,
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', NO_COLOR: '1', FORCE_COLOR: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    const onData = (d) => {
      out += d
      if (!quiet) process.stdout.write(d)
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    const timer = setTimeout(() => {
      out += `\n[test.mjs] ${cmd} timed out after ${PER_RUN_TIMEOUT_MS / 60000} min; killed\n`
      child.kill('SIGKILL')
    }, PER_RUN_TIMEOUT_MS)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code: code ?? (signal ? 1 : 0), out })
    })
  })
}

function counts(runtime, out) {
  const num = (re) => {
    let total = 0
    for (const m of out.matchAll(re)) total += Number(m[1])
    return total
  }
  if (runtime === 'node') return { passed: num(/^# pass (\d+)$/gm), failed: num(/^# fail (\d+)$/gm) }
  if (runtime === 'bun') return { passed: num(/^\s*(\d+) pass$/gm), failed: num(/^\s*(\d+) fail$/gm) }
  // deno: "ok | 3 passed (12 steps) | 0 failed": count tests and their steps
  const m = [...out.matchAll(/(\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed(?: \((\d+) steps?\))?/g)].at(-1)
  return m ? { passed: Number(m[1]) + Number(m[2] ?? 0), failed: Number(m[3]) + Number(m[4] ?? 0) } : { passed: 0, failed: 0 }
}

// bun test runs in the workspace folder, where the root bunfig.toml is not read (Bun's default
// per-test timeout, 5 s, would apply): pass on the budget bunfig.toml states.
const BUN_TIMEOUT_MS = Number(/^\s*timeout\s*=\s*(\d+)/m.exec(readFileSync(join(ROOT, 'bunfig.toml'), 'utf8'))?.[1] ?? 30000)

function testCommand(runtime, files) {
  if (runtime === 'node') return [process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', ...files]]
  if (runtime === 'bun') return [bin('bun'), ['test', '--timeout', String(BUN_TIMEOUT_MS), ...files.map((f) => `./${f}`)]]
  return [bin('deno'), ['test', '-A', '--no-check', '--no-lock', ...files]]
}

const failures = []
if (!args.includes('--no-build')) {
  console.log('\n== build and typecheck (turbo)')
  const r = await run(bin('turbo'), ['run', 'build', 'typecheck', '--output-logs=errors-only'])
  if (r.code !== 0) failures.push('build/typecheck')
  // The root examples/ are not a workspace; they compile against the built packages.
  else if ((await run(bin('tsc'), ['-p', 'examples/tsconfig.json'])).code !== 0) failures.push('typecheck examples/')
}
if (!args.includes('--no-lint') && failures.length === 0) {
  console.log('\n== lint the published packages (publint, are-the-types-wrong, source rules)')
  const r = await run(process.execPath, [join(ROOT, 'scripts/lint-packages.mjs')])
  if (r.code !== 0) failures.push('lint-packages')
}

let passed = 0
let failed = 0
const table = []
if (failures.length === 0) {
  for (const runtime of runtimes) {
    for (const ws of workspaces()) {
      if (filters.length && !filters.some((f) => ws.name.includes(f))) continue
      const testDir = join(ws.dir, 'test')
      if (!existsSync(testDir)) continue
      const files = readdirSync(testDir).filter((f) => f.endsWith('.test.ts')).sort().map((f) => `test/${f}`)
      if (files.length === 0) continue
      console.log(`\n== ${ws.name} on ${runtime}: ${files.length} file(s) in ${relative(ROOT, ws.dir)}`)
      const [cmd, cmdArgs] = testCommand(runtime, files)
      const r = await run(cmd, cmdArgs, { cwd: ws.dir, env: slow ? { TUYA_SLOW: '1' } : {}, quiet: true })
      const c = counts(runtime, r.out)
      const ok = r.code === 0 && c.failed === 0 && c.passed > 0
      if (!ok) {
        process.stdout.write(r.out)
        failures.push(`${ws.name} on ${runtime}`)
        if (c.failed === 0) c.failed = 1 // a crash or a run with no test counts as a failure
      }
      console.log(`   ${ok ? 'ok  ' : 'FAIL'} ${c.passed} passed, ${c.failed} failed (exit ${r.code})`)
      table.push({ name: ws.name, runtime, passed: c.passed, failed: c.failed })
      passed += c.passed
      failed += c.failed
    }
  }
}

console.log('\n== summary')
for (const line of formatSummaryTable(table)) console.log(line)
if (failures.length) console.log(`failed: ${failures.join('; ')}`)
if (failures.length && failed === 0) failed = failures.length
console.log(`${passed} passed, ${failed} failed`)
process.exit(failures.length ? 1 : 0)
