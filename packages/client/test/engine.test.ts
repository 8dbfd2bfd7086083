/**
 * The sans-I/O core with injected time: the mock's DeviceCore over memoryTransport(), a fake
 * clock and manual timers. Checks the schedule itself: one timer per device, heartbeats when
 * due, backoff delays, nothing at all while idle.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createDevice, OfflineError, type DeviceOptions } from '../src/index.ts'
import { FakeClock, flush, memoryMock } from './helpers/memory.ts'
import { count, ID, KEY, settle } from './helpers/setup.ts'

function setup(version: '3.3' | '3.4' | '3.5', options: Partial<DeviceOptions> = {}) {
  const clock = new FakeClock()
  const mock = memoryMock({ version, id: ID, localKey: KEY, dps: { '1': false } }, clock)
  const device = createDevice({
    id: ID, key: KEY, host: 'memory', version, transport: mock.connector, now: clock.now, setTimer: clock.setTimer, jitter: () => 0,
    heartbeatIntervalMs: 10_000, heartbeatTimeoutMs: 5000, settleMs: 300,
    ...options,
  })
  return { clock, mock, device }
}

describe('engine schedule (fake clock, memory transport)', () => {
  it('an idle handle has no connection and no timer', async () => {
    const { clock, mock, device } = setup('3.4')
    await clock.advance(60_000)
    assert.equal(clock.armed, 0)
    assert.equal(mock.attempts.length, 0)
    assert.equal(device.connectionState, 'idle')
    await device.close()
  })

  for (const version of ['3.3', '3.4', '3.5'] as const) {
    it(`${version}: heartbeats exactly when nothing was sent for heartbeatIntervalMs, with one timer`, async () => {
      const { clock, mock, device } = setup(version)
      const status = device.status()
      await clock.advance(0)
      assert.deepEqual(await status, { '1': false })
      let most = 0
      const firedBefore = clock.fired
      for (let i = 0; i < 35; i++) {
        await clock.advance(1000)
        most = Math.max(most, clock.armed)
      }
      assert.equal(count(mock.commands, 'HEART_BEAT'), 3, `heartbeats at 10, 20, 30 s: ${mock.commands.join(',')}`)
      assert.equal(most, 1, 'one timer per device')
      // One spare tick at 5 s (the status deadline's timer is left alone), then one wake per
      // heartbeat: a heartbeat's reply moves the timer from its 5 s deadline to the next one.
      assert.equal(clock.fired - firedBefore, 4, 'timer wakes while idle: at 5, 10, 20 and 30 s')
      await clock.advance(4000)
      await device.set({ '1': true })
      await clock.advance(9000)
      assert.equal(count(mock.commands, 'HEART_BEAT'), 3, 'a command postpones the keep-alive')
      await clock.advance(2000)
      assert.equal(count(mock.commands, 'HEART_BEAT'), 4)
      await device.close()
      assert.equal(clock.armed, 0, 'close() leaves no timer behind')
    })
  }

  it('reconnect delays grow by factor up to maxDelayMs, with jitter taken off', async () => {
    const { clock, mock, device } = setup('3.3', { reconnect: { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.5 }, jitter: () => 0.5 })
    mock.isRefusing = true
    const result = settle(device.status({ timeoutMs: 5000 }))
    await clock.advance(5000)
    assert.ok((await result).error instanceof OfflineError)
    const gaps = mock.attempts.slice(1).map((t, i) => t - mock.attempts[i]!)
    // base 100, 200, 400, 800, 1000, 1000, … each times (1 - 0.5 * 0.5)
    assert.deepEqual(gaps.slice(0, 6), [75, 150, 300, 600, 750, 750])
    mock.isRefusing = false
    await clock.advance(1000)
    assert.equal(device.online, true, 'the handle keeps trying in the background and comes back')
    await device.close()
  })

  it('a missed heartbeat reply ends the connection, and the handle reconnects', async () => {
    const { clock, mock, device } = setup('3.5', { reconnect: { initialDelayMs: 100, jitter: 0 } })
    const status = device.status()
    await clock.advance(0)
    await status
    mock.core.setFaults({ isSilent: true })
    const reasons: string[] = []
    device.addEventListener('disconnected', (e) => reasons.push(e.detail.reason))
    await clock.advance(10_000 + 5000)
    assert.deepEqual(reasons, ['heartbeat-timeout'])
    mock.core.setFaults({ isSilent: false })
    await clock.advance(200)
    assert.equal(device.online, true)
    assert.equal(mock.attempts.length, 2)
    await device.close()
  })

  it('the set settle window ends at the push, or after settleMs', async () => {
    const { clock, device } = setup('3.4')
    const quick = device.set({ '1': true })
    await clock.advance(0)
    assert.deepEqual(await quick, { '1': true }, 'the push follows the ack at once: no wait')
    let done = false
    const slow = device.set({ '77': 1 }).then((v) => ((done = true), v))
    await clock.advance(299)
    assert.equal(done, false, 'no push for an unknown DP: waiting')
    await clock.advance(1)
    await flush()
    assert.deepEqual(await slow, {})
    await device.close()
  })
})
