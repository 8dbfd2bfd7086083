/**
 * The repository around the CLI: a fresh `npm ci` prints no install-script warning (every
 * dependency with an install script is declared in the root `allowScripts`), and the
 * `npm test` summary lines up for every workspace name.
 */
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { formatSummaryTable } from '../../../scripts/test-summary.mjs'
import { INTEGRATION_DEPS, workspaces } from '../../../scripts/workspaces.mjs'

const ROOT = new URL('../../../', import.meta.url)

interface LockEntry {
  readonly version?: string
  readonly hasInstallScript?: boolean
}

describe('root package.json allowScripts', () => {
  it('covers every locked dependency that has an install script (npm ci stays quiet)', () => {
    const root = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { allowScripts?: Record<string, boolean> }
    const lock = JSON.parse(readFileSync(new URL('package-lock.json', ROOT), 'utf8')) as { packages: Record<string, LockEntry> }
    const withScripts = Object.entries(lock.packages)
      .filter(([path, entry]) => path.startsWith('node_modules/') && entry.hasInstallScript === true)
      .map(([path, entry]) => ({ name: path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length), version: entry.version }))
    assert.ok(withScripts.some((p) => p.name === 'esbuild'), 'the lock file lists esbuild (through tsx) with its install script')
    const allowed = root.allowScripts ?? {}
    const missing = withScripts.filter((p) => allowed[p.name] !== true && allowed[`${p.name}@${p.version}`] !== true)
    assert.deepEqual(missing.map((p) => p.name), [], 'add them to "allowScripts" in the root package.json (npm install-scripts approve NAME)')
  })
})

describe('READMEs run bun and deno the way a fresh clone has them', () => {
  // npm ci installs Bun and Deno as dev dependencies, into node_modules/.bin: not on the PATH.
  const BARE = /(?:^|`|\$ )(?:bun|deno) (?:run|test|apps|examples|bench)\b/m
  for (const file of ['README.md', 'examples/README.md', 'apps/cli/README.md']) {
    it(`${file}: every bun/deno command goes through npx`, () => {
      const lines = readFileSync(new URL(file, ROOT), 'utf8').split('\n')
      const bare = lines.filter((line) => BARE.test(line.trimStart()))
      assert.deepEqual(bare, [], `write npx bun / npx deno in ${file}`)
      assert.ok(lines.some((line) => /npx (?:bun|deno) /.test(line)), `${file} shows how to run Bun or Deno`)
    })
  }
})

describe('@tuya/cli is a published package', () => {
  it('not private, bin tuya, files, publishConfig like the other packages; its dependencies are published workspaces', () => {
    const cli = JSON.parse(readFileSync(new URL('apps/cli/package.json', ROOT), 'utf8')) as Record<string, unknown>
    assert.notEqual(cli['private'], true)
    assert.deepEqual(cli['bin'], { tuya: './bin/tuya.js' })
    assert.ok(existsSync(new URL('apps/cli/bin/tuya.js', ROOT)))
    assert.ok(['bin', 'dist'].every((f) => (cli['files'] as string[]).includes(f)), JSON.stringify(cli['files']))
    assert.deepEqual(cli['publishConfig'], { access: 'public' })
    const published = new Map(workspaces().filter((w) => !w.isPrivate).map((w) => [w.name, w.pkg['version']]))
    for (const [dep, range] of Object.entries(cli['dependencies'] as Record<string, string>)) {
      if (INTEGRATION_DEPS['@tuya/cli']!.includes(dep)) continue // MQTT.js and aedes for `tuya bridge`
      assert.ok(published.has(dep), `${dep} is a published workspace`)
      assert.equal(range, `^${String(published.get(dep))}`, dep)
    }
  })
})

describe('npm test summary table', () => {
  it('aligns the runtime and count columns whatever the workspace names and counts', () => {
    const names = workspaces().map((w) => w.name)
    assert.ok(names.includes('@tuya/discovery') && names.includes('@tuya/cli'))
    const rows = names.flatMap((name, i) => ['node', 'bun', 'deno'].map((runtime, j) => ({ name, runtime, passed: (i + 1) * 10 ** j, failed: j === 2 ? 12 : 0 })))
    const lines = formatSummaryTable(rows)
    assert.equal(lines.length, rows.length)
    const columns = (line: string, row: { runtime: string }): number[] => [line.indexOf(` ${row.runtime} `), line.indexOf(' passed'), line.indexOf(' failed')]
    const first = columns(lines[0]!, rows[0]!)
    lines.forEach((line, i) => assert.deepEqual(columns(line, rows[i]!), first, `line ${i} is out of line:\n${lines.join('\n')}`))
  })
})
