/**
 * Against an implementation we did not write: `@tuyapi/stub` (3.1, built on tuyapi 5's
 * message parser). Its quirks, which the client copes with: device frames carry no retcode
 * (real devices always send one, §17), a set is answered by a CONTROL frame with the whole
 * state per DP, then a `{}` CONTROL frame and a STATUS push.
 */
import assert from 'node:assert/strict'
import * as net from 'node:net'
import { describe, it } from 'node:test'
import { Deframer } from '@tuya/codec'
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
    // The stub parses a whole read at once and throws at the first frame it cannot check (the
    // 3.4/3.5 STARTs of the version probe), losing the rest. Firmware drops such a frame alone
    // (§18.29), so the stub gets one frame at a time.
    const deframer = new Deframer()
    socket.on('data', (data) => {
      for (const frame of deframer.push(data)) {
        try {
          stub._handleRequest(Buffer.from(frame))
        } catch {}
      }
    })
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

  it("version: 'auto' finds 3.1 and every later call gets its own answer (no probe reply handed on)", async () => {
    await using s = await startStub({ '1': false, '2': 0 })
    const device = createDevice({ id: ID, key: KEY, host: '127.0.0.1', port: s.port, version: 'auto', ...FAST })
    try {
      assert.deepEqual(await device.status(), { '1': false, '2': 0 })
      assert.equal(device.version, '3.1')
      for (let i = 1; i <= 10; i++) {
        const reported = await device.set({ '2': i })
        assert.equal(reported['2'], i, `set ${i} resolves with its own DP value`)
        assert.deepEqual(await device.status(), { '1': false, '2': i }, `status after set ${i}`)
      }
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
