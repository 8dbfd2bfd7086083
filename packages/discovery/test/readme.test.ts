/**
 * The README's example is test/readme-example.ts verbatim, except that the file imports
 * '../src/index.ts' where the README says '@tuya/discovery'. `tsc -p tsconfig.json`
 * typechecks that file, so the README cannot drift from the API.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { it } from 'node:test'

it('README example = test/readme-example.ts, at most 15 lines', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const example = readFileSync(new URL('./readme-example.ts', import.meta.url), 'utf8').replace("from '../src/index.ts'", "from '@tuya/discovery'")
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1]
  assert.equal(block, example)
  assert.ok(example.trim().split('\n').length <= 15)
})
