/**
 * The fleet's membership and lifecycle against `createMockFleet` on 127.0.0.1: a device going
 * offline and back (mock restart), remove(), close(), failed and aborted connectAll(), and
 * argument checks.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createMockDevice } from '@tuya/mock'
import { ClosedError, ConnectionError, createConnectGate, createFleet, WrongKeyError, type FleetOfflineDetail, type FleetOnlineDetail } from '../src/index.ts'
import { fleetId, fleetPair } from './helpers/fleet.ts'
import { FAST, KEY, settle, sleep } from './helpers/setup.ts'

const next = <T>(target: EventTarget, type: string, filter: (detail: T) => boolean = () => true, timeoutMs = 3000): Promise<T> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      target.removeEventListener(type, listener)
      reject(new Error(`no '${type}' event within ${timeoutMs} ms`))
    }, timeoutMs)
    const listener = (event: Event): void => {
      const { detail } = event as CustomEvent<T>
      if (!filter(detail)) return
      clearTimeout(timer)
      target.removeEventListener(type, listener)
      resolve(detail)
    }
    target.addEventListener(type, listener)
  })

describe('fleet: online and offline', () => {
  for (const version of ['3.3', '3.5'] as const) {
    it(`${version}: a device going offline (mock restart) is reported offline, then online again`, async () => {
      await using p = await fleetPair(4, {}, () => ({ version }))
      const { fleet } = p
      await fleet.connectAll()
      await Promise.all(fleet.devices().map((d) => d.heartbeat()))
      const id = fleetId(2)
      const offline = next<FleetOfflineDetail>(fleet, 'offline')
      const online = next<FleetOnlineDetail>(fleet, 'online')
      const restarted = p.mock(id).restart({ downtimeMs: 150 })
      const gone = await offline
      assert.equal(gone.id, id)
      assert.equal(gone.reason, 'remote-close')
      assert.equal(gone.willReconnect, true)
      assert.deepEqual(fleet.offline, [id])
      assert.equal(fleet.onlineCount, 3)
      assert.equal(fleet.online.includes(id), false)
      await restarted
      const back = await online
      assert.deepEqual([back.id, back.isReconnect, back.version], [id, true, version])
      assert.equal(fleet.onlineCount, 4)
      assert.deepEqual(fleet.offline, [])
      // The handle works again (and the others were never disturbed).
      assert.deepEqual(await fleet.get(id)!.status(), { '1': false, '2': 2 })
    })
  }
})

describe('fleet: membership', () => {
  it('remove() closes the handle, reports it offline and forgets it', async () => {
    await using p = await fleetPair(3, {}, () => ({ version: '3.3' }))
    const { fleet } = p
    await fleet.connectAll()
    const id = fleetId(1)
    const handle = fleet.get(id)!
    await handle.heartbeat()
    const closedOnMock = p.mock(id).waitFor('close')
    const offline = next<FleetOfflineDetail>(fleet, 'offline')
    assert.equal(await fleet.remove(id), true)
    assert.equal(handle.connectionState, 'closed')
    assert.deepEqual([(await offline).id, (await offline).reason, (await offline).willReconnect], [id, 'close', false])
    assert.equal((await closedOnMock).reason, 'client', 'the device saw the client hang up')
    assert.equal(fleet.has(id), false)
    assert.equal(fleet.get(id), undefined)
    assert.equal(fleet.size, 2)
    assert.equal(fleet.online.includes(id), false)
    assert.equal(fleet.offline.includes(id), false)
    assert.ok((await settle(handle.status())).error instanceof ClosedError)
    assert.equal(await fleet.remove(id), false, 'already removed')
    // Its events no longer reach the fleet; the id can be added again.
    let stray = 0
    fleet.addEventListener('dps', (e) => e.detail.id === id && stray++)
    const again = fleet.add({ id, key: KEY, host: '127.0.0.1', port: p.mock(id).port, version: p.mock(id).version })
    assert.notEqual(again, handle)
    assert.deepEqual(await again.status(), { '1': false, '2': 1 })
    assert.equal(stray, 1, 'only the new handle reports')
  })

  it('add() checks its arguments and refuses a duplicate id', async () => {
    await using fleet = createFleet({ version: '3.3' })
    const device = fleet.add({ id: fleetId(0), key: KEY, host: '127.0.0.1' })
    assert.equal(device.version, '3.3', 'version from the shared options')
    assert.equal(fleet.add({ id: fleetId(3), key: KEY, host: '127.0.0.1', version: undefined }).version, '3.3', 'undefined does not hide a shared option')
    assert.equal(fleet.get(fleetId(0)), device)
    assert.deepEqual(fleet.devices().map((d) => d.id), [fleetId(0), fleetId(3)])
    assert.throws(() => fleet.add({ id: fleetId(0), key: KEY, host: '127.0.0.1' }), RangeError)
    assert.throws(() => fleet.add({ id: '', key: KEY, host: '127.0.0.1' }), TypeError)
    assert.throws(() => fleet.add({ id: fleetId(1), key: 'short', host: '127.0.0.1' }), RangeError)
    assert.throws(() => fleet.add(null as never), TypeError)
    assert.equal(fleet.size, 2, 'failed adds leave nothing behind')
    assert.throws(() => createFleet({ maxConcurrentConnects: 0 }), RangeError)
    assert.throws(() => createFleet({ staggerMs: -1 }), RangeError)
    assert.throws(() => createFleet({ timerSlackMs: -5 }), RangeError)
    assert.throws(() => createFleet({ timerSlackMs: Number.NaN }), RangeError)
    assert.throws(() => createFleet({ autoConnect: 'yes' as never }), TypeError)
    await using noVersion = createFleet()
    assert.equal(noVersion.add({ id: fleetId(2), key: KEY, host: '127.0.0.1' }).version, undefined, "'auto' (the default) until the first connection")
  })

  it('close() closes every handle, rejects a pending connectAll() and refuses new work', async () => {
    // The second device never answers its handshake, so connectAll() is still waiting.
    await using p = await fleetPair(2, { connectTimeoutMs: 5000 }, (i) => ({ version: '3.4', ...(i === 1 ? { faults: { isSilent: true } } : {}) }))
    const { fleet } = p
    const pending = settle(fleet.connectAll())
    await next(fleet, 'online')
    const handles = fleet.devices()
    await fleet.close()
    assert.ok((await pending).error instanceof ClosedError)
    assert.deepEqual(handles.map((d) => d.connectionState), ['closed', 'closed'])
    assert.equal(fleet.size, 0)
    assert.equal(fleet.isClosed, true)
    assert.throws(() => fleet.add({ id: fleetId(3), key: KEY, host: '127.0.0.1', version: '3.3' }), ClosedError)
    await assert.rejects(fleet.connectAll(), ClosedError)
    assert.deepEqual(await fleet.updates().next(), { value: undefined, done: true })
    await fleet.close()
  })
})

describe('fleet: connectAll outcomes', () => {
  it('reports the devices that failed (wrong key, nothing listening) and keeps retrying them', async () => {
    const gone = await createMockDevice({ version: '3.3' })
    const port = gone.port
    await gone.close()
    await using p = await fleetPair(3, {}, (i) => ({ version: '3.4', ...(i === 2 ? { localKey: 'fedcba9876543210' } : {}) }))
    const { fleet } = p
    fleet.add({ id: 'bfnobodylistening000', key: KEY, host: '127.0.0.1', port, version: '3.3' })
    const errors: string[] = []
    fleet.addEventListener('error', (e) => errors.push(`${e.detail.id}:${e.detail.error.name}`))
    const result = await fleet.connectAll()
    assert.deepEqual(result.online.sort(), [fleetId(0), fleetId(1)])
    const failed = new Map(result.failed.map((f) => [f.id, f.error]))
    assert.ok(failed.get(fleetId(2)) instanceof WrongKeyError, String(failed.get(fleetId(2))))
    assert.ok(failed.get('bfnobodylistening000') instanceof ConnectionError)
    assert.ok(errors.includes(`${fleetId(2)}:WrongKeyError`))
    assert.deepEqual(fleet.offline.sort(), [fleetId(2), 'bfnobodylistening000'])
    // The unreachable one keeps trying (FAST backoff: tens of ms).
    await next(fleet, 'error', (d: { id: string }) => d.id === 'bfnobodylistening000')
    assert.equal(fleet.get('bfnobodylistening000')!.connectionState !== 'idle', true)
    // Again: the wrong key backs off for maxDelayMs, so its last failure is the answer at once.
    const started = Date.now()
    const again = await fleet.connectAll()
    assert.ok(again.failed.find((f) => f.id === fleetId(2))?.error instanceof WrongKeyError)
    assert.deepEqual(again.online.sort(), [fleetId(0), fleetId(1)])
    assert.ok(Date.now() - started < 1000, 'no waiting for the next attempt of a device backing off')
  })

  it('an aborted connectAll() rejects with the reason and leaves the devices not started yet unstarted', async () => {
    await using p = await fleetPair(6, { staggerMs: 40 }, () => ({ version: '3.3' }))
    const { fleet } = p
    const abort = new AbortController()
    const pending = fleet.connectAll({ signal: abort.signal })
    await next(fleet, 'online')
    abort.abort(new Error('stop'))
    await assert.rejects(pending, /stop/)
    assert.equal(fleet.queued, 0)
    await sleep(100)
    const idle = fleet.devices().filter((d) => d.connectionState === 'idle').length
    assert.ok(idle >= 4, `devices not started stay idle (${idle} idle)`)
    await assert.rejects(fleet.connectAll({ signal: AbortSignal.abort(new Error('already')) }), /already/)
  })

  it('shares a caller-supplied connect gate', async () => {
    const gate = createConnectGate({ concurrency: 1 })
    await using p = await fleetPair(4, { connectGate: gate }, () => ({ version: '3.4', faults: { replyDelayMs: 15 } }))
    let handshaking = 0
    let most = 0
    let mostWaiting = 0
    for (const m of p.mocks) {
      m.addEventListener('connection', () => {
        most = Math.max(most, ++handshaking)
        mostWaiting = Math.max(mostWaiting, gate.waiting)
      })
      m.addEventListener('handshake', () => handshaking--)
    }
    const result = await p.fleet.connectAll()
    assert.equal(result.online.length, 4)
    assert.equal(most, 1, 'one handshake at a time: the gate of concurrency 1, not the fleet default of 16')
    assert.ok(mostWaiting >= 1, 'the others waited in that gate')
    assert.equal(gate.active, 0, 'every slot given back')
  })
})

describe('fleet: shared options', () => {
  it('passes the shared device options to every handle; per-device options win', async () => {
    const mock = await createMockDevice({ version: '3.3', id: fleetId(0), localKey: KEY })
    try {
      await using fleet = createFleet({ ...FAST, version: '3.1', port: mock.port })
      const device = fleet.add({ id: fleetId(0), key: KEY, host: '127.0.0.1', version: '3.3' })
      assert.equal(device.version, '3.3')
      assert.deepEqual(await device.status(), { '1': false }, 'the shared port reached the mock')
    } finally {
      await mock.close()
    }
  })
})
