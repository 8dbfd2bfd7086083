/**
 * The discovery instance over memoryTransport() and a manual clock: events, scan/find/updates,
 * the solicitation (only when asked, only where allowed), bind failures, junk, close.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  createDiscovery,
  decodeBeacon,
  DeviceNotFoundError,
  DiscoveryBindError,
  DiscoveryClosedError,
  memoryTransport,
  type DeviceUpdate,
  type DiscoveryOptions,
} from '../src/index.ts'
import { deviceBeacon, h, manualClock, tick, vector } from './helpers.ts'

const base = { ip: '192.168.1.50', productKey: 'keyabcdefgh12345', version: '3.3' }
const beacon = (gwId: string, extra: Record<string, unknown> = {}) => deviceBeacon('55aa-ecb', { ...base, gwId, ...extra })
const from = { address: '192.168.1.50', port: 6667 }

async function setup(options: DiscoveryOptions = {}) {
  const net = memoryTransport()
  const clock = manualClock()
  const discovery = await createDiscovery({ transport: net, clock, ...options })
  return { net, clock, discovery }
}

describe('createDiscovery over memoryTransport', () => {
  it('binds 6666, 6667 and 7000 by default and turns beacons into events and records', async () => {
    const { net, clock, discovery } = await setup()
    assert.deepEqual(discovery.ports, { plaintext: 6666, encrypted: 6667, replies: 7000 })
    assert.deepEqual(net.boundPorts.sort(), [6666, 6667, 7000])
    const seen: string[] = []
    discovery.addEventListener('device', (e) => seen.push(`${e.detail.change} ${e.detail.device.id}`))
    let beacons = 0
    discovery.addEventListener('beacon', () => beacons++)
    net.deliver(6667, beacon('dev1'), from)
    clock.advance(5000)
    net.deliver(6667, beacon('dev1'), from)
    net.deliver(6667, beacon('dev1', { ip: '192.168.1.60' }), from)
    net.deliver(6666, deviceBeacon('55aa-plain', { ...base, gwId: 'dev2', version: '3.1' }), from)
    assert.deepEqual(seen, ['new dev1', 'updated dev1', 'new dev2'])
    assert.equal(beacons, 4)
    const dev1 = discovery.get('dev1')!
    assert.equal(dev1.ip, '192.168.1.60')
    assert.equal(dev1.lastSeenMs - dev1.firstSeenMs, 5000)
    assert.equal(dev1.localPort, 6667)
    assert.deepEqual(discovery.devices().map((d) => d.id), ['dev1', 'dev2'])
    assert.equal(JSON.parse(JSON.stringify(discovery.devices()))[1].version, '3.1')
    await discovery.close()
    assert.deepEqual(net.boundPorts, [])
  })

  it('counts junk and reports it to debug and the ignored event, never throwing', async () => {
    const lines: string[] = []
    const { net, discovery } = await setup({ debug: (line) => lines.push(line) })
    const reasons: string[] = []
    discovery.addEventListener('ignored', (e) => reasons.push(e.detail.reason))
    net.deliver(6667, new Uint8Array(0), from)
    net.deliver(6667, new Uint8Array([0, 0, 0x55, 0xaa, 1, 2, 3]), from)
    net.deliver(7000, h(vector('udp7000_app_request').frame_hex), from)
    net.deliver(6666, new TextEncoder().encode('hello'), from)
    assert.deepEqual(reasons, ['empty', 'bad-frame', 'solicitation', 'foreign'])
    assert.equal(discovery.stats.received, 4)
    assert.equal(discovery.stats.decoded, 0)
    assert.equal(discovery.stats.ignored['bad-frame'], 1)
    assert.ok(lines.some((l) => l.includes('ignored datagram: foreign')))
    await discovery.close()
    assert.ok(lines.at(-1)?.includes('closed'))
  })

  it('reports a throwing debug hook as an error event instead of breaking the socket handler', async () => {
    const { net, discovery } = await setup({ debug: () => { throw new Error('boom') } })
    const errors: Error[] = []
    discovery.addEventListener('error', (e) => errors.push(e.detail.error))
    net.deliver(6667, beacon('dev1'), from)
    assert.equal(discovery.get('dev1')?.id, 'dev1')
    assert.ok(errors.length >= 1)
    assert.equal(errors[0]!.message, 'boom')
    await discovery.close()
  })

  it('listens only on the ports asked for; false skips one; a held port is a DiscoveryBindError and nothing stays bound', async () => {
    const { net, discovery } = await setup({ ports: { plaintext: false, encrypted: 0, replies: 7001 } })
    assert.deepEqual(discovery.ports, { encrypted: 40000, replies: 7001 })
    await discovery.close()
    net.holdPort(6667)
    await assert.rejects(createDiscovery({ transport: net }), (error: unknown) => {
      assert.ok(error instanceof DiscoveryBindError)
      assert.equal(error.code, 'TUYA_ERR_DISCOVERY_BIND')
      assert.equal(error.port, 6667)
      assert.equal(error.systemCode, 'EADDRINUSE')
      assert.match(error.message, /6667/)
      assert.match(error.message, /Home Assistant/)
      assert.match(error.message, /reuseAddr/)
      return true
    })
    assert.deepEqual(net.boundPorts, [], '6666 was bound before 6667 failed and must be closed again')
    await assert.rejects(createDiscovery({ transport: net, ports: { plaintext: false, encrypted: false, replies: false } }), RangeError)
    await assert.rejects(createDiscovery({ transport: net, ports: { plaintext: 70000 } }), /ports.plaintext/)
  })
})

describe('the solicitation', () => {
  it('sends nothing unless asked', async () => {
    const { net, clock, discovery } = await setup()
    clock.advance(60_000)
    const scanning = discovery.scan({ timeoutMs: 10 })
    clock.advance(10)
    await scanning
    assert.deepEqual(net.sent, [])
    await assert.rejects(discovery.solicit(), TypeError)
    await discovery.close()
  })

  it('goes only to the allowed address, at start, every intervalMs and on scan, from the replies port', async () => {
    const { net, clock, discovery } = await setup({ solicit: { address: '192.168.1.255', ip: '192.168.1.10', intervalMs: 6000 } })
    await tick()
    assert.equal(net.sent.length, 1)
    clock.advance(6000)
    clock.advance(6000)
    await tick()
    assert.equal(net.sent.length, 3)
    for (const s of net.sent) {
      assert.equal(s.address, '192.168.1.255')
      assert.equal(s.port, 7000)
      assert.equal(s.fromPort, 7000)
      const decoded = decodeBeacon(s.bytes, { address: '192.168.1.10', port: 7000 })
      assert.equal(decoded.type === 'ignored' && decoded.reason, 'solicitation')
    }
    assert.notEqual(net.sent[0]!.bytes.subarray(18, 30).join(), net.sent[1]!.bytes.subarray(18, 30).join(), 'fresh IV each time')
    clock.advance(2000)
    const scanning = discovery.scan({ timeoutMs: 100 })
    await tick()
    assert.equal(net.sent.length, 4, 'a scan solicits at once')
    clock.advance(100)
    await scanning
    assert.equal(discovery.stats.solicitationsSent, 4)
    await discovery.close()
    clock.advance(60_000)
    assert.equal(net.sent.length, 4, 'no traffic after close')
  })

  it('counts failed sends and checks its options', async () => {
    const net = memoryTransport()
    net.failSends(true)
    const discovery = await createDiscovery({ transport: net, clock: manualClock(), solicit: { address: '10.0.0.255', ip: '10.0.0.2' } })
    await tick()
    assert.equal(discovery.stats.sendErrors, 1)
    await assert.rejects(discovery.solicit(), /ENETUNREACH/)
    await discovery.close()
    for (const solicit of [{ address: 'broadcast' }, { address: '10.0.0.255', port: 0 }, { address: '10.0.0.255', intervalMs: 10 }, { address: '10.0.0.255', ip: 'me' }]) {
      await assert.rejects(createDiscovery({ transport: net, solicit }), RangeError)
    }
    await assert.rejects(createDiscovery({ transport: net, solicit: { address: '203.0.113.255' } }), /solicit.ip/)
    const loop = await createDiscovery({ transport: net, clock: manualClock(), solicit: { address: '127.0.0.1', port: 7100 } })
    await loop.close()
  })
})

describe('scan, find and updates', () => {
  it('scan returns as soon as every wanted id has been seen', async () => {
    const { net, clock, discovery } = await setup()
    const scanning = discovery.scan({ ids: ['a', 'b'], timeoutMs: 10_000 })
    let isDone = false
    void scanning.then(() => (isDone = true))
    net.deliver(6667, beacon('a'), from)
    net.deliver(6667, beacon('x'), from)
    await tick()
    assert.equal(isDone, false)
    clock.advance(1234)
    net.deliver(6667, beacon('b'), from)
    const devices = await scanning
    assert.deepEqual(devices.map((d) => d.id), ['a', 'x', 'b'])
    await discovery.close()
  })

  it('scan without ids lasts timeoutMs; includeKnown counts earlier devices; Infinity needs ids', async () => {
    const { net, clock, discovery } = await setup()
    net.deliver(6667, beacon('early'), from)
    const fresh = discovery.scan({ timeoutMs: 5000 })
    const known = discovery.scan({ timeoutMs: 5000, includeKnown: true })
    const forever = discovery.scan({ timeoutMs: Infinity, ids: ['late'] })
    net.deliver(6667, beacon('late'), from)
    clock.advance(5000)
    assert.deepEqual((await fresh).map((d) => d.id), ['late'])
    assert.deepEqual((await known).map((d) => d.id), ['early', 'late'])
    assert.deepEqual((await forever).map((d) => d.id), ['late'])
    assert.throws(() => discovery.scan({ timeoutMs: Infinity }), RangeError)
    assert.throws(() => discovery.scan({ ids: [] }), RangeError)
    assert.throws(() => discovery.scan({ ids: 'abc' as unknown as string[] }), TypeError)
    assert.throws(() => discovery.scan({ timeoutMs: -1 }), RangeError)
    const whenKnown = await discovery.scan({ ids: ['early'], includeKnown: true })
    assert.equal(whenKnown.length, 2)
    assert.equal(clock.pending, 0, 'no timer left behind')
    await discovery.close()
  })

  it('scan rejects with the signal reason; close ends it with what it saw', async () => {
    const { net, discovery } = await setup()
    const controller = new AbortController()
    const aborted = discovery.scan({ signal: controller.signal })
    controller.abort(new Error('stop'))
    await assert.rejects(aborted, /stop/)
    const open = discovery.scan({ timeoutMs: 50_000 })
    net.deliver(6667, beacon('a'), from)
    await discovery.close()
    assert.deepEqual((await open).map((d) => d.id), ['a'])
    assert.throws(() => discovery.scan(), DiscoveryClosedError)
  })

  it('find resolves at once for a known id, on the next beacon otherwise, and times out with DeviceNotFoundError', async () => {
    const { net, clock, discovery } = await setup()
    net.deliver(6667, beacon('known'), from)
    assert.equal((await discovery.find('known')).id, 'known')
    const later = discovery.find('later', { timeoutMs: 1000 })
    net.deliver(6667, beacon('later'), from)
    assert.equal((await later).ip, '192.168.1.50')
    const missing = discovery.find('missing', { timeoutMs: 1000 })
    clock.advance(1000)
    await assert.rejects(missing, (e: unknown) => e instanceof DeviceNotFoundError && e.id === 'missing' && e.code === 'TUYA_ERR_DISCOVERY_NOT_FOUND' && /solicit/.test(e.message))
    const closing = discovery.find('never')
    await discovery.close()
    await assert.rejects(closing, DiscoveryClosedError)
  })

  it('updates yields new and updated devices, coalesces a backlog per id, and ends on abort', async () => {
    const { net, discovery } = await setup()
    net.deliver(6667, beacon('old'), from)
    const controller = new AbortController()
    const stream = discovery.updates({ signal: controller.signal, includeKnown: true })
    net.deliver(6667, beacon('a'), from)
    net.deliver(6667, beacon('a', { ip: '192.168.1.61' }), from)
    net.deliver(6667, beacon('a', { ip: '192.168.1.62' }), from)
    net.deliver(6667, beacon('b'), from)
    const got: DeviceUpdate[] = []
    for await (const update of stream) {
      got.push(update)
      if (got.length === 3) {
        net.deliver(6667, beacon('b', { version: '3.4' }), from)
      }
      if (got.length === 4) controller.abort()
    }
    assert.deepEqual(got.map((u) => `${u.change} ${u.device.id} ${u.device.ip}`), [
      'new old 192.168.1.50',
      'new a 192.168.1.62',
      'new b 192.168.1.50',
      'updated b 192.168.1.50',
    ])
    await discovery.close()
  })

  it('updates ends when the discovery closes, and breaking out removes its listener', async () => {
    const { net, discovery } = await setup()
    const stream = discovery.updates()
    setTimeout(() => net.deliver(6667, beacon('a'), from), 1)
    for await (const update of stream) {
      assert.equal(update.device.id, 'a')
      break
    }
    const second = discovery.updates()
    setTimeout(() => void discovery.close(), 1)
    const rest: DeviceUpdate[] = []
    for await (const update of second) rest.push(update)
    assert.deepEqual(rest, [])
  })

  it('an aborted signal closes the discovery', async () => {
    const controller = new AbortController()
    const { discovery } = await setup({ signal: controller.signal })
    controller.abort()
    await tick()
    assert.equal(discovery.isClosed, true)
    await assert.rejects(createDiscovery({ transport: memoryTransport(), signal: AbortSignal.abort(new Error('early')) }), /early/)
  })
})
