/**
 * The README's examples are test/readme-example.ts and test/readme-errors-example.ts verbatim,
 * except that the files import '../src/index.ts' where the README says '@tuya/discovery'.
 * `tsc -p tsconfig.json` typechecks those files, so the README cannot drift from the API.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { it } from 'node:test'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1])
const file = (name: string) => readFileSync(new URL(name, import.meta.url), 'utf8').replace("from '../src/index.ts'", "from '@tuya/discovery'")

it('README example = test/readme-example.ts, at most 15 lines', () => {
  const example = file('./readme-example.ts')
  assert.equal(blocks[0], example)
  assert.ok(example.trim().split('\n').length <= 15)
})

it('README errors example = test/readme-errors-example.ts', () => {
  assert.equal(blocks.length, 2)
  assert.equal(blocks[1], file('./readme-errors-example.ts'))
})
