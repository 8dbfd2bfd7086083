/**
 * The CLI as someone who never cloned the repository gets it: `npm pack` of @tuya/cli and of
 * the workspaces it depends on, installed from those tarballs into an empty folder, then
 * `npx tuya --help` and `npx tuya demo --json` run from there. The third-party packages come from
 * the npm cache the repository's install filled where it can (`--prefer-offline`); their
 * registry documents are not in that cache after `npm ci`, so the install reads them from the
 * registry, as `npm ci` itself does, and the test reports itself skipped when there is none. It packs and installs nine packages, so it runs
 * with the slow tests only (`npm run test:slow`, or TUYA_SLOW=1); otherwise it reports itself
 * skipped.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const IS_SLOW = process.env['TUYA_SLOW'] === '1'
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx'

/** npm's codes for "the registry cannot be reached": the machine, not the package, is at fault. */
const NO_REGISTRY = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ENETUNREACH|ETIMEDOUT|ENOTCACHED)\b/

class NoRegistry extends Error {}

function run(command: string, args: readonly string[], cwd: string): { stdout: string; stderr: string } {
  // A clean environment for npm: no workspace or prefix settings leak in from the test runner.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)))
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...env, NO_COLOR: '1' }, timeout: 240_000 })
  assert.equal(result.error, undefined, `${command} ${args.join(' ')}: ${String(result.error)}`)
  if (result.status !== 0 && args[0] === 'install' && NO_REGISTRY.test(result.stderr)) throw new NoRegistry(result.stderr.split('\n').find((l) => NO_REGISTRY.test(l)) ?? 'no registry')
  assert.equal(result.status, 0, `${command} ${args.join(' ')} in ${cwd} exited ${String(result.status)}:\n${result.stdout}\n${result.stderr}`)
  return { stdout: result.stdout, stderr: result.stderr }
}

/** @tuya/cli and, transitively, the workspaces it depends on. */
function workspacesToPack(): string[] {
  const dirs = new Map<string, string>()
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }
  for (const pattern of root.workspaces) {
    const found = pattern.endsWith('/*') ? readdirSync(join(ROOT, pattern.slice(0, -2))).map((d) => join(pattern.slice(0, -2), d)) : [pattern]
    for (const dir of found) {
      const file = join(ROOT, dir, 'package.json')
      if (existsSync(file)) dirs.set((JSON.parse(readFileSync(file, 'utf8')) as { name: string }).name, dir)
    }
  }
  const wanted = new Set<string>()
  const visit = (name: string): void => {
    if (wanted.has(name) || !dirs.has(name)) return
    wanted.add(name)
    const pkg = JSON.parse(readFileSync(join(ROOT, dirs.get(name)!, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep)
  }
  visit('@tuya/cli')
  return [...wanted]
}

describe('the published CLI', () => {
  it('npm pack of @tuya/cli and its workspace dependencies installs into an empty folder, and npx tuya runs there', { timeout: 600_000 }, (t) => {
    if (!IS_SLOW) {
      t.skip('slow (packs and installs nine packages): runs with npm run test:slow (TUYA_SLOW=1)')
      return
    }
    assert.ok(existsSync(join(ROOT, 'apps/cli/dist/bin.js')), 'build first: npx turbo run build')
    const work = mkdtempSync(join(tmpdir(), 'tuya-cli-pack-'))
    try {
      const packs = join(work, 'tarballs')
      const dir = join(work, 'app')
      mkdirSync(packs)
      mkdirSync(dir)
      run(NPM, ['pack', '--silent', '--pack-destination', packs, ...workspacesToPack().flatMap((name) => ['-w', name])], ROOT)
      const tarballs = readdirSync(packs).filter((f) => f.endsWith('.tgz')).sort()
      assert.equal(tarballs.length, workspacesToPack().length, tarballs.join(', '))
      assert.ok(tarballs.some((f) => f.startsWith('tuya-cli-')), tarballs.join(', '))
      // client, discovery and mock import @tuya/platform: a packed install without it fails to start.
      assert.ok(tarballs.some((f) => f.startsWith('tuya-platform-')), tarballs.join(', '))
      run(NPM, ['init', '-y'], dir)
      try {
        run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', ...tarballs.map((f) => join(packs, f))], dir)
      } catch (error) {
        if (!(error instanceof NoRegistry)) throw error
        t.skip(`the npm registry cannot be reached for the third-party dependencies' documents (${error.message.trim()})`)
        return
      }
      const help = run(NPX, ['--offline', 'tuya', '--help'], dir)
      assert.match(help.stdout, /^Usage: tuya <command> \[options\]/)
      for (const command of ['demo', 'scan', 'get', 'set', 'watch', 'mock', 'decode']) assert.match(help.stdout, new RegExp(`^  ${command} `, 'm'))
      const version = run(NPX, ['--offline', 'tuya', '--version'], dir)
      assert.equal(version.stdout.trim(), (JSON.parse(readFileSync(join(ROOT, 'apps/cli/package.json'), 'utf8')) as { version: string }).version)
      const demo = run(NPX, ['--offline', 'tuya', 'demo', '--json'], dir)
      const summary = JSON.parse(demo.stdout.trim().split('\n').at(-1)!) as { discovered: number; connected: number }
      assert.deepEqual([summary.discovered, summary.connected], [4, 4], demo.stdout)
      assert.ok(!existsSync(join(dir, 'node_modules/@tuya/cli/test')), 'tests are not published')
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  })
})
