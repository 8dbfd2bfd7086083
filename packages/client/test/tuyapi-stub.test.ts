/**
 * Against an implementation we did not write: `@tuyapi/stub` (3.1, built on tuyapi 5's
 * message parser). Its quirks, which the client copes with: device frames carry no retcode
 * (real devices always send one, §17), a set is answered by a CONTROL frame with the whole
 * state per DP, then a `{}` CONTROL frame and a STATUS push.
 */
import assert from 'node:assert/strict'
import * as net from 'node:net'
import { describe, it } from 'node:test'
import TuyaStub from '@tuyapi/stub'
import { createDevice, TimeoutError, type TuyaDevice } from '../src/index.ts'
import { FAST, ID, KEY, nextEvent, settle } from './helpers/setup.ts'

/**
 * Starts a stub on 127.0.0.1 with an OS-assigned port: `startServer()` would listen on every
 * interface and turns port 0 into 6668, so this is its body with the address fixed.
 */
async function startStub(state: Record<string, unknown>, options: { respondToHeartbeat?: boolean } = {}): Promise<{ stub: TuyaStub; port: number; [Symbol.asyncDispose](): Promise<void> }> {
  const stub = new TuyaStub({ id: ID, key: KEY, state, ...options })
  const server = net.createServer((socket) => {
    stub.socket = socket
    socket.on('data', (data) => stub._handleRequest(data))
    socket.on('error', () => {})
  })
  stub.server = server
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    stub,
    port: (server.address() as net.AddressInfo).port,
    async [Symbol.asyncDispose]() {
      stub.shutdown()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

function client(port: number, options: { heartbeatIntervalMs?: number; timeoutMs?: number } = {}): TuyaDevice {
  return createDevice({ id: ID, key: KEY, host: '127.0.0.1', port, version: '3.1', ...FAST, ...options })
}

describe('@tuyapi/stub (3.1)', () => {
  it('reads, sets (one and many DPs), heartbeats, and receives its pushes', async () => {
    await using s = await startStub({ '1': false, '2': true })
    const device = client(s.port)
    try {
      assert.deepEqual(await device.status(), { '1': false, '2': true })
      const reported = await device.set({ '1': true })
      assert.equal(reported['1'], true, 'the stub answers the set with its whole state')
      assert.deepEqual(s.stub.getState(), { '1': true, '2': true })
      await device.set({ '1': false, '2': false })
      assert.deepEqual(s.stub.getState(), { '1': false, '2': false })
      assert.equal(typeof (await device.heartbeat()), 'number')
      const push = nextEvent(device, 'dps', (d) => d.dps['2'] === true)
      s.stub.setProperty('2', true) // a device-side change: the stub reports it unprompted
      assert.deepEqual((await push).state, { '1': false, '2': true })
      assert.deepEqual(device.state, { '1': false, '2': true })
    } finally {
      await device.close()
    }
  })

  it('keeps the connection with heartbeats; a stub that stops answering them is detected and reconnected', async () => {
    await using s = await startStub({ '1': false })
    const device = client(s.port, { heartbeatIntervalMs: 100 })
    try {
      await device.status()
      s.stub.respondToHeartbeat = false
      const dead = await nextEvent(device, 'disconnected')
      assert.equal(dead.reason, 'heartbeat-timeout')
      s.stub.respondToHeartbeat = true
      await nextEvent(device, 'connected', (d) => d.isReconnect)
      assert.deepEqual(await device.status(), { '1': false })
    } finally {
      await device.close()
    }
  })

  it('a command the stub ignores times out', async () => {
    await using s = await startStub({ '1': false })
    const device = client(s.port, { timeoutMs: 200 })
    try {
      await device.status()
      const result = await settle(device.refresh([1]))
      assert.ok(result.error instanceof TimeoutError, 'the stub does not implement UPDATEDPS')
    } finally {
      await device.close()
    }
  })
})
