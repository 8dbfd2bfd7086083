/**
 * Per-version facts live in one table, the codec's `VERSION_FACTS` (STYLE.md, h11 "Rule 1";
 * ARCHITECTURE.md): code elsewhere looks a fact up instead of naming a version. This test reads
 * every source file of the packages and the CLI and fails on a version literal, a string that
 * is `'3.1'` … `'3.5'` or quotes one (`"use version '3.4'"`), naming file:line. Comments are
 * not code (they are skipped, so JSDoc examples may name versions).
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { describe, it } from 'node:test'
import ts from 'typescript'

const ROOT = new URL('../../../', import.meta.url)

/** The codec's table: the version list, the table rows and their per-version payload rules. */
const TABLE_FILES: Record<string, string> = {
  'packages/codec/src/types.ts': 'PROTOCOL_VERSIONS, the list ProtocolVersion is computed from',
  'packages/codec/src/protocols.ts': 'the version table itself',
  'packages/codec/src/payload-v31.ts': "the 3.1 payload rules: '3.1' is the prefix of a signed 3.1 payload on the wire",
}

/**
 * Versions that are inputs, not facts: the version a program is configured with. Each entry
 * is a file and a piece of the offending line.
 */
const ALLOWED: ReadonlyArray<{ file: string; line: string; reason: string }> = [
  { file: 'packages/mock/src/options.ts', line: 'DEFAULT_VERSION: ProtocolVersion =', reason: 'the version a mock speaks unless told otherwise' },
  { file: 'apps/cli/src/demo/devices.ts', line: "role: '", reason: 'the demo fleet: which version each simulated device is configured with' },
  { file: 'apps/cli/src/demo/bridge-step.ts', line: 'PLUG', reason: "the bridge demo's plug, configured as a 3.4 device" },
]

const VERSION = /^3\.[1-5]$/
const QUOTED_VERSION = /(['"`])3\.[1-5]\1/

function* sourceFiles(dir: URL): Generator<URL> {
  for (const entry of readdirSync(dir)) {
    const path = new URL(entry, dir)
    if (statSync(path).isDirectory()) yield* sourceFiles(new URL(`${entry}/`, dir))
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) yield path
  }
}

function sourceDirs(): Array<{ name: string; dir: URL }> {
  const packages = new URL('packages/', ROOT)
  const dirs = readdirSync(packages)
    .filter((name) => statSync(new URL(`${name}/src`, packages), { throwIfNoEntry: false })?.isDirectory() === true)
    .map((name) => ({ name: `packages/${name}/src`, dir: new URL(`${name}/src/`, packages) }))
  return [...dirs, { name: 'apps/cli/src', dir: new URL('apps/cli/src/', ROOT) }]
}

/** `file:line: text` for each version literal in one file (string and template literals, type literals included). */
function versionLiterals(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const found: string[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) {
      const value = (node as ts.LiteralLikeNode).text
      if (VERSION.test(value) || QUOTED_VERSION.test(value)) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart(source))
        const code = text.split('\n')[line]!.trim()
        if (!ALLOWED.some((a) => a.file === file && code.includes(a.line))) found.push(`${file}:${line + 1}: ${code.slice(0, 120)}`)
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

describe('no version literal outside the codec table', () => {
  for (const { name, dir } of sourceDirs()) {
    it(`${name}: facts are looked up in VERSION_FACTS, not written as '3.x'`, () => {
      const found: string[] = []
      for (const url of sourceFiles(dir)) {
        const file = url.href.slice(ROOT.href.length)
        if (Object.hasOwn(TABLE_FILES, file)) continue
        found.push(...versionLiterals(file, readFileSync(url, 'utf8')))
      }
      assert.deepEqual([...new Set(found)], [], 'read the fact from VERSION_FACTS (@tuya/codec) instead; a configured version (an input) goes in ALLOWED with its reason')
    })
  }

  it('finds literals in code and not in comments', () => {
    const code = [
      "/** @example connect({ version: '3.4' }) */",
      "// version '3.3'",
      "const a = '3.5'",
      "type B = '3.1' | 'x'",
      'const c = `use version \'3.2\'`',
      "const d = '3.x', e = '13.4', f = 'protocol 3.3'",
    ].join('\n')
    assert.deepEqual(versionLiterals('x.ts', code).map((f) => f.split(':')[1]), ['3', '4', '5'])
  })

  it('every allowlist entry and table file still exists and still matches something', () => {
    for (const file of Object.keys(TABLE_FILES)) assert.ok(statSync(new URL(file, ROOT)).isFile(), file)
    for (const a of ALLOWED) {
      const lines = readFileSync(new URL(a.file, ROOT), 'utf8').split('\n')
      assert.ok(lines.some((l) => l.includes(a.line) && QUOTED_VERSION.test(l)), `stale allowlist entry ${a.file}: ${a.line}`)
    }
  })
})
