/**
 * What a failed connection is blamed on: "wrong key" only with evidence of a key failure, "wrong
 * version" (naming the version seen) when the device's frames or silence point there; certain
 * failures (refused, unresolvable, no permission) named in `OfflineError.reason` at once.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import * as net from 'node:net'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createDevice, OfflineError, WrongKeyError, WrongVersionError, type Connector } from '../src/index.ts'
import { FAST, ID, KEY, pair, settle } from './helpers/setup.ts'

describe('wrong version or wrong key', () => {
  it('a 3.1 client ignored by a newer device: wrong version, not key (a 3.1 query is unencrypted)', async () => {
    for (const version of ['3.3', '3.4', '3.5'] as const) {
      await using p = await pair({ version }, { version: '3.1', timeoutMs: 800 })
      const { error } = await settle(p.device.status())
      assert.ok(error instanceof WrongVersionError, `${version}: got ${String(error)}`)
      assert.match(error.message, /does not speak 3\.1/)
      assert.equal(error.seenVersion, undefined, 'silence shows no version')
    }
  })

  it('a 3.1 client answered in 3.3 (a device that answers clear queries): wrong version, naming 3.3, at once', async () => {
    await using p = await pair({ version: '3.3', quirks: { answersClearQueries: true } }, { version: '3.1', timeoutMs: 5000 })
    const started = Date.now()
    const { error } = await settle(p.device.status())
    assert.ok(error instanceof WrongVersionError, `got ${String(error)}`)
    assert.equal(error.seenVersion, '3.3')
    assert.match(error.message, /answered in protocol 3\.3, not 3\.1/)
    assert.ok(Date.now() - started < 2500, 'from the reply, not at the deadline')
  })

  it('a reply that does not decrypt under the right framing is a wrong key (proven)', async () => {
    await using p = await pair({ version: '3.3', faults: { wrongKey: 'fedcba9876543210' } }, { version: '3.3' })
    const { error } = await settle(p.device.status())
    assert.ok(error instanceof WrongKeyError, `got ${String(error)}`)
    assert.equal(error.reason, 'undecryptable')
    assert.equal(error.isProven, true)
  })

  it('silence after a 3.3 query, or to a 3.4/3.5 handshake, blames the key and the version alike', async () => {
    for (const [client, device] of [['3.3', '3.5'], ['3.5', '3.3'], ['3.4', '3.3']] as const) {
      await using p = await pair({ version: device }, { version: client, timeoutMs: 800, connectTimeoutMs: 400 })
      const { error } = await settle(p.device.status())
      assert.ok(error instanceof WrongKeyError, `${client} vs ${device}: got ${String(error)}`)
      assert.equal(error.isProven, false)
      assert.match(error.message, /the local key or the version is (probably )?wrong/)
    }
  })
})

/** A connector that fails every attempt with `error` (as node:net reports DNS and permission failures). */
function failingConnector(error: Error): Connector & { attempts: number } {
  const connector = Object.assign(() => {
    connector.attempts++
    return Promise.reject(error)
  }, { attempts: 0 })
  return connector
}

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('certain connection failures: refused, unresolvable, no permission', () => {
  it('a refused connection: failFast and reconnect: false commands reject at the first attempt with reason refused', async () => {
    const port = await freePort()
    for (const options of [{ failFast: true }, { reconnect: false as const }]) {
      const device = createDevice({ id: ID, key: KEY, host: '127.0.0.1', port, version: '3.3', ...FAST, ...options, timeoutMs: 5000 })
      const started = Date.now()
      const { error } = await settle(device.status())
      await device.close()
      assert.ok(error instanceof OfflineError, `got ${String(error)}`)
      assert.equal(error.reason, 'refused')
      assert.equal(error.failure, 'refused')
      assert.equal((error.cause as { cause?: { code?: string } }).cause?.code, 'ECONNREFUSED')
      assert.ok(Date.now() - started < 2500, `${JSON.stringify(options)}: not at the 5 s deadline`)
    }
  })

  it('a persistent handle keeps waiting out a refusal (the device may be restarting)', async () => {
    const port = await freePort()
    const device = createDevice({ id: ID, key: KEY, host: '127.0.0.1', port, version: '3.3', ...FAST, timeoutMs: 600 })
    const { error } = await settle(device.status())
    await device.close()
    assert.ok(error instanceof OfflineError, `got ${String(error)}`)
    assert.equal(error.reason, 'deadline')
    assert.equal(error.failure, 'refused')
  })

  it('a host name that does not resolve: reason unresolvable', async () => {
    // node:net reports a failed lookup as an error with code ENOTFOUND; a real lookup would ask a
    // DNS server off this machine, so the connector plays it.
    const transport = failingConnector(Object.assign(new Error('getaddrinfo ENOTFOUND lamp.home'), { code: 'ENOTFOUND' }))
    const device = createDevice({ id: ID, key: KEY, host: 'lamp.home', version: '3.3', ...FAST, transport, timeoutMs: 5000 })
    const { error } = await settle(device.status({ failFast: true }))
    await device.close()
    assert.ok(error instanceof OfflineError, `got ${String(error)}`)
    assert.equal(error.reason, 'unresolvable')
    assert.equal(transport.attempts, 1)
  })

  it('no permission to use the network rejects every command and connect() at once, failFast or not', async () => {
    const transport = failingConnector(Object.assign(new Error('Requires net access to "127.0.0.1:6668", run again with the --allow-net flag'), { name: 'NotCapable' }))
    const device = createDevice({ id: ID, key: KEY, host: '127.0.0.1', version: '3.3', ...FAST, transport, timeoutMs: 5000 })
    const started = Date.now()
    const [status, connect] = await Promise.all([settle(device.status()), settle(device.connect())])
    const later = await settle(device.set({ '1': true }))
    await device.close()
    for (const { error } of [status, connect, later]) {
      assert.ok(error instanceof OfflineError, `got ${String(error)}`)
      assert.equal(error.reason, 'permission-denied')
      assert.match(error.message, /--allow-net/)
    }
    assert.ok(Date.now() - started < 2500, 'at once')
    assert.equal(transport.attempts, 1, 'the later command did not try again before the backoff')
  })
})

const DENO = fileURLToPath(new URL('../../../node_modules/.bin/deno', import.meta.url))

describe('certain failures on a real runtime', () => {
  it('Deno without --allow-net: the client reports permission-denied at once', { skip: existsSync(DENO) ? false : 'deno is not installed (npm ci installs it)' }, () => {
    const script = fileURLToPath(new URL('./fixtures/deno-no-net.ts', import.meta.url))
    const result = spawnSync(DENO, ['run', '--no-prompt', '--no-lock', '--allow-read', '--allow-env', script], { encoding: 'utf8', timeout: 30_000 })
    assert.equal(result.status, 0, result.stderr)
    const outcome = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { name: string; reason: string; elapsedMs: number }
    assert.deepEqual([outcome.name, outcome.reason], ['OfflineError', 'permission-denied'])
    assert.ok(outcome.elapsedMs < 2500, `within the first attempt, took ${outcome.elapsedMs} ms`)
  })
})
