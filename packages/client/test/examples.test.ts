/**
 * Runs every file of examples/ against @tuya/mock, as the README promises they work.
 */
import assert from 'node:assert/strict'
import * as net from 'node:net'
import { describe, it } from 'node:test'
import { createMockDevice } from '@tuya/mock'
import { main as autoVersion } from '../examples/auto-version.ts'
import { main as basic } from '../examples/basic.ts'
import { main as errors } from '../examples/errors.ts'
import { main as events } from '../examples/events.ts'
import { main as gateway } from '../examples/gateway.ts'
import { main as manyDevices } from '../examples/many-devices.ts'
import { ID, KEY, VERSIONS } from './helpers/setup.ts'

const quiet = (): void => {}

describe('examples', () => {
  for (const version of VERSIONS) {
    it(`basic.ts (${version})`, async () => {
      await using mock = await createMockDevice({ version, id: ID, localKey: KEY, dps: { '1': false, '2': 50 } })
      const result = await basic({ id: ID, key: KEY, host: '127.0.0.1', port: mock.port, version })
      assert.deepEqual(result.before, { '1': false, '2': 50 })
      assert.deepEqual(result.reported, { '1': false, '2': 25 })
      assert.deepEqual(result.state, { '1': false, '2': 25 })
      assert.deepEqual(mock.getDps(), { '1': false, '2': 25 })
    })
  }

  it('events.ts', async () => {
    await using mock = await createMockDevice({ version: '3.4', id: ID, localKey: KEY, dps: { '1': false } })
    const log = console.log
    console.log = quiet
    try {
      const seen = await events({ id: ID, key: KEY, host: '127.0.0.1', port: mock.port, version: '3.4' }, {
        count: 2,
        onReady: () => {
          // The device's side: two button presses, once the handshake is through on its end.
          setTimeout(() => { mock.setDps({ '1': true }); mock.setDps({ '1': false }) }, 50)
        },
      })
      assert.deepEqual(seen.map((u) => [u.source, u.dps]), [['push', { '1': true }], ['push', { '1': false }]])
    } finally {
      console.log = log
    }
  })

  it('errors.ts', async () => {
    await using mock = await createMockDevice({ version: '3.3', id: ID, localKey: KEY })
    assert.equal(await errors({ id: ID, key: KEY, host: '127.0.0.1', port: mock.port, version: '3.3' }), 'ok')
    const wrong = await createMockDevice({ version: '3.5', id: ID, localKey: KEY, faults: { wrongKey: 'fedcba9876543210' } })
    assert.match(await errors({ id: ID, key: KEY, host: '127.0.0.1', port: wrong.port, version: '3.5' }), /wrong local key/)
    await wrong.close()
    const free = net.createServer()
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve))
    const port = (free.address() as net.AddressInfo).port
    await new Promise((resolve) => free.close(resolve)) // nobody listens there now
    assert.match(await errors({ id: ID, key: KEY, host: '127.0.0.1', port, version: '3.3' }), /^offline \(refused, refused\)/)
  })

  it('gateway.ts', async () => {
    await using mock = await createMockDevice({ version: '3.4', id: ID, localKey: KEY, dps: {}, gateway: { a4c1380f4cd8e7b2: { '1': false } } })
    const log = console.log
    console.log = quiet
    try {
      const result = await gateway({ id: ID, key: KEY, host: '127.0.0.1', port: mock.port, version: '3.4' })
      assert.deepEqual(result.online, ['a4c1380f4cd8e7b2'])
      assert.deepEqual(result.child, { cid: 'a4c1380f4cd8e7b2', before: { '1': false }, after: { '1': true } })
    } finally {
      console.log = log
    }
  })

  it('auto-version.ts', async () => {
    await using mock = await createMockDevice({ version: '3.3', dev22: true, id: ID, localKey: KEY })
    const lines: string[] = []
    const result = await autoVersion({ id: ID, key: KEY, host: '127.0.0.1', port: mock.port, version: 'auto' }, (e) => lines.push(e.message))
    assert.deepEqual(result, { version: '3.3', isDevice22: true })
    assert.ok(lines.some((l) => l.includes('detected protocol version 3.3')))
  })

  it('many-devices.ts', async () => {
    const mocks = await Promise.all(['3.3', '3.4', '3.5'].map((version) => createMockDevice({ version: version as '3.3', id: ID, localKey: KEY, dps: { '1': version === '3.4' } })))
    try {
      const result = await manyDevices(mocks.map((m) => ({ id: ID, key: KEY, host: '127.0.0.1', port: m.port, version: m.version })))
      assert.deepEqual(result.map((r) => r.state), [{ '1': false }, { '1': true }, { '1': false }])
    } finally {
      await Promise.all(mocks.map((m) => m.close()))
    }
  })
})
