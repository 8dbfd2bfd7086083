/**
 * The sans-I/O state: device records with first/last seen from the time passed in, what
 * counts as new or updated, counters by reason, the device limit.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DiscoveryCore, IGNORED_REASONS } from '../src/index.ts'
import { deviceBeacon, h, vector } from './helpers.ts'

const json = { ip: '192.168.1.50', gwId: 'bf0123456789abcdefgh', productKey: 'keyabcdefgh12345', version: '3.3' }
const from = { address: '192.168.1.50', port: 6667 }

describe('DiscoveryCore', () => {
  it('reports new, then unchanged repeats, then updated when the address or version changes', () => {
    const core = new DiscoveryCore()
    const first = core.receive(deviceBeacon('55aa-ecb', json), from, 6667, 1000)
    assert.equal(first.type === 'beacon' && first.change, 'new')
    const again = core.receive(deviceBeacon('55aa-ecb', json), from, 6667, 6000)
    assert.ok(again.type === 'beacon')
    assert.equal(again.change, undefined)
    assert.equal(again.device.firstSeenMs, 1000)
    assert.equal(again.device.lastSeenMs, 6000)
    assert.equal(again.device.beaconCount, 2)
    const moved = core.receive(deviceBeacon('55aa-ecb', { ...json, ip: '192.168.1.51' }), from, 6667, 7000)
    assert.equal(moved.type === 'beacon' && moved.change, 'updated')
    const upgraded = core.receive(deviceBeacon('55aa-ecb', { ...json, ip: '192.168.1.51', version: '3.4' }), from, 6667, 8000)
    assert.equal(upgraded.type === 'beacon' && upgraded.change, 'updated')
    const otherSource = core.receive(deviceBeacon('55aa-ecb', { ...json, ip: '192.168.1.51', version: '3.4' }), { address: '172.17.0.1', port: 1 }, 6667, 9000)
    assert.equal(otherSource.type === 'beacon' && otherSource.change, 'updated')
    assert.equal(core.devices().length, 1)
    assert.equal(core.get(json.gwId)?.version, '3.4')
    assert.equal(core.get(json.gwId)?.firstSeenMs, 1000)
  })

  it('a 3.5 beacon and its richer solicitation answer are one device, not an update', () => {
    const core = new DiscoveryCore()
    const beacon = core.receive(h(vector('udp6667_v35_gcm').frame_hex), from, 6667, 1)
    const answer = core.receive(h(vector('udp7000_device_reply').frame_hex), from, 7000, 2)
    assert.equal(beacon.type === 'beacon' && beacon.change, 'new')
    assert.ok(answer.type === 'beacon')
    assert.equal(answer.change, undefined)
    assert.equal(answer.device.localPort, 7000)
    assert.equal(answer.device.json['lan_cap'], 5030)
  })

  it('counts received, decoded and ignored datagrams by reason', () => {
    const core = new DiscoveryCore()
    core.receive(deviceBeacon('55aa-plain', json), from, 6666, 1)
    core.receive(new Uint8Array(0), from, 6666, 1)
    core.receive(new Uint8Array([1, 2, 3]), from, 6666, 1)
    core.receive(h(vector('udp7000_app_request').frame_hex), from, 7000, 1)
    core.noteSolicitation(true)
    core.noteSolicitation(false)
    const stats = core.stats
    assert.deepEqual(Object.keys(stats.ignored), [...IGNORED_REASONS])
    assert.equal(stats.received, 4)
    assert.equal(stats.decoded, 1)
    assert.equal(stats.ignored.empty, 1)
    assert.equal(stats.ignored.foreign, 1)
    assert.equal(stats.ignored.solicitation, 1)
    assert.equal(stats.devices, 1)
    assert.equal(stats.solicitationsSent, 1)
    assert.equal(stats.sendErrors, 1)
    stats.ignored.empty = 99 // a snapshot: changing it changes nothing inside
    assert.equal(core.stats.ignored.empty, 1)
  })

  it('keeps at most maxDevices ids; known ids still update', () => {
    const core = new DiscoveryCore({ maxDevices: 2 })
    for (const id of ['a1', 'a2', 'a3']) core.receive(deviceBeacon('55aa-ecb', { ...json, gwId: id }), from, 6667, 1)
    assert.deepEqual(core.devices().map((d) => d.id), ['a1', 'a2'])
    assert.equal(core.stats.ignored['too-many-devices'], 1)
    const again = core.receive(deviceBeacon('55aa-ecb', { ...json, gwId: 'a2' }), from, 6667, 2)
    assert.equal(again.type, 'beacon')
  })

  it('checks its limits', () => {
    assert.throws(() => new DiscoveryCore({ maxDevices: 0 }), /maxDevices/)
    assert.throws(() => new DiscoveryCore({ maxDatagramBytes: 1.5 }), /maxDatagramBytes/)
  })
})
