#!/usr/bin/env node
// Checks every published package: publint (strict), are-the-types-wrong (ESM-only profile),
// and this repo's source rules from STYLE.md. Run after a build.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { INTEGRATION_DEPS, ROOT, workspaces } from './workspaces.mjs'

const bin = (name) => join(ROOT, 'node_modules', '.bin', name)
const problems = []

// Core packages: no platform APIs, no clocks, no ambient randomness (STYLE.md "Sans-I/O core").
const CORE = new Set(['@tuya/crypto', '@tuya/codec', '@tuya/session'])
// The packages with sockets and timers: their clock, timers, events and Deno check are @tuya/platform's.
const PLATFORM_USERS = new Set(['@tuya/client', '@tuya/discovery', '@tuya/mock'])
const RULES = [
  { re: /\bBuffer\b/, why: 'Buffer in src (use Uint8Array)', scope: 'all' },
  // @tuya/crypto/node is the opt-in native backend: a separate entry point, never imported by the main one.
  { re: /from ['"]node:/, why: 'node: import in a core package', scope: 'core', allow: /crypto\/src\/node\.ts$/ },
  { re: /\bDate\.now\(|\bsetTimeout\(|\bsetInterval\(|\bMath\.random\(/, why: 'clock, timer or Math.random in a core package', scope: 'core' },
  { re: /getRandomValues/, why: 'randomness outside @tuya/crypto random.ts (use its defaultRandom)', scope: 'all', allow: /crypto\/src\/random\.ts$/ },
  { re: /\bDate\.now\(|\bsetTimeout\(|\bsetInterval\(|\bperformance\.now\(/, why: 'a clock or timer of its own (use systemClock / startTimer / monotonicNow from @tuya/platform)', scope: 'platform-users' },
  { re: /\bextends EventTarget\b/, why: 'an EventTarget of its own (extend TypedEventTarget from @tuya/platform)', scope: 'all', allow: /platform\/src\/events\.ts$/ },
  { re: /\bquerySync\b/, why: "a Deno permission check of its own (use @tuya/platform's assertNetPermission)", scope: 'all', allow: /platform\/src\/permission\.ts$/ },
  { re: /(?:===|!==)\s*['"]3\.[1-5]['"]|['"]3\.[1-5]['"]\s*(?:===|!==)/, why: "a version === '3.x' branch (keep per-version behaviour in the protocol table)", scope: 'all' },
]

function* walk(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) yield* walk(path)
    else if (path.endsWith('.ts')) yield path
  }
}

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1')
}

for (const ws of workspaces()) {
  const src = join(ws.dir, 'src')
  if (existsSync(src) && ws.dir.includes('/packages/')) {
    for (const file of walk(src)) {
      const code = stripComments(readFileSync(file, 'utf8'))
      for (const rule of RULES) {
        if (rule.scope === 'core' && !CORE.has(ws.name)) continue
        if (rule.scope === 'platform-users' && !PLATFORM_USERS.has(ws.name)) continue
        if (rule.allow?.test(file)) continue
        if (rule.re.test(code)) problems.push(`${relative(ROOT, file)}: ${rule.why}`)
      }
    }
  }
  if (ws.isPrivate) continue
  if (!existsSync(join(ws.dir, 'dist'))) {
    problems.push(`${ws.name}: no dist/ (build first)`)
    continue
  }
  const deps = Object.keys(ws.pkg.dependencies ?? {})
  // Integration packages depend on their field's standard libraries (STYLE.md "package.json").
  const allowed = INTEGRATION_DEPS[ws.name] ?? []
  // @tuya/platform sits under everything that has sockets or timers: it depends on nothing.
  if (ws.name === '@tuya/platform' && deps.length) problems.push(`@tuya/platform: depends on ${deps.join(', ')} (it must depend on nothing)`)
  const foreign = deps.filter((d) => !d.startsWith('@noble/') && !d.startsWith('@tuya/') && !allowed.includes(d))
  if (foreign.length) problems.push(`${ws.name}: runtime dependencies other than @noble/* and @tuya/*: ${foreign.join(', ')}`)
  // A command-line tool (bin, no exports) is run, never imported: no types to check.
  const isBinOnly = ws.pkg.bin !== undefined && ws.pkg.exports === undefined
  for (const field of isBinOnly ? ['bin', 'files', 'publishConfig'] : ['sideEffects', 'exports', 'types', 'files']) {
    if (!(field in ws.pkg)) problems.push(`${ws.name}: package.json has no "${field}"`)
  }
  const publint = spawnSync(bin('publint'), ['run', '--strict', '--pack', 'npm', ws.dir], { encoding: 'utf8' })
  const publintOut = `${publint.stdout}${publint.stderr}`.trim()
  if (publint.status !== 0) problems.push(`${ws.name}: publint:\n${publintOut}`)
  if (isBinOnly) {
    console.log(`${ws.name}: publint ${publint.status === 0 ? 'ok' : 'FAILED'} (a command: no types to check)`)
    continue
  }
  const attw = spawnSync(bin('attw'), ['--pack', ws.dir, '--profile', 'esm-only', '--format', 'ascii', '--no-emoji'], { encoding: 'utf8' })
  if (attw.status !== 0) problems.push(`${ws.name}: are-the-types-wrong:\n${attw.stdout}${attw.stderr}`)
  console.log(`${ws.name}: publint ${publint.status === 0 ? 'ok' : 'FAILED'}, attw ${attw.status === 0 ? 'ok' : 'FAILED'}`)
}

if (problems.length) {
  console.log(`\n${problems.length} problem(s):\n- ${problems.join('\n- ')}`)
  process.exit(1)
}
console.log('all published packages pass publint, are-the-types-wrong and the source rules')
