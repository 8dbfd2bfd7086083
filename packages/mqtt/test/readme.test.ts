/**
 * The README's TypeScript example is test/readme-example.ts verbatim, except that the file
 * imports '../src/index.ts' where the README says '@tuya/mqtt'. `tsc -p tsconfig.json`
 * typechecks that file, so the README cannot drift from the API. (It talks to a broker and a
 * device on a LAN, so it is compiled, not run; the same calls run in bridge.test.ts.)
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { it } from 'node:test'
import { parseBridgeFile } from '../src/index.ts'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const blocks = (lang: string) => [...readme.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!)

it('README example = test/readme-example.ts, at most 15 lines', () => {
  const example = readFileSync(new URL('./readme-example.ts', import.meta.url), 'utf8').replace("from '../src/index.ts'", "from '@tuya/mqtt'")
  assert.equal(blocks('ts')[0], example)
  assert.ok(example.trim().split('\n').length <= 15)
})

it('every YAML block of the README is a valid bridge file', () => {
  const yaml = blocks('yaml')
  assert.ok(yaml.length >= 1)
  for (const block of yaml) assert.doesNotThrow(() => parseBridgeFile(block), block)
})

it('the Home Assistant setup takes at most ten lines', () => {
  const setup = blocks('sh')[0]!
  assert.ok(setup.trim().split('\n').length <= 10, setup)
})
