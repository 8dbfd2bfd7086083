/**
 * Faults that cut or silence the connection: drop mid-reply, drop on receipt, restart,
 * stop answering, garbage. For each: what the caller sees, the reconnect, pushes resuming,
 * and what the device received (the mock's `command` events) — nothing lost, nothing twice.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConnectionLostError, TimeoutError } from '../src/index.ts'
import { assertRecovered } from './helpers/recovery.ts'
import { count, nextEvent, pair, settle, sleep } from './helpers/setup.ts'

for (const version of ['3.3', '3.4', '3.5'] as const) {
  describe(`faults that drop the connection (${version})`, () => {
    it('drop mid-reply: the command rejects with ConnectionLostError, was received once, and the client reconnects', async () => {
      await using p = await pair({ version })
      const { device, mock, commands } = p
      await device.status()
      mock.setFaults({ truncateNextFrame: true })
      const reconnected = nextEvent(device, 'connected', (d) => d.isReconnect)
      const result = await settle(device.set({ '1': true }))
      assert.ok(result.error instanceof ConnectionLostError, `got ${String(result.error)}`)
      assert.match(result.error.message, /may or may not have applied it/)
      assert.equal(count(commands, version >= '3.4' ? 'CONTROL_NEW' : 'CONTROL'), 1, 'received once, not re-sent')
      assert.equal(mock.getDps()!['1'], true, 'the device did apply it: that is why the error says "may or may not"')
      await reconnected
      assert.ok(p.events.includes('disconnected:remote-close'))
      await assertRecovered(p, 61)
    })

    it('drop on receipt (dropAfterFrames): ConnectionLostError; with retries: 1 the command is re-sent once and succeeds', async () => {
      await using p = await pair({ version })
      const { device, mock, commands } = p
      await device.status()
      const received = commands.length + (version >= '3.4' ? 2 : 0)
      mock.setFaults({ dropAfterFrames: received + 1 })
      const lost = await settle(device.status())
      assert.ok(lost.error instanceof ConnectionLostError)
      mock.clearFaults()
      await nextEvent(device, 'connected')
      mock.setFaults({ dropAfterFrames: version >= '3.4' ? 3 : 1 }) // the next command is dropped once more
      const before = count(commands, version >= '3.4' ? 'CONTROL_NEW' : 'CONTROL')
      const retried = device.set({ '2': 7 }, { retries: 1 })
      await sleep(30)
      mock.clearFaults()
      assert.deepEqual(await retried, { '2': 7 })
      assert.equal(count(commands, version >= '3.4' ? 'CONTROL_NEW' : 'CONTROL'), before + 1, 'the dropped frame never became a command; the retry did, once')
      await assertRecovered(p, 62)
    })

    it('restart: a command issued while the device is down waits for the reconnect and is delivered once', async () => {
      await using p = await pair({ version })
      const { device, mock, commands } = p
      await device.status()
      const disconnected = nextEvent(device, 'disconnected')
      const restarting = mock.restart({ downtimeMs: 150 })
      assert.equal((await disconnected).reason, 'remote-close')
      const set = device.set({ '1': true })
      await restarting
      assert.deepEqual(await set, { '1': true })
      assert.equal(count(commands, version >= '3.4' ? 'CONTROL_NEW' : 'CONTROL'), 1)
      assert.ok(p.events.some((e) => e === 'error:ConnectionError'), 'refused reconnect attempts are reported as error events')
      await assertRecovered(p, 63)
    })

    it('stop answering: TimeoutError, the heartbeat finds the connection dead, the client reconnects', async () => {
      await using p = await pair({ version }, { timeoutMs: 300 })
      const { device, mock, commands } = p
      await device.status()
      mock.setFaults({ isSilent: true })
      const dead = nextEvent(device, 'disconnected')
      const result = await settle(device.set({ '1': true }))
      assert.ok(result.error instanceof TimeoutError, `got ${String(result.error)}`)
      assert.match(result.error.message, /did not answer/)
      assert.equal((await dead).reason, 'heartbeat-timeout')
      assert.equal(count(commands, version >= '3.4' ? 'CONTROL_NEW' : 'CONTROL'), 1, 'sent once, never repeated')
      mock.clearFaults()
      await assertRecovered(p, 64)
    })

    it('garbage before every frame is skipped; garbage instead of frames times out and reconnects', async () => {
      await using p = await pair({ version }, { timeoutMs: 300 })
      const { device, mock } = p
      await device.status()
      mock.setFaults({ garbage: { bytes: 21 } })
      assert.deepEqual(await device.set({ '2': 5 }), { '2': 5 })
      mock.sendGarbage()
      assert.equal(typeof (await device.heartbeat()), 'number')
      assert.equal(p.events.filter((e) => e.startsWith('disconnected')).length, 0, 'junk between frames does not cost the connection')
      mock.setFaults({ garbage: { bytes: 40, mode: 'instead' } })
      const dead = nextEvent(device, 'disconnected')
      const result = await settle(device.status())
      assert.ok(result.error instanceof TimeoutError)
      // The heartbeat that follows a missed reply is answered with junk too: the connection is dead.
      assert.equal((await dead).reason, 'heartbeat-timeout')
      mock.clearFaults()
      await assertRecovered(p, 65)
    })
  })
}
