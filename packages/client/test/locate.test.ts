// createDevice({ id, key }) without a host: the address comes from the device's UDP beacon
// (@tuya/discovery), and is looked up again when the device moves. Loopback only.
import assert from 'node:assert/strict'
import { createSocket } from 'node:dgram'
import { describe, it } from 'node:test'
import { findDevice } from '@tuya/discovery'
import { createMockDevice } from '@tuya/mock'
import { createDevice, OfflineError, type Locator } from '../src/index.ts'
import { FAST, ID, KEY, nextEvent } from './helpers/setup.ts'

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()))
  const { port } = socket.address()
  await new Promise<void>((resolve) => socket.close(() => resolve()))
  return port
}

/** findDevice on one free port of 127.0.0.1, counting its calls. */
function loopbackLocator(port: number): Locator & { calls: number } {
  const locate = Object.assign(
    async (id: string, options: { signal: AbortSignal; timeoutMs: number }) => {
      locate.calls++
      return findDevice(id, { ...options, bindAddress: '127.0.0.1', ports: { plaintext: false, encrypted: port, replies: false } })
    },
    { calls: 0 },
  )
  return locate
}

describe('a device without a host is found from its beacon', () => {
  it('locates, connects, detects the version and answers', async () => {
    const beaconPort = await freeUdpPort()
    await using mock = await createMockDevice({ version: '3.4', id: ID, localKey: KEY, dps: { '1': true }, beacon: { address: '127.0.0.1', port: beaconPort, intervalMs: 100 } })
    const locate = loopbackLocator(beaconPort)
    await using device = createDevice({ id: ID, key: KEY, port: mock.port, locate, ...FAST, timeoutMs: 5000, connectTimeoutMs: 4000 })
    assert.deepEqual(await device.status(), { '1': true })
    assert.equal(device.version, '3.4', 'version left out means auto')
    await device.set({ '1': false })
    assert.equal(locate.calls, 1, 'the address is kept between commands')
  })

  it('looks the device up again when it moved to another address', async () => {
    const beaconPort = await freeUdpPort()
    const first = await createMockDevice({ version: '3.3', id: ID, localKey: KEY, host: '127.0.0.1', dps: { '1': true }, beacon: { address: '127.0.0.1', port: beaconPort, intervalMs: 100 } })
    const port = first.port
    const locate = loopbackLocator(beaconPort)
    await using device = createDevice({ id: ID, key: KEY, port, locate, ...FAST, timeoutMs: 5000, connectTimeoutMs: 4000 })
    assert.deepEqual(await device.status(), { '1': true })
    const dropped = nextEvent(device, 'disconnected')
    await first.close()
    await dropped
    // The device comes back with a new address (a new DHCP lease), on the same port.
    await using moved = await createMockDevice({ version: '3.3', id: ID, localKey: KEY, host: '127.0.0.2', port, dps: { '1': false }, beacon: { address: '127.0.0.1', port: beaconPort, intervalMs: 100 } })
    assert.deepEqual(await device.status({ timeoutMs: 8000 }), { '1': false })
    assert.ok(locate.calls >= 2, `located again after the old address refused (calls: ${locate.calls})`)
    assert.equal(moved.port, port)
  })

  it('says what to do when nothing beacons', async () => {
    const locate = loopbackLocator(await freeUdpPort())
    await using device = createDevice({ id: ID, key: KEY, locate, ...FAST, timeoutMs: 1500, connectTimeoutMs: 800, reconnect: false })
    await assert.rejects(device.status(), (error: Error) => {
      assert.ok(error instanceof OfflineError, `got ${String(error)}`)
      assert.equal(error.failure, 'not-located')
      let text = ''
      for (let e: unknown = error; e instanceof Error; e = e.cause) text += ` ${e.message}`
      assert.match(text, /was not found on the network/)
      assert.match(text, /pass its address as `host`/)
      return true
    })
  })

  it('by default listens on the standard ports (6667 here) with @tuya/discovery', async () => {
    await using mock = await createMockDevice({ version: '3.3', id: ID, localKey: KEY, dps: { '7': 1 }, beacon: { address: '127.0.0.1', intervalMs: 100 } })
    await using device = createDevice({ id: ID, key: KEY, port: mock.port, ...FAST, timeoutMs: 5000, connectTimeoutMs: 4000 })
    assert.deepEqual(await device.status(), { '7': 1 })
  })

  it('rejects a malformed host or version, and keeps the other checks', () => {
    assert.throws(() => createDevice({ id: ID, key: KEY, host: '' }), /options\.host must be the device address/)
    assert.throws(() => createDevice({ id: ID, key: KEY, version: '3.9' as never }), RangeError)
    assert.throws(() => createDevice({ id: ID, key: KEY, locate: 'x' as never }), TypeError)
  })
})
