/**
 * Connection rules of real firmware, on the sans-I/O core (no sockets): how many clients,
 * what happens to an extra one, handshake first, one handshake per connection, silent drops
 * for frames that fail authentication (§18.29), closing on framing errors, seq rules (§12).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeFrame, encodeFrame } from '@tuya/codec'
import { concatBytes, utf8ToBytes } from '@tuya/crypto'
import { CoreClient, closes, eventsOf, KEY, makeCore, writes } from './helpers/core.ts'

const OTHER_KEY = 'ffffffffffffffff'

describe('extra connections (§13, §16)', () => {
  it('replace (default): the new connection supersedes the oldest', () => {
    const core = makeCore({ version: '3.3' })
    const first = core.accept({ remoteAddress: '127.0.0.1', remotePort: 1 })
    const second = core.accept({ remoteAddress: '127.0.0.1', remotePort: 2 })
    assert.deepEqual(closes(second.actions), [{ connectionId: first.connectionId, reason: 'replaced' }])
    assert.ok(second.actions.some((a) => a.type === 'close' && a.connectionId === first.connectionId && a.mode === 'end'))
    assert.deepEqual(core.connections.map((c) => c.connectionId), [second.connectionId])
  })
  it('refuse: the new connection is closed at once, the old one stays', () => {
    const core = makeCore({ version: '3.3', onExtraConnection: 'refuse' })
    const first = core.accept({ remoteAddress: '127.0.0.1', remotePort: 1 })
    const second = core.accept({ remoteAddress: '127.0.0.1', remotePort: 2 })
    assert.deepEqual(closes(second.actions), [{ connectionId: second.connectionId, reason: 'refused' }])
    assert.ok(second.actions.some((a) => a.type === 'close' && a.connectionId === second.connectionId && a.mode === 'end'))
    assert.deepEqual(core.connections.map((c) => c.connectionId), [first.connectionId])
  })
  it('reset: the new connection gets a RST', () => {
    const core = makeCore({ version: '3.3', onExtraConnection: 'reset' })
    core.accept({ remoteAddress: '127.0.0.1', remotePort: 1 })
    const second = core.accept({ remoteAddress: '127.0.0.1', remotePort: 2 })
    assert.ok(second.actions.some((a) => a.type === 'close' && a.connectionId === second.connectionId && a.mode === 'reset'))
  })
  it('maxConnections 3 (newer firmware): three clients, the fourth replaces the oldest', () => {
    const core = makeCore({ version: '3.3', maxConnections: 3 })
    const ids = [1, 2, 3].map((p) => core.accept({ remoteAddress: '127.0.0.1', remotePort: p }).connectionId)
    assert.equal(core.connections.length, 3)
    const fourth = core.accept({ remoteAddress: '127.0.0.1', remotePort: 4 })
    assert.deepEqual(closes(fourth.actions), [{ connectionId: ids[0], reason: 'replaced' }])
  })
  it('state is shared: a change on one connection is pushed to every connection', () => {
    const core = makeCore({ version: '3.3', maxConnections: 2, dps: { '1': false } })
    const a = new CoreClient(core)
    const b = new CoreClient(core)
    const actions = a.send(7, { devId: 'x', dps: { '1': true } })
    const toB = writes(actions, b.id).map((f) => decodeFrame(f, { version: '3.3', key: KEY }))
    assert.deepEqual(toB.map((f) => [f.cmd, f.seq, (f.json as { dps: unknown }).dps]), [[8, 0, { '1': true }]])
    const reply = decodeFrame(writes(b.send(10, {}))[0]!, { version: '3.3', key: KEY })
    assert.deepEqual((reply.json as { dps: unknown }).dps, { '1': true })
  })
})

describe('3.4/3.5 handshake rules (§7)', () => {
  it('tolerates 3 other frames before the handshake, closes on the 4th', () => {
    const c = new CoreClient(makeCore({ version: '3.4' }))
    for (let i = 0; i < 3; i++) {
      const actions = c.send(16, {})
      assert.equal(writes(actions).length, 0, 'no answer before the handshake')
      assert.equal(closes(actions).length, 0)
    }
    assert.deepEqual(closes(c.send(16, {})).map((x) => x.reason), ['pre-handshake-limit'])
  })
  it('a second START on an established connection closes it', () => {
    const c = new CoreClient(makeCore({ version: '3.5' }))
    c.handshake()
    const start = encodeFrame({ version: '3.5', key: KEY, cmd: 3, seq: c.seq++, payload: new Uint8Array(16) })
    assert.deepEqual(closes(c.feed(start)).map((x) => x.reason), ['repeated-start'])
  })
  it('START under another key: dropped without a word, the connection stays', () => {
    const c = new CoreClient(makeCore({ version: '3.4' }))
    const actions = c.handshake(OTHER_KEY)
    assert.equal(writes(actions).length, 0)
    assert.equal(closes(actions).length, 0)
    assert.equal(eventsOf(actions, 'dropped').length, 1)
  })
  it('an intact FINISH with a wrong proof closes the connection (failed handshake)', () => {
    const c = new CoreClient(makeCore({ version: '3.4' }))
    c.feed(encodeFrame({ version: '3.4', key: KEY, cmd: 3, seq: 1, payload: new Uint8Array(16) }))
    const finish = encodeFrame({ version: '3.4', key: KEY, cmd: 5, seq: 2, payload: new Uint8Array(32) })
    assert.deepEqual(closes(c.feed(finish)).map((x) => x.reason), ['handshake-failed'])
  })
  it('RESP uses the device counter, not the START seq; data frames continue it', () => {
    const c = new CoreClient(makeCore({ version: '3.4', seqStart: 777 }))
    const actions = c.handshake()
    assert.equal(eventsOf(actions, 'handshake').length, 1)
    const resp = writes(actions)[0]!
    assert.equal(new DataView(resp.buffer, resp.byteOffset).getUint32(4), 777)
    const reply = decodeFrame(writes(c.send(9, {}))[0]!, { version: '3.4', key: c.key })
    assert.equal(reply.seq, 778)
  })
})

describe('bad frames and authentication (§18.29)', () => {
  it('junk on the stream closes the connection', () => {
    const c = new CoreClient(makeCore({ version: '3.3' }))
    assert.deepEqual(closes(c.feed(utf8ToBytes('GET / HTTP/1.1\r\n\r\n'))).map((x) => x.reason), ['bad-frame'])
  })
  it('a bad suffix closes; closeOnBadFrame: false only drops', () => {
    const frame = new CoreClient(makeCore({ version: '3.3' })).encode(10, {})
    frame[frame.length - 1] = 0x00
    assert.deepEqual(closes(new CoreClient(makeCore({ version: '3.3' })).feed(frame)).map((x) => x.reason), ['bad-frame'])
    const lenient = new CoreClient(makeCore({ version: '3.3', closeOnBadFrame: false }))
    assert.equal(closes(lenient.feed(utf8ToBytes('junk junk junk junk junk'))).length, 0)
  })
  it('a CRC mismatch (3.3) and an HMAC mismatch (3.4) are dropped silently', () => {
    const c33 = new CoreClient(makeCore({ version: '3.3' }))
    const f33 = c33.encode(10, {})
    f33[f33.length - 6] = f33[f33.length - 6]! ^ 0xff
    const a33 = c33.feed(f33)
    assert.equal(writes(a33).length + closes(a33).length, 0)
    const c34 = new CoreClient(makeCore({ version: '3.4' }))
    c34.handshake()
    const a34 = c34.send(16, {}, { key: OTHER_KEY })
    assert.equal(writes(a34).length + closes(a34).length, 0)
    assert.equal(eventsOf(a34, 'dropped').length, 1)
  })
  it('3.3 under a wrong key: queries get silence, a heartbeat is still answered (firmware does not decrypt it)', () => {
    const c = new CoreClient(makeCore({ version: '3.3' }), { key: OTHER_KEY })
    assert.equal(writes(c.send(10, { gwId: 'x' })).length, 0)
    assert.equal(writes(c.send(9, { gwId: 'x' })).length, 1)
  })
  it('a frame of another version (55AA on 3.5) is never answered', () => {
    const c = new CoreClient(makeCore({ version: '3.5' }))
    const actions = c.feed(encodeFrame({ version: '3.3', key: KEY, cmd: 10, seq: 1, payload: {} }))
    assert.equal(writes(actions).length, 0)
  })
})

describe('sequence numbers (§12)', () => {
  it('3.1-3.3: replies echo the request seq; pushes and heartbeat replies carry 0', () => {
    const c = new CoreClient(makeCore({ version: '3.3', dps: { '1': false } }))
    const seqs = (frames: Uint8Array[]) => frames.map((f) => new DataView(f.buffer, f.byteOffset).getUint32(4))
    assert.deepEqual(seqs(writes(c.send(10, {}, { seq: 41 }))), [41])
    assert.deepEqual(seqs(writes(c.send(7, { dps: { '1': true } }, { seq: 42 }))), [42, 0])
    assert.deepEqual(seqs(writes(c.send(9, {}, { seq: 43 }))), [0])
  })
  it('3.5: a client seq that does not increase closes the connection (official firmware)', () => {
    const c = new CoreClient(makeCore({ version: '3.5' }))
    c.handshake()
    c.send(9, {}, { seq: 10 })
    assert.deepEqual(closes(c.send(9, {}, { seq: 10 })).map((x) => x.reason), ['seq-error'])
  })
  it("seqCheck 'drop' ignores the frame; 3.4 does not check by default", () => {
    const drop = new CoreClient(makeCore({ version: '3.5', seqCheck: 'drop' }))
    drop.handshake()
    drop.send(9, {}, { seq: 10 })
    const again = drop.send(9, {}, { seq: 9 })
    assert.equal(writes(again).length + closes(again).length, 0)
    assert.equal(writes(drop.send(9, {}, { seq: 11 })).length, 1)
    const c34 = new CoreClient(makeCore({ version: '3.4' }))
    c34.handshake()
    c34.send(9, {}, { seq: 10 })
    assert.equal(writes(c34.send(9, {}, { seq: 10 })).length, 1)
  })
  it('frames split across reads and several frames in one read are handled alike', () => {
    const c = new CoreClient(makeCore({ version: '3.3' }))
    const two = concatBytes(c.encode(9, {}), c.encode(9, {}))
    assert.equal(writes(c.feed(two.subarray(0, 10))).length, 0)
    assert.equal(writes(c.feed(two.subarray(10))).length, 2)
  })
})

describe('clear-text payloads on 3.2+ devices (quirks.answersClearQueries)', () => {
  const clearQuery = (seq: number) => encodeFrame({ version: '3.1', seq, cmd: 10, payload: { gwId: 'x', devId: 'x' } })

  for (const version of ['3.2', '3.3'] as const) {
    it(`${version}: a clear-text DP_QUERY is dropped without a reply by default (it does not decrypt, §18.29)`, () => {
      const c = new CoreClient(makeCore({ version }))
      const actions = c.feed(clearQuery(1))
      assert.deepEqual(writes(actions), [])
      assert.match(String((eventsOf(actions, 'dropped')[0] as { reason?: string } | undefined)?.reason), /clear-text DP_QUERY/)
      assert.equal(writes(c.send(10, {})).length, 1, 'an encrypted query on the same connection is answered')
    })

    it(`${version}: with the quirk, the clear-text DP_QUERY is answered`, () => {
      const c = new CoreClient(makeCore({ version, quirks: { answersClearQueries: true } }))
      const replies = writes(c.feed(clearQuery(1)))
      assert.equal(replies.length, 1)
      assert.equal(decodeFrame(replies[0]!, { version, key: KEY }).seq, 1, 'the reply echoes the query seq')
    })
  }

  it('3.1 answers clear-text queries with or without the quirk', () => {
    for (const quirks of [{}, { answersClearQueries: true }]) {
      const c = new CoreClient(makeCore({ version: '3.1', quirks }))
      assert.equal(writes(c.feed(clearQuery(1))).length, 1)
    }
  })

  it('a clear heartbeat is still answered (firmware does not decrypt it)', () => {
    const c = new CoreClient(makeCore({ version: '3.3' }))
    const heartbeat = encodeFrame({ version: '3.3', seq: 1, cmd: 9, payload: utf8ToBytes('{}'), encrypt: false })
    assert.equal(writes(c.feed(heartbeat)).length, 1)
  })

  it('rejects unknown quirks and non-boolean values, naming them', () => {
    assert.throws(() => makeCore({ version: '3.3', quirks: { answersClearQuery: true } as never }), /quirks\.answersClearQuery is not a known quirk/)
    assert.throws(() => makeCore({ version: '3.3', quirks: { answersClearQueries: 'yes' } as never }), /quirks\.answersClearQueries must be a boolean/)
    assert.throws(() => makeCore({ version: '3.3', quirks: 1 as never }), TypeError)
  })
})
