/**
 * Delivery: order, the in-flight limit, abort, deadlines, offline policy (wait or fail fast),
 * close and disconnect, settle windows and device errors. Every accepted command settles.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ClosedError, DataFormatError, OfflineError, TimeoutError } from '../src/index.ts'
import { count, nextEvent, pair, settle, sleep } from './helpers/setup.ts'

describe('order and concurrency', () => {
  it('commands go out in call order, each exactly once', async () => {
    await using p = await pair({ version: '3.4' })
    const { device, mock } = p
    const seen: number[] = []
    mock.addEventListener('command', (e) => {
      const dps = (e.detail.json as { data?: { dps?: Record<string, number> } }).data?.dps
      if (dps !== undefined) seen.push(dps['2']!)
    })
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => device.set({ '2': i })))
    assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => i))
    assert.deepEqual(results.map((r) => r['2']), seen)
    assert.equal(device.state['2'], 24)
  })

  it('keeps one command in flight by default, several (one per reply cmd) when allowed', async () => {
    for (const maxInFlight of [1, 3]) {
      await using p = await pair({ version: '3.3', faults: { replyDelayMs: 60 } }, { maxInFlight })
      const { device } = p
      await device.heartbeat()
      const started = Date.now()
      const all = Promise.all([device.status(), device.heartbeat(), device.refresh([2]), device.heartbeat()])
      // status (10), heartbeat (9) and refresh (18) may overlap; the second heartbeat waits for the first's cmd slot.
      assert.deepEqual(device.pending, maxInFlight === 1 ? { queued: 3, inFlight: 1 } : { queued: 1, inFlight: 3 })
      await all
      // One at a time: four reply delays (the mock delays each of its writes after the previous one).
      if (maxInFlight === 1) assert.ok(Date.now() - started >= 4 * 55)
    }
  })
})

describe('abort and deadlines', () => {
  it('an aborted command rejects with signal.reason; a queued one is never sent', async () => {
    await using p = await pair({ version: '3.3', faults: { replyDelayMs: 80 } })
    const { device, commands } = p
    await device.heartbeat()
    const controller = new AbortController()
    const first = settle(device.set({ '1': true }))
    const second = settle(device.set({ '2': 1 }, { signal: controller.signal }))
    controller.abort(new Error('changed my mind'))
    assert.equal((await second).error?.message, 'changed my mind')
    assert.deepEqual((await first).value, { '1': true })
    await sleep(100)
    assert.equal(count(commands, 'CONTROL'), 1, 'the aborted command never reached the device')
    await assert.rejects(device.status({ signal: AbortSignal.abort(new Error('already')) }), /already/)
  })

  it('after aborting a written command that the device dropped, the next one of that cmd goes out soon', async () => {
    await using p = await pair({ version: '3.4' }, { heartbeatTimeoutMs: 1000 })
    const { device, mock, commands } = p
    await device.status()
    const controller = new AbortController()
    mock.setFaults({ isSilent: true })
    const aborted = settle(device.status({ signal: controller.signal }))
    await sleep(30)
    controller.abort(new Error('stop'))
    assert.equal((await aborted).error?.message, 'stop')
    mock.clearFaults() // the dropped status will never be answered; the heartbeat after the abort is
    const started = Date.now()
    assert.deepEqual(await device.status({ timeoutMs: 1000 }), { '1': false, '2': 50 })
    assert.ok(Date.now() - started < 500, 'not held until its deadline')
    assert.equal(count(commands, 'DP_QUERY_NEW'), 3)
  })

  it('a command that waits past its deadline while the device is down rejects with OfflineError (never sent)', async () => {
    await using p = await pair({ version: '3.3' })
    const { device, mock } = p
    await device.status()
    const disconnected = nextEvent(device, 'disconnected')
    await mock.close()
    await disconnected
    const result = await settle(device.set({ '1': true }, { timeoutMs: 200 }))
    assert.ok(result.error instanceof OfflineError, `got ${String(result.error)}`)
    assert.match(result.error.message, /never sent/)
    assert.equal(result.error.reason, 'deadline')
    assert.ok(result.error.cause instanceof Error, 'the cause is the last connection error')
    const connect = await settle(device.connect({ timeoutMs: 100 }))
    assert.ok(connect.error instanceof OfflineError, `got ${String(connect.error)}`)
    assert.equal(connect.error.reason, 'connect-timeout', 'connect() gave up')
  })

  it('failFast rejects at once while the device is known to be offline', async () => {
    await using p = await pair({ version: '3.4' }, { reconnect: { initialDelayMs: 500, jitter: 0 } })
    const { device, mock } = p
    await device.status()
    const disconnected = nextEvent(device, 'disconnected')
    await mock.close()
    await disconnected
    const started = Date.now()
    const result = await settle(device.status({ failFast: true }))
    assert.ok(result.error instanceof OfflineError)
    assert.equal(result.error.reason, 'fail-fast')
    // The reconnect is 500 ms away; 250 ms leaves room for a GC pause on a loaded CI machine.
    assert.ok(Date.now() - started < 250, 'without waiting for the reconnect')
  })

  it('without a reconnect to wait for (reconnect: false, or failFast on the first attempt), a failed attempt rejects the queued commands', async () => {
    for (const options of [{ reconnect: false }, { failFast: true }, { reconnect: false, failFast: true }] as const) {
      await using p = await pair({ version: '3.3' }, options)
      await p.mock.close() // nothing listens: the first attempt is refused
      const started = Date.now()
      const result = await settle(p.device.status({ timeoutMs: 5000 }))
      assert.ok(result.error instanceof OfflineError, `${JSON.stringify(options)}: got ${String(result.error)}`)
      assert.equal(result.error.reason, 'refused', JSON.stringify(options))
      assert.equal(result.error.failure, 'refused', 'the TCP connection was refused')
      assert.ok(Date.now() - started < 2500, 'at the first attempt, not at the 5 s deadline')
      assert.ok(result.error.cause instanceof Error, 'the cause is the failed attempt')
    }
  })

  it('a device that does not answer in time gives TimeoutError with the cmd in the message', async () => {
    await using p = await pair({ version: '3.5' })
    await p.device.status()
    p.mock.setFaults({ isSilent: true })
    const result = await settle(p.device.refresh([2], { timeoutMs: 100 }))
    assert.ok(result.error instanceof TimeoutError)
    assert.match(result.error.message, /cmd 18/)
  })
})

describe('close and disconnect', () => {
  it('close() rejects pending commands with ClosedError and every later call', async () => {
    await using p = await pair({ version: '3.3', faults: { replyDelayMs: 100 } })
    const { device } = p
    await device.heartbeat()
    const pending = settle(device.set({ '1': true }))
    const queued = settle(device.status())
    await device.close()
    assert.ok((await pending).error instanceof ClosedError)
    assert.ok((await queued).error instanceof ClosedError)
    await assert.rejects(device.status(), ClosedError)
    await assert.rejects(device.connect(), ClosedError)
    assert.equal(device.connectionState, 'closed')
  })

  it('disconnect() closes the connection without reconnecting; the next command connects again', async () => {
    await using p = await pair({ version: '3.4' })
    const { device, mock } = p
    await device.status()
    mock.setFaults({ replyDelayMs: 100 })
    void device.heartbeat().catch(() => {}) // in flight: holds the status back in the queue
    const queued = settle(device.status())
    device.disconnect()
    const { error } = await queued
    assert.ok(error instanceof OfflineError, `got ${String(error)}`)
    assert.equal(error.reason, 'disconnected')
    mock.clearFaults()
    assert.equal(device.connectionState, 'idle')
    await sleep(100)
    assert.equal(mock.connections.length, 0)
    assert.deepEqual(await device.status(), { '1': false, '2': 50 })
    assert.equal(device.online, true)
  })
})

describe('answers', () => {
  it('set() waits settleMs for the push after an empty ack, and resolves with what was reported', async () => {
    await using p = await pair({ version: '3.3' }, { settleMs: 150 })
    const started = Date.now()
    assert.deepEqual(await p.device.set({ '99': true }), {}, 'a DP the device does not have: ack, no push')
    assert.ok(Date.now() - started >= 140)
  })

  it('state is a frozen snapshot: replaced when a report changes something, the same object when it repeats', async () => {
    await using p = await pair({ version: '3.4', dps: { '1': false, '2': 5 } })
    const { device, mock } = p
    await device.status()
    const first = device.state
    assert.ok(Object.isFrozen(first))
    const repeated = nextEvent(device, 'dps')
    await device.status()
    assert.equal((await repeated).state, first, 'a repeat keeps the snapshot')
    assert.equal(device.state, first)
    const changed = nextEvent(device, 'dps', (d) => d.source === 'push')
    mock.setDps({ '2': 6 })
    const event = await changed
    assert.notEqual(event.state, first)
    assert.deepEqual(event.state, { '1': false, '2': 6 })
    assert.deepEqual(first, { '1': false, '2': 5 }, 'an earlier snapshot never changes')
    assert.equal(device.state, event.state)
  })

  it('state stays current on a handle nobody listens to (its snapshot is made when read)', async () => {
    await using p = await pair({ version: '3.5', dps: { '1': false, '2': 5 } })
    const { device, mock } = p
    await device.status()
    const before = device.state
    assert.deepEqual(await device.set({ '1': true }), { '1': true })
    await device.set({ '2': 9 })
    const after = device.state
    assert.ok(Object.isFrozen(after))
    assert.deepEqual(after, { '1': true, '2': 9 })
    assert.deepEqual(before, { '1': false, '2': 5 }, 'the earlier snapshot never changes')
    assert.equal(device.state, after)
    mock.setDps({ '2': 10 })
    await device.status()
    assert.deepEqual(device.state, { '1': true, '2': 10 })
  })

  it('events nobody listens for are not built, and a listener added later hears the next one', async () => {
    await using p = await pair({ version: '3.3', dps: { '1': false } })
    const { device } = p
    await device.status()
    const heard: string[] = []
    const listener = (e: CustomEvent<{ source: string }>): void => void heard.push(e.detail.source)
    device.addEventListener('dps', listener)
    await device.status()
    device.removeEventListener('dps', listener)
    await device.status()
    device.addEventListener('dps', listener)
    await device.status()
    assert.deepEqual(heard, ['reply', 'reply'])
  })

  it('a device error text rejects with the DeviceError subclass; request() rejects bad commands', async () => {
    await using p = await pair({ version: '3.4' })
    const bad = await settle(p.device.request(13, { dps: { '1': true } }))
    assert.ok(bad.error instanceof DataFormatError, `3.4 CONTROL_NEW needs data.dps; got ${String(bad.error)}`)
    await assert.rejects(p.device.request(8, {}), RangeError)
    await assert.rejects(p.device.request(3, {}), RangeError)
    const written = await p.device.request(9, {}, { expect: 'write' })
    assert.equal(written.type, 'none')
    await assert.rejects(p.device.set({}), RangeError)
    await assert.rejects(p.device.set(null as never), TypeError)
  })
})
