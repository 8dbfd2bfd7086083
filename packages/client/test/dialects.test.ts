/**
 * `version: 'auto'` and the device22 dialect (PROTOCOL.md §9): detection, DP-id probing,
 * and where detection must not happen (3.1, 3.5, gateways).
 */
import assert from 'node:assert/strict'
import * as net from 'node:net'
import { describe, it } from 'node:test'
import { createDevice, DataUnvalidError, VersionNotFoundError, WrongKeyError } from '../src/index.ts'
import { count, FAST, ID, KEY, pair, settle, VERSIONS } from './helpers/setup.ts'

const DPS = { '1': false, '2': 50, '25': 'scene', '101': 7 }

describe("version: 'auto'", () => {
  for (const version of VERSIONS) {
    it(`finds ${version} in one connection and says so`, async () => {
      await using p = await pair({ version, dps: DPS }, { version: 'auto' })
      const { device, mock } = p
      let connections = 0
      mock.addEventListener('connection', () => connections++)
      assert.equal(device.version, undefined)
      const connected = await device.connect()
      assert.deepEqual(connected, { version, isReconnect: false, isVersionDetected: true })
      assert.equal(device.version, version)
      assert.deepEqual(await device.status(), DPS)
      assert.deepEqual(await device.set({ '2': 51 }), { '2': 51 })
      assert.equal(connections, 1)
    })
  }

  for (const version of ['3.3', '3.4'] as const) {
    it(`finds ${version} device22 units`, async () => {
      await using p = await pair({ version, dev22: true, dps: DPS }, { version: 'auto' })
      assert.deepEqual(await p.device.status(), DPS)
      assert.equal(p.device.version, version)
      assert.equal(p.device.isDevice22, true)
    })
  }

  it('reports VersionNotFoundError when nothing answers, and a wrong key as WrongKeyError', async () => {
    // A silent device: reads (and drops) everything, answers nothing.
    const server = net.createServer((socket) => socket.on('error', () => {}).resume())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as net.AddressInfo).port
    const device = createDevice({ id: ID, key: KEY, host: '127.0.0.1', port, version: 'auto', ...FAST, connectTimeoutMs: 200 })
    try {
      const result = await settle(device.connect())
      assert.ok(result.error instanceof VersionNotFoundError, `got ${String(result.error)}`)
      assert.match(result.error.message, /found no version/)
    } finally {
      await device.close()
      await new Promise((resolve) => server.close(resolve))
    }
    // 3.5 fails the handshake proof; 3.3 answers the probe with a reply that does not decrypt.
    for (const [version, reason] of [['3.5', 'handshake-proof'], ['3.3', 'undecryptable']] as const) {
      await using p = await pair({ version, faults: { wrongKey: 'fedcba9876543210' } }, { version: 'auto' })
      const wrong = await settle(p.device.connect())
      assert.ok(wrong.error instanceof WrongKeyError, `${version}: got ${String(wrong.error)}`)
      assert.equal(wrong.error.reason, reason, version)
      assert.equal(wrong.error.isProven, true)
    }
  })
})

describe('device22', () => {
  for (const version of ['3.3', '3.4'] as const) {
    it(`${version}: a refused query switches the dialect, probes DP ids once, then reads only the known ids`, async () => {
      await using p = await pair({ version, dev22: true, dps: DPS })
      const { device, commands } = p
      assert.equal(device.isDevice22, false)
      assert.deepEqual(await device.status(), DPS)
      assert.equal(device.isDevice22, true)
      const query = version === '3.3' ? 'DP_QUERY' : 'DP_QUERY_NEW'
      assert.equal(count(commands, query), 1, 'the normal query once, refused')
      assert.equal(count(commands, 'CONTROL_NEW'), 9, 'then one probe per DP-id range (§9)')
      assert.deepEqual(await device.status(), DPS)
      assert.equal(count(commands, 'CONTROL_NEW'), 10, 'afterwards one query for the known ids')
      assert.equal(count(commands, query), 1, 'the normal query is not tried again')
      assert.deepEqual([...device.device22DpIds].sort(), ['1', '101', '2', '25'])
      assert.deepEqual(await device.set({ '2': 9 }), { '2': 9 }, 'setting DPs is the normal CONTROL')
    })
  }

  it('3.2 always speaks device22; dpIds skips probing', async () => {
    await using p = await pair({ version: '3.2', dps: DPS }, { dpIds: [1, 2, 25, 101] })
    assert.deepEqual(await p.device.status(), DPS)
    assert.deepEqual(p.commands, ['CONTROL_NEW'])
    assert.equal(p.device.isDevice22, true)
  })

  it('a gateway that refuses the query without cid stays in the normal dialect', async () => {
    await using p = await pair({ version: '3.3', gateway: true, dps: {} }, { isGateway: true })
    const result = await settle(p.device.status())
    assert.ok(result.error instanceof DataUnvalidError, `got ${String(result.error)}`)
    assert.equal(p.device.isDevice22, false, 'never switched: a gateway polled without cid answers this way (§9, §18.17)')
    assert.deepEqual(p.commands, ['DP_QUERY'])
  })

  it('3.5 and 3.1 never switch (the reference client does not detect there)', async () => {
    for (const version of ['3.1', '3.5'] as const) {
      await using p = await pair({ version, dps: DPS })
      assert.deepEqual(await p.device.status(), DPS)
      assert.equal(p.device.isDevice22, false)
    }
  })
})
