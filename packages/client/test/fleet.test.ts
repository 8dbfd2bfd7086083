/**
 * The fleet against `createMockFleet` on 127.0.0.1: 50 devices across 3.1-3.5, the cap on
 * simultaneous connects (counted from the mocks' own events), staggered starts, and the
 * merged event stream (events and `updates()`).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { FleetUpdate } from '../src/index.ts'
import { fleetId, fleetPair } from './helpers/fleet.ts'
import { sleep } from './helpers/setup.ts'

describe('fleet: connecting', () => {
  it('connects 50 devices across 3.1-3.5 with at most maxConcurrentConnects connecting at once', async () => {
    const cap = 4
    // 3.4/3.5 mocks answer the handshake 25 ms late, so attempts overlap and the cap is visible.
    await using p = await fleetPair(50, { maxConcurrentConnects: cap }, (i) => (i % 5 >= 3 ? { faults: { replyDelayMs: 25 } } : {}))
    const { fleet, mocks } = p
    // A connection is "connecting" from the device's accept until its handshake completed
    // (3.4/3.5); 3.1-3.3 are online as soon as TCP is, so they only count at their accept.
    let connecting = 0
    let most = 0
    let accepted = 0
    for (const m of mocks) {
      const hasHandshake = m.version === '3.4' || m.version === '3.5'
      m.addEventListener('connection', () => {
        accepted++
        if (!hasHandshake) return
        connecting++
        most = Math.max(most, connecting)
      })
      m.addEventListener('handshake', () => connecting--)
    }
    let clientMost = 0
    let clientConnecting = 0
    fleet.addEventListener('state', (e) => {
      if (e.detail.state === 'connecting') clientMost = Math.max(clientMost, ++clientConnecting)
      else if (e.detail.previous === 'connecting') clientConnecting--
    })
    const online: string[] = []
    fleet.addEventListener('online', (e) => online.push(e.detail.id))

    assert.equal(fleet.onlineCount, 0)
    const result = await fleet.connectAll()
    assert.equal(result.online.length, 50)
    assert.deepEqual(result.failed, [])
    assert.equal(accepted, 50, 'one connection per device')
    assert.ok(most <= cap, `at most ${cap} handshakes in progress on the mocks, saw ${most}`)
    assert.equal(most, cap, 'the cap was reached (the attempts did overlap)')
    assert.ok(clientMost <= cap, `at most ${cap} handles connecting, saw ${clientMost}`)
    assert.equal(fleet.connecting, 0)
    assert.equal(fleet.queued, 0)
    assert.equal(fleet.onlineCount, 50)
    assert.deepEqual(fleet.offline, [])
    assert.deepEqual(new Set(online), new Set(mocks.map((m) => m.id)), 'one online event per device')
    assert.deepEqual(new Set(fleet.online), new Set(mocks.map((m) => m.id)))
    // Every handle works over its connection.
    const states = await Promise.all(fleet.devices().map((d) => d.status()))
    assert.deepEqual(states.map((s) => s['2']), mocks.map((_m, i) => i))
    const again = await fleet.connectAll()
    assert.deepEqual([again.online.length, again.failed], [50, []], 'a second connectAll has nothing to do')
    assert.equal(accepted, 50)
  })

  it('starts connections at least staggerMs apart, in the order the devices were added', async () => {
    const staggerMs = 30
    await using p = await fleetPair(6, { staggerMs, maxConcurrentConnects: 16 }, () => ({ version: '3.3' }))
    const accepts: string[] = []
    for (const m of p.mocks) m.addEventListener('connection', () => accepts.push(m.id))
    // When each handle starts its attempt (the mock's accept adds loopback and event-loop noise).
    const starts: number[] = []
    p.fleet.addEventListener('state', (e) => e.detail.state === 'connecting' && starts.push(Date.now()))
    const started = Date.now()
    const result = await p.fleet.connectAll()
    assert.equal(result.online.length, 6)
    assert.deepEqual(accepts, p.mocks.map((m) => m.id), 'in the order added')
    assert.equal(starts.length, 6)
    // The starts are observed through each handle's `state` event, whose dispatch can lag the
    // scheduler by a few ms on a loaded machine (seen: 6 ms under Bun in CI), so each gap and the
    // whole span get 10 ms of slack. Without a stagger the gaps would be about 0 ms.
    const slackMs = 10
    for (let i = 1; i < starts.length; i++) {
      const gap = starts[i]! - starts[i - 1]!
      assert.ok(gap >= staggerMs - slackMs, `starts ${i - 1} and ${i} are ${gap} ms apart`)
    }
    assert.ok(starts[0]! - started < staggerMs, 'the first start is not delayed')
    assert.ok(starts.at(-1)! - starts[0]! >= 5 * staggerMs - slackMs)
  })

  it('autoConnect queues each added device through the same cap and stagger', async () => {
    await using p = await fleetPair(3, { autoConnect: true, staggerMs: 10 })
    const { fleet } = p
    if (fleet.onlineCount < 3) {
      await new Promise<void>((resolve) => fleet.addEventListener('online', () => fleet.onlineCount === 3 && resolve()))
    }
    assert.equal(fleet.onlineCount, 3, 'connected without connectAll()')
  })
})

describe('fleet: merged events', () => {
  it('dispatches every device\'s dps with its id, and updates() yields them with online/offline', async () => {
    await using p = await fleetPair(10)
    const { fleet, mocks } = p
    const abort = new AbortController()
    const updates = fleet.updates({ signal: abort.signal })
    await fleet.connectAll()
    // 3.4/3.5 handles are online once FINISH is written; one round trip makes sure the device has read it.
    await Promise.all(fleet.devices().map((d) => d.heartbeat()))
    const seen: Array<{ id: string; dps: unknown; source: string }> = []
    fleet.addEventListener('dps', (e) => seen.push({ id: e.detail.id, dps: e.detail.dps, source: e.detail.source }))

    // A button press on three devices, and a set through one handle.
    mocks[1]!.setDps({ '2': 101 })
    mocks[6]!.setDps({ '2': 106 })
    mocks[9]!.setDps({ '1': true })
    await fleet.get(fleetId(4))!.set({ '2': 104 })
    await sleep(50)
    const pushes = seen.filter((s) => s.source === 'push')
    for (const [id, dps] of [[fleetId(1), { '2': 101 }], [fleetId(6), { '2': 106 }], [fleetId(9), { '1': true }], [fleetId(4), { '2': 104 }]] as const) {
      assert.ok(pushes.some((s) => s.id === id && JSON.stringify(s.dps) === JSON.stringify(dps)), `push of ${id}`)
    }
    assert.equal(fleet.get(fleetId(6))!.state['2'], 106)

    // The iterator saw the online events of connectAll(), then the pushes, in order.
    const items: FleetUpdate[] = []
    for (;;) {
      const next = await Promise.race([updates.next(), sleep(100).then(() => undefined)])
      if (next === undefined || next.done === true) break
      items.push(next.value)
    }
    const onlineIds = items.filter((u) => u.type === 'online').map((u) => u.id)
    assert.equal(onlineIds.length, 10)
    const firstDps = items.findIndex((u) => u.type === 'dps')
    assert.ok(firstDps >= 10, 'dps after all online events')
    const dpsItem = items.find((u) => u.type === 'dps' && u.id === fleetId(1))
    assert.ok(dpsItem !== undefined && dpsItem.type === 'dps')
    assert.deepEqual(dpsItem.dps, { '2': 101 })
    assert.equal(dpsItem.state['2'], 101)

    // Aborting rejects the pending next() with the reason.
    const pending = updates.next()
    abort.abort(new Error('enough'))
    await assert.rejects(pending, /enough/)
  })

  it('keeps each device\'s state current while nobody listens for dps, and a dps listener added later gets the merged state', async () => {
    await using p = await fleetPair(4)
    const { fleet, mocks } = p
    await fleet.connectAll()
    const device = fleet.get(fleetId(2))!
    const before = device.state
    await device.set({ '2': 7 })
    mocks[2]!.setDps({ '1': true })
    await device.heartbeat()
    await sleep(20)
    assert.equal(device.state['2'], 7)
    assert.equal(device.state['1'], true)
    assert.ok(Object.isFrozen(device.state))
    assert.notEqual(device.state, before)
    const seen: Array<Readonly<Record<string, unknown>>> = []
    fleet.addEventListener('dps', (e) => void seen.push(e.detail.state))
    mocks[2]!.setDps({ '2': 8 })
    await sleep(50)
    assert.equal(seen.length, 1)
    assert.equal(seen[0]!['2'], 8)
    assert.equal(seen[0]!['1'], true)
    assert.equal(device.state, seen[0], 'the event carried the snapshot that state returns')
  })

  it('a handle\'s own listeners get its events after the fleet has turned them into fleet events, with the same details', async () => {
    await using p = await fleetPair(1)
    const { fleet, mocks } = p
    const device = fleet.get(mocks[0]!.id)!
    const order: string[] = []
    fleet.addEventListener('online', (e) => order.push(`fleet online ${e.detail.id === mocks[0]!.id} ${e.detail.version} ${e.detail.isReconnect}`))
    device.addEventListener('connected', (e) => order.push(`device connected ${e.detail.version} ${e.detail.isReconnect}`))
    fleet.addEventListener('dps', (e) => order.push(`fleet dps ${JSON.stringify(e.detail.dps)} ${e.detail.source} ${'cid' in e.detail}`))
    device.addEventListener('dps', (e) => order.push(`device dps ${JSON.stringify(e.detail.dps)} ${e.detail.source} ${'cid' in e.detail}`))
    fleet.addEventListener('state', (e) => order.push(`fleet state ${e.detail.previous}>${e.detail.state}`))
    device.addEventListener('state', (e) => order.push(`device state ${e.detail.previous}>${e.detail.state}`))
    await fleet.connectAll()
    await device.status()
    const { version } = mocks[0]!
    assert.deepEqual(order, [
      'fleet state idle>connecting',
      'device state idle>connecting',
      'fleet state connecting>online',
      'device state connecting>online',
      `fleet online true ${version} false`,
      `device connected ${version} false`,
      'fleet dps {"1":false,"2":0} reply false',
      'device dps {"1":false,"2":0} reply false',
    ])
    assert.deepEqual(await device.connect(), { version, isReconnect: false, isVersionDetected: false })
  })

  it('updates() ends when the fleet closes, and a slow consumer keeps only the newest bufferSize events', async () => {
    const p = await fleetPair(2)
    try {
      const iterator = p.fleet.updates({ bufferSize: 2, types: ['dps'] })
      await p.fleet.connectAll()
      await p.fleet.get(p.mocks[0]!.id)!.heartbeat()
      for (let v = 1; v <= 5; v++) p.mocks[0]!.setDps({ '2': v })
      await sleep(50)
      const a = await iterator.next()
      const b = await iterator.next()
      assert.deepEqual([a.value?.type === 'dps' && a.value.dps, b.value?.type === 'dps' && b.value.dps], [{ '2': 4 }, { '2': 5 }])
      const pending = iterator.next()
      await p.fleet.close()
      assert.deepEqual(await pending, { value: undefined, done: true })
    } finally {
      await p[Symbol.asyncDispose]()
    }
  })

  it('rejects bad updates() options', async () => {
    await using p = await fleetPair(1)
    assert.throws(() => p.fleet.updates({ bufferSize: 0 }), RangeError)
    assert.throws(() => p.fleet.updates({ types: ['nope' as never] }), RangeError)
  })
})
