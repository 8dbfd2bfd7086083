import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { assertNetPermission } from '../src/index.ts'
import { DENO, runChild } from './runtime-child.ts'

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined'
const BUILT = existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)))
const denoChildSkip = !existsSync(DENO) ? 'deno is not installed (npm ci installs it)' : !BUILT ? 'the package is not built (npx turbo run build)' : false

const SCRIPT = `import { assertNetPermission } from '@tuya/platform'
try {
  assertNetPermission('127.0.0.1', 0)
  console.log('allowed')
} catch (error) {
  console.log(error.name + ': ' + error.message)
}
`

describe('assertNetPermission', () => {
  it('returns where the runtime grants the network (the test runs with it)', () => {
    assert.equal(assertNetPermission('127.0.0.1', 0), undefined)
  })

  it('Deno without --allow-net: throws an Error named NotCapable that says to run with --allow-net', { skip: denoChildSkip }, () => {
    const denied = runChild(SCRIPT, 'deno', ['--allow-read', '--allow-env'])
    assert.equal(denied.status, 0, denied.stderr)
    assert.equal(denied.stdout.trim(), 'NotCapable: Deno denies network access to 127.0.0.1:0: run with --allow-net')
    const allowed = runChild(SCRIPT, 'deno', ['--allow-read', '--allow-env', '--allow-net=127.0.0.1'])
    assert.equal(allowed.stdout.trim(), 'allowed', allowed.stderr)
  })

  it("asks Deno's permissions for host:port, and throws only on a state other than granted", { skip: isDeno ? 'runs where globalThis.Deno can be stood in for (Node, Bun); the child test covers Deno' : false }, () => {
    const asked: unknown[] = []
    let state = 'denied'
    const fake = { permissions: { querySync: (descriptor: unknown) => (asked.push(descriptor), { state }) } }
    Object.defineProperty(globalThis, 'Deno', { value: fake, configurable: true })
    try {
      assert.throws(() => assertNetPermission('0.0.0.0', 6667), { name: 'NotCapable', message: 'Deno denies network access to 0.0.0.0:6667: run with --allow-net' })
      state = 'prompt'
      assert.throws(() => assertNetPermission('0.0.0.0', 6667), { name: 'NotCapable' })
      state = 'granted'
      assertNetPermission('127.0.0.1', 0)
    } finally {
      delete (globalThis as { Deno?: unknown }).Deno
    }
    assert.deepEqual(asked, [{ name: 'net', host: '0.0.0.0:6667' }, { name: 'net', host: '0.0.0.0:6667' }, { name: 'net', host: '127.0.0.1:0' }])
  })
})
