/**
 * Commands, errors, device22 and gateways on the sans-I/O core (PROTOCOL.md §8-§11).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeFrame, type DecodedFrame } from '@tuya/codec'
import { bytesToHex } from '@tuya/crypto'
import { DEFAULT_CID, DeviceCore, ERROR_TEXT, resolveOptions } from '../src/index.ts'
import { CoreClient, eventsOf, ID, KEY, makeCore, T, writes } from './helpers/core.ts'

function decoded(c: CoreClient, frames: Uint8Array[]): DecodedFrame[] {
  return frames.map((f) => decodeFrame(f, { version: c.version, key: c.key }))
}
const summary = (frames: DecodedFrame[]) => frames.map((f) => ({ cmd: f.cmd, retcode: f.retcode, body: f.json ?? f.text ?? '' }))

describe('commands', () => {
  it('CONTROL merges, acks empty and pushes exactly the DPs written; unknown DPs are ignored', () => {
    const c = new CoreClient(makeCore({ version: '3.3', dps: { '1': false, '2': 10 } }))
    const frames = decoded(c, writes(c.send(7, { devId: 'x', dps: { '2': 20, '99': true } })))
    assert.deepEqual(summary(frames), [
      { cmd: 7, retcode: 0, body: '' },
      { cmd: 8, retcode: 0, body: { devId: c.core.config.id, dps: { '2': 20 }, t: 1700000000 } },
    ])
    assert.deepEqual(c.core.store.get(), { '1': false, '2': 20 })
  })
  it('acceptUnknownDps lets a client create DPs', () => {
    const c = new CoreClient(makeCore({ version: '3.3', dps: {}, acceptUnknownDps: true }))
    c.send(7, { dps: { '5': 'x' } })
    assert.deepEqual(c.core.store.get(), { '5': 'x' })
  })
  it('a CONTROL that writes nothing is acked without a push', () => {
    const c = new CoreClient(makeCore({ version: '3.3', dps: { '1': false } }))
    assert.deepEqual(summary(decoded(c, writes(c.send(7, { dps: { '42': 1 } })))), [{ cmd: 7, retcode: 0, body: '' }])
  })
  it('controlAckRetcode: 1 as one official firmware does', () => {
    const c = new CoreClient(makeCore({ version: '3.3', dps: { '1': false }, controlAckRetcode: 1 }))
    assert.equal(decoded(c, writes(c.send(7, { dps: { '1': true } })))[0]!.retcode, 1)
  })
  it('3.4 CONTROL_NEW without data.dps: data format error; with it: ack + wrapped push', () => {
    const c = new CoreClient(makeCore({ version: '3.4', dps: { '1': false } }))
    c.handshake()
    assert.deepEqual(summary(decoded(c, writes(c.send(13, { protocol: 5, t: 1, dps: { '1': true } })))), [{ cmd: 13, retcode: 1, body: ERROR_TEXT.DATA_FORMAT }])
    assert.deepEqual(summary(decoded(c, writes(c.send(13, { protocol: 5, t: 1, data: { dps: { '1': true } } })))), [
      { cmd: 13, retcode: 0, body: '' },
      { cmd: 8, retcode: 0, body: { protocol: 4, t: 1700000000, data: { dps: { '1': true } } } },
    ])
  })
  it('payloads that are not a DP object get data format error', () => {
    const c = new CoreClient(makeCore({ version: '3.3' }))
    assert.equal(decoded(c, writes(c.send(7, 'not json')))[0]!.text, ERROR_TEXT.DATA_FORMAT)
    assert.equal(decoded(c, writes(c.send(7, { dps: { '1': { nested: true } } })))[0]!.text, ERROR_TEXT.DATA_FORMAT)
  })
  it('UPDATEDPS: empty ack, then a report of the listed DPs the device has', () => {
    const c = new CoreClient(makeCore({ version: '3.3', dps: { '18': 5, '19': 6 } }))
    assert.deepEqual(summary(decoded(c, writes(c.send(18, { dpId: [18, 20] })))), [
      { cmd: 18, retcode: 0, body: '' },
      { cmd: 8, retcode: 0, body: { dps: { '18': 5 }, t: 1700000000 } },
    ])
  })
  it('HEART_BEAT: an empty frame whatever the payload; unknown commands are ignored', () => {
    const c = new CoreClient(makeCore({ version: '3.3' }))
    assert.deepEqual(summary(decoded(c, writes(c.send(9)))), [{ cmd: 9, retcode: 0, body: '' }])
    const actions = c.send(0x11, {})
    assert.equal(writes(actions).length, 0)
    assert.equal(eventsOf(actions, 'dropped').length, 1)
  })
  it('status replies follow every DP change: a client CONTROL, setDps, a silent setDps', () => {
    for (const version of ['3.1', '3.3', '3.4', '3.5'] as const) {
      const c = new CoreClient(makeCore({ version, dps: { '1': false, '2': 10 } }))
      if (version === '3.4' || version === '3.5') c.handshake()
      const isNew = version === '3.4' || version === '3.5'
      const query = () => decoded(c, writes(c.send(isNew ? 16 : 10, isNew ? {} : { devId: 'x' })))[0]!.json as { dps: unknown }
      assert.deepEqual(query().dps, { '1': false, '2': 10 }, version)
      assert.deepEqual(query().dps, { '1': false, '2': 10 }, `${version}: asked twice`)
      c.send(isNew ? 13 : 7, isNew ? { protocol: 5, t: 1, data: { dps: { '2': 11 } } } : { devId: 'x', dps: { '2': 11 } })
      assert.deepEqual(query().dps, { '1': false, '2': 11 }, `${version}: after a client CONTROL`)
      c.core.setDps({ '1': true })
      assert.deepEqual(query().dps, { '1': true, '2': 11 }, `${version}: after setDps`)
      c.core.setDps({ '3': 'x' }, { isSilent: true })
      assert.deepEqual(query().dps, { '1': true, '2': 11, '3': 'x' }, `${version}: after a silent setDps`)
    }
  })
  it('with nulls and values mixed, the push lists the DPs read, then the DPs written, in request order', () => {
    const c = new CoreClient(makeCore({ version: '3.3', dev22: true, dps: { b: 'old', a: 1, c: true } }))
    const frames = decoded(c, writes(c.send(13, { devId: 'x', dps: { c: null, a: 2, x: null, b: 'new' } })))
    assert.equal(frames[1]!.text, `{"devId":"${c.core.config.id}","dps":{"c":true,"a":2,"b":"new"},"t":1700000000}`)
    assert.deepEqual(c.core.store.get(), { b: 'new', a: 2, c: true })
  })
  it('every receive returns its own actions; objects reused inside the core never show through', () => {
    const c = new CoreClient(makeCore({ version: '3.5', dps: { '1': false } }))
    c.handshake()
    const first = c.send(16, {})
    const firstCopy = first.map((a) => ({ ...a }))
    const firstBytes = writes(first).map(bytesToHex)
    const second = c.send(13, { protocol: 5, t: 1, data: { dps: { '1': true } } })
    const third = c.send(16, {})
    assert.notEqual(first, second)
    assert.notEqual(second, third)
    assert.deepEqual(first.map((a) => ({ ...a })), firstCopy)
    assert.deepEqual(writes(first).map(bytesToHex), firstBytes)
    assert.deepEqual(second.filter((a) => a.type !== 'event').map((a) => a.type), ['touch', 'write', 'write'])
    assert.deepEqual(decoded(c, writes(third)).map((f) => (f.json as { dps: unknown }).dps), [{ '1': true }])
    // Two pushes in a row: each frame carries its own source-header serial.
    const pushes = [...c.core.setDps({ '1': false }), ...c.core.setDps({ '1': true })]
    const headers = decoded(c, writes(pushes)).map((f) => bytesToHex(f.header!))
    // "3.5", crc 0, serial (the CONTROL's push above had serial 0), origin 1
    assert.deepEqual(headers, ['332e35' + '00000000' + '00000001' + '00000001', '332e35' + '00000000' + '00000002' + '00000001'])
  })
  it('emits command and change events', () => {
    const c = new CoreClient(makeCore({ version: '3.3', dps: { '1': false } }))
    const actions = c.send(7, { dps: { '1': true } })
    assert.deepEqual(eventsOf(actions, 'command').map((d) => (d as { name: string }).name), ['CONTROL'])
    assert.deepEqual(eventsOf(actions, 'change'), [{ dps: { '1': true }, source: 'client' }])
  })
})

describe('events', () => {
  it('hears: the per-frame events nobody wants are not built; the frames are the same', () => {
    const run = (hears?: (type: string) => boolean) => {
      const core = new DeviceCore(resolveOptions({ id: ID, localKey: KEY, now: () => T * 1000, serialStart: 0, dps: { '1': false } }), hears === undefined ? {} : { hears })
      const c = new CoreClient(core)
      const actions = [...c.send(7, { dps: { '1': true } }), ...c.send(10, {}), ...core.setDps({ '1': false }), ...c.send(9)]
      return { bytes: writes(actions).map((b) => bytesToHex(b)), types: actions.flatMap((a) => (a.type === 'event' ? [a.event.type] : [])) }
    }
    const all = run()
    assert.deepEqual([...new Set(all.types)].sort(), ['change', 'command', 'frame'])
    const few = run((type) => type === 'change')
    assert.equal(few.bytes.length, 5)
    assert.deepEqual(few.bytes, all.bytes)
    // The device-side change is not a per-frame event: it is always built.
    assert.deepEqual(few.types, ['change', 'change'])
    assert.deepEqual(run(() => false).types, ['change'])
  })
})

describe('device-side changes', () => {
  it('setDps pushes STATUS to the client; isSilent only changes the state', () => {
    const c = new CoreClient(makeCore({ version: '3.3', dps: { '1': false } }))
    assert.deepEqual(summary(decoded(c, writes(c.core.setDps({ '1': true }))))[0]?.body, { devId: c.core.config.id, dps: { '1': true }, t: 1700000000 })
    assert.equal(writes(c.core.setDps({ '1': false }, { isSilent: true })).length, 0)
    assert.deepEqual(c.core.store.get(), { '1': false })
  })
  it('nothing is pushed to a 3.4 connection that has not negotiated yet', () => {
    const c = new CoreClient(makeCore({ version: '3.4', dps: { '1': false } }))
    assert.equal(writes(c.core.setDps({ '1': true })).length, 0)
    c.handshake()
    assert.equal(writes(c.core.setDps({ '1': false })).length, 1)
  })
  it('rejects bad DPs and unknown children', () => {
    const core = makeCore({ version: '3.3' })
    assert.throws(() => core.setDps({ '1': {} as never }), TypeError)
    assert.throws(() => core.setDps({ '1': true }, { cid: 'nope' }), RangeError)
  })
})

describe('device22 (§9)', () => {
  it('3.3: error on DP_QUERY and DP_QUERY_NEW; CONTROL_NEW with nulls: empty ack + push of the listed DPs it has', () => {
    const c = new CoreClient(makeCore({ version: '3.3', dev22: true, dps: { '1': true, '2': 7 } }))
    assert.deepEqual(summary(decoded(c, writes(c.send(10, {})))), [{ cmd: 10, retcode: 1, body: ERROR_TEXT.DATA_UNVALID }])
    assert.deepEqual(summary(decoded(c, writes(c.send(16, {})))), [{ cmd: 16, retcode: 1, body: ERROR_TEXT.DATA_UNVALID }])
    const frames = decoded(c, writes(c.send(13, { devId: 'x', uid: 'x', t: '1', dps: { '1': null, '2': null, '3': null } })))
    assert.deepEqual(summary(frames), [
      { cmd: 13, retcode: 0, body: '' },
      { cmd: 8, retcode: 0, body: { devId: c.core.config.id, dps: { '1': true, '2': 7 }, t: 1700000000 } },
    ])
    assert.deepEqual(c.core.store.get(), { '1': true, '2': 7 }, 'a null query changes nothing')
  })
  it('3.2 is always device22, and its error text travels in clear', () => {
    const c = new CoreClient(makeCore({ version: '3.2', dps: { '1': true } }))
    const [reply] = decoded(c, writes(c.send(10, {})))
    assert.equal(reply!.text, ERROR_TEXT.DATA_UNVALID)
    assert.equal(reply!.isEncrypted, false)
  })
  it('is rejected at start-up on 3.1 and 3.5', () => {
    for (const version of ['3.1', '3.5'] as const) {
      assert.throws(() => resolveOptions({ version, dev22: true }), (e: Error) => e instanceof RangeError && /dev22 is not supported on version/.test(e.message))
    }
  })
})

describe('gateways (§10)', () => {
  const CID = DEFAULT_CID
  it('child status, child control (ack + push naming the cid), unknown cid', () => {
    const c = new CoreClient(makeCore({ version: '3.3', gateway: { [CID]: { '1': false } }, dps: {} }))
    assert.deepEqual(summary(decoded(c, writes(c.send(10, { t: 1, cid: CID })))), [{ cmd: 10, retcode: 0, body: { cid: CID, dps: { '1': false } } }])
    assert.deepEqual(summary(decoded(c, writes(c.send(7, { t: 1, cid: CID, dps: { '1': true } })))), [
      { cmd: 7, retcode: 0, body: '' },
      { cmd: 8, retcode: 0, body: { cid: CID, dps: { '1': true }, t: 1700000000 } },
    ])
    assert.deepEqual(summary(decoded(c, writes(c.send(10, { cid: 'unknown' })))), [{ cmd: 10, retcode: 1, body: ERROR_TEXT.DEVID_NOT_FOUND }])
    assert.deepEqual(summary(decoded(c, writes(c.send(7, { cid: 'unknown', dps: { '1': true } })))), [{ cmd: 7, retcode: 1, body: ERROR_TEXT.DEVID_NOT_FOUND }])
  })
  it('a gateway without DPs of its own answers a query without cid with data unvalid', () => {
    const c = new CoreClient(makeCore({ version: '3.3', gateway: true, dps: {} }))
    assert.equal(decoded(c, writes(c.send(10, {})))[0]!.text, ERROR_TEXT.DATA_UNVALID)
  })
  it('3.5: the child set form {protocol:5,data:{cid,ctype,dps},cid} and subdev_online_stat_query', () => {
    const core = makeCore({ version: '3.5', gateway: { [CID]: { '1': false }, b0b0b0b0b0b0b0b0: { '1': true } } })
    core.store.setOnline('b0b0b0b0b0b0b0b0', false)
    const c = new CoreClient(core)
    c.handshake()
    const set = decoded(c, writes(c.send(13, { protocol: 5, t: 1, data: { cid: CID, ctype: 0, dps: { '1': true } }, cid: CID })))
    assert.deepEqual(summary(set)[1], { cmd: 8, retcode: 0, body: { protocol: 4, t: 1700000000, data: { cid: CID, dps: { '1': true } } } })
    const list = decoded(c, writes(c.send(64, { reqType: 'subdev_online_stat_query', data: { cids: [] } })))
    assert.deepEqual(summary(list), [{ cmd: 64, retcode: 0, body: { reqType: 'subdev_online_stat_report', data: { online: [CID], offline: ['b0b0b0b0b0b0b0b0'] } } }])
  })
  it('a device that is not a gateway ignores LAN_EXT_STREAM and refuses a cid', () => {
    const c = new CoreClient(makeCore({ version: '3.3' }))
    assert.equal(writes(c.send(64, { reqType: 'subdev_online_stat_query', data: { cids: [] } })).length, 0)
    assert.equal(decoded(c, writes(c.send(10, { cid: CID })))[0]!.text, ERROR_TEXT.DEVID_NOT_FOUND)
  })
})

describe('options', () => {
  it('validates with errors that name the option', () => {
    assert.throws(() => resolveOptions({ version: '3.6' as never }), /version must be one of/)
    assert.throws(() => resolveOptions({ localKey: '0123' }), /localKey must be 16/)
    assert.throws(() => resolveOptions({ maxConnections: 0 }), /maxConnections/)
    assert.throws(() => resolveOptions({ onExtraConnection: 'drop' as never }), /onExtraConnection/)
    assert.throws(() => resolveOptions({ dps: { '1': null as never } }), TypeError)
    assert.throws(() => resolveOptions({ faults: { dropAfterFrames: 0 } }), /faults.dropAfterFrames/)
  })
  it('defaults: 3.3, one client, replace, 30 s idle, 3.5 checks seq, random id and key', () => {
    const c = resolveOptions({})
    assert.deepEqual([c.version, c.maxConnections, c.onExtraConnection, c.idleTimeoutMs, c.seqCheck, c.maxFrameBytes], ['3.3', 1, 'replace', 30000, 'off', 4096])
    assert.equal(resolveOptions({ version: '3.5' }).seqCheck, 'close')
    assert.equal(c.localKeyText.length, 16)
    assert.notEqual(resolveOptions({}).id, c.id)
    assert.equal(resolveOptions({ version: '3.2' }).isDev22, true)
  })
})
