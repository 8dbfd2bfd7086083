/**
 * The state machine's edges: frames out of order, repeated START, frames of older
 * versions, empty RESP, garbage, the failure latch, bad arguments, error classes.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BadPrefixError, encodeFrame } from '@tuya/codec'
import { AuthenticationError, TuyaError, utf8ToBytes } from '@tuya/crypto'
import {
  createSession,
  HandshakeError,
  isHandshakeCommand,
  MalformedHandshakeError,
  RepeatedStartError,
  UnexpectedFrameError,
  WrongLocalKeyError,
  WrongVersionError,
} from '../src/index.ts'
import type { HandshakeVersion, Session } from '../src/index.ts'
import { handshake, seededRandom } from './helpers.ts'

const LK = '4a5e1f0c9b2d7e38'
const VERSIONS = ['3.4', '3.5'] as const

function pair(version: HandshakeVersion, seed = 1): { client: Session; device: Session } {
  return {
    client: createSession({ role: 'client', version, localKey: LK, random: seededRandom(seed) }),
    device: createSession({ role: 'device', version, localKey: LK, random: seededRandom(seed + 1000) }),
  }
}

/** A frame under the local key, as a peer that ignores the protocol would send it. */
function frame(version: HandshakeVersion, cmd: number, options: { fromDevice?: boolean; payload?: Uint8Array | object; seq?: number } = {}): Uint8Array {
  return encodeFrame({
    version,
    key: LK,
    cmd,
    seq: options.seq ?? 1,
    direction: options.fromDevice ? 'fromDevice' : 'toDevice',
    payload: (options.payload ?? new Uint8Array(0)) as Uint8Array,
    header: false,
    random: seededRandom(99),
  })
}

/** Asserts `run` throws `kind`, the session is failed, and every later call throws the same kind. */
function assertFails(session: Session, run: () => unknown, kind: typeof HandshakeError, probe: Uint8Array): void {
  assert.throws(run, kind)
  assert.equal(session.state, 'failed')
  assert.equal(session.sessionKey, undefined)
  assert.throws(() => session.receive(probe), (e: unknown) => e instanceof kind && (e as Error).cause instanceof kind)
  // start() too, even on a device (where it is otherwise a TypeError): the failure comes first.
  assert.throws(() => session.start(), kind)
}

for (const version of VERSIONS) {
  describe(`protocol ${version} state machine`, () => {
    it('repeated START after establishment -> RepeatedStartError on the device', () => {
      const { client, device } = pair(version)
      const { start } = handshake(client, device)
      const second = createSession({ role: 'client', version, localKey: LK, random: seededRandom(5) }).start().send[0]!
      assertFails(device, () => device.receive(second), RepeatedStartError, start)
    })

    it('START again before FINISH -> RepeatedStartError on the device', () => {
      const { client, device } = pair(version)
      const [start] = client.start().send
      device.receive(start!)
      assertFails(device, () => device.receive(start!), RepeatedStartError, start!)
    })

    it('start() twice on a client -> RepeatedStartError; start() on a device -> TypeError', () => {
      const { client, device } = pair(version)
      client.start()
      assertFails(client, () => client.start(), RepeatedStartError, new Uint8Array(0))
      assert.throws(() => device.start(), TypeError)
      assert.equal(device.state, 'idle')
    })

    it('FINISH before START -> UnexpectedFrameError', () => {
      const { client, device } = pair(version)
      const { start, finish } = handshake(client, device)
      const fresh = pair(version, 7).device
      assertFails(fresh, () => fresh.receive(finish), UnexpectedFrameError, start)
    })

    it('RESP to a device -> UnexpectedFrameError, in every state', () => {
      const { client, device } = pair(version)
      const { resp } = handshake(client, device)
      const idle = pair(version, 3).device
      assertFails(idle, () => idle.receive(resp), UnexpectedFrameError, resp)
      assertFails(device, () => device.receive(resp), UnexpectedFrameError, resp)
    })

    it('START or FINISH to a client, a frame before start(), a second RESP -> UnexpectedFrameError', () => {
      const { client, device } = pair(version)
      const { start, resp, finish } = handshake(client, device)
      const a = pair(version, 11).client
      a.start()
      assertFails(a, () => a.receive(start), UnexpectedFrameError, resp)
      const b = pair(version, 12).client
      assertFails(b, () => b.receive(resp), UnexpectedFrameError, resp)
      assertFails(client, () => client.receive(resp), UnexpectedFrameError, finish)
    })

    it('a data frame (cmd 10) during the handshake -> UnexpectedFrameError on both sides', () => {
      const { client, device } = pair(version)
      const query = frame(version, 10, { payload: { devId: 'x' } })
      assertFails(device, () => device.receive(query), UnexpectedFrameError, query)

      const { client: c2, device: d2 } = pair(version, 21)
      const [start] = c2.start().send
      d2.receive(start!)
      assertFails(d2, () => d2.receive(query), UnexpectedFrameError, query)

      client.start()
      const reply = frame(version, 10, { fromDevice: true, payload: { dps: { 1: true } } })
      assertFails(client, () => client.receive(reply), UnexpectedFrameError, reply)
    })

    it('an empty RESP is skipped; the real RESP still completes the handshake', () => {
      const { client, device } = pair(version)
      const [start] = client.start().send
      const skipped = client.receive(frame(version, 4, { fromDevice: true, seq: 77 }))
      assert.deepEqual(skipped, { send: [], events: [] })
      assert.equal(client.state, 'awaiting-resp')
      assert.equal(client.nextSeq, 2)
      const [resp] = device.receive(start!).send
      const done = client.receive(resp!)
      assert.equal(done.send.length, 1)
      assert.equal(client.state, 'established')
    })

    it('frames after establishment that are not handshake commands are left to the caller', () => {
      const { client, device } = pair(version)
      handshake(client, device)
      assert.deepEqual(client.receive(new Uint8Array([1, 2, 3])), { send: [], events: [] })
      assert.deepEqual(client.receive(frame(version, 8, { fromDevice: true })), { send: [], events: [] })
      assert.equal(client.state, 'established')
    })

    it('bytes that are not a Tuya frame -> MalformedHandshakeError with the codec error as cause', () => {
      const { device } = pair(version)
      const junk = utf8ToBytes('GET / HTTP/1.1\r\n\r\n')
      let thrown: unknown
      assert.throws(() => device.receive(junk), (e: unknown) => ((thrown = e), e instanceof MalformedHandshakeError))
      assert.ok((thrown as Error).cause instanceof BadPrefixError)
    })

    it('a START under another key names the codec failure as cause', () => {
      const { device } = pair(version)
      const start = createSession({ role: 'client', version, localKey: 'ffffffffffffffff', random: seededRandom(4) }).start().send[0]!
      let thrown: unknown
      assert.throws(() => device.receive(start), (e: unknown) => ((thrown = e), e instanceof WrongLocalKeyError))
      assert.ok((thrown as Error).cause instanceof TuyaError)
      assert.match((thrown as Error).message, /local key/)
      assert.doesNotMatch((thrown as Error).message, new RegExp(LK))
    })

    it('an intact FINISH with a wrong proof -> WrongLocalKeyError on the device', () => {
      const { client, device } = pair(version)
      const [start] = client.start().send
      device.receive(start!)
      const forged = frame(version, 5, { seq: 2, payload: new Uint8Array(32).fill(7) })
      assertFails(device, () => device.receive(forged), WrongLocalKeyError, forged)
    })

    it('a too short START or FINISH -> MalformedHandshakeError', () => {
      const { device } = pair(version)
      const short = frame(version, 3, { payload: new Uint8Array(15) })
      assertFails(device, () => device.receive(short), MalformedHandshakeError, short)
      const { client, device: d2 } = pair(version, 31)
      d2.receive(client.start().send[0]!)
      const shortFinish = frame(version, 5, { seq: 2, payload: new Uint8Array(31) })
      assertFails(d2, () => d2.receive(shortFinish), MalformedHandshakeError, shortFinish)
    })
  })
}

describe('frames of older versions and the error classes', () => {
  it('a CRC-protected 55AA frame (3.1-3.3) on 3.4 -> WrongVersionError, on both sides', () => {
    const client = createSession({ role: 'client', version: '3.4', localKey: LK })
    client.start()
    const v33Resp = encodeFrame({ version: '3.3', key: LK, direction: 'fromDevice', seq: 1, cmd: 4, payload: new Uint8Array(48), header: false })
    assert.throws(() => client.receive(v33Resp), WrongVersionError)
    const device = createSession({ role: 'device', version: '3.4', localKey: LK })
    const v33Query = encodeFrame({ version: '3.3', key: LK, seq: 1, cmd: 10, payload: { devId: 'x' } })
    assert.throws(() => device.receive(v33Query), WrongVersionError)
  })

  it('a 3.5 RESP under the wrong key reports the GCM failure as cause', () => {
    const client = createSession({ role: 'client', version: '3.5', localKey: LK })
    client.start()
    const resp = encodeFrame({ version: '3.5', key: 'ffffffffffffffff', direction: 'fromDevice', seq: 9, cmd: 4, payload: new Uint8Array(48) })
    assert.throws(() => client.receive(resp), (e: unknown) => e instanceof WrongLocalKeyError && (e as Error).cause instanceof AuthenticationError)
  })

  it('each class has its stable code and name and is a HandshakeError and a TuyaError', () => {
    const table: Array<[typeof HandshakeError, string]> = [
      [HandshakeError, 'TUYA_ERR_HANDSHAKE'],
      [WrongLocalKeyError, 'TUYA_ERR_HANDSHAKE_WRONG_KEY'],
      [WrongVersionError, 'TUYA_ERR_HANDSHAKE_WRONG_VERSION'],
      [UnexpectedFrameError, 'TUYA_ERR_UNEXPECTED_FRAME'],
      [RepeatedStartError, 'TUYA_ERR_REPEATED_START'],
      [MalformedHandshakeError, 'TUYA_ERR_HANDSHAKE_MALFORMED'],
    ]
    for (const [Kind, code] of table) {
      const error = new Kind('x')
      assert.equal(error.code, code)
      assert.equal(error.name, Kind.name)
      assert.ok(error instanceof HandshakeError)
      assert.ok(error instanceof TuyaError)
    }
    assert.ok(!(new WrongVersionError('x') instanceof WrongLocalKeyError))
  })

  it('isHandshakeCommand is true for 3, 4, 5 only', () => {
    assert.deepEqual([0, 2, 3, 4, 5, 6, 7, 10, 13, 16].filter(isHandshakeCommand), [3, 4, 5])
  })

  it('bad options throw TypeError/RangeError naming the parameter and never fail a session', () => {
    const ok = { role: 'client', version: '3.4', localKey: LK } as const
    assert.throws(() => createSession({ ...ok, version: '3.3' as HandshakeVersion }), /version/)
    assert.throws(() => createSession({ ...ok, version: '3.3' as HandshakeVersion }), RangeError)
    assert.throws(() => createSession({ ...ok, role: 'server' as 'client' }), TypeError)
    assert.throws(() => createSession({ ...ok, localKey: 'short' }), /localKey/)
    assert.throws(() => createSession({ ...ok, localKey: new Uint8Array(15) }), /localKey/)
    assert.throws(() => createSession({ ...ok, firstSeq: 0 }), RangeError)
    assert.throws(() => createSession({ ...ok, firstSeq: 1.5 }), /firstSeq/)
    assert.throws(() => createSession({ ...ok, firstSeq: 2 ** 32 }), RangeError)
    assert.equal(createSession({ ...ok, role: 'device', firstSeq: 0 }).nextSeq, 0)
    assert.throws(() => createSession({ ...ok, nonce: new Uint8Array(12) }), /nonce/)
    assert.throws(() => createSession({ ...ok, random: 42 as unknown as () => Uint8Array }), TypeError)
    const session = createSession(ok)
    assert.throws(() => session.receive('000055aa' as unknown as Uint8Array), TypeError)
    assert.equal(session.state, 'idle')
  })
})

describe('memory', () => {
  it('the session key owns exactly 16 bytes of memory (no pinned slab), on both sides', async () => {
    const { createSession } = await import('../src/index.ts')
    const client = createSession({ role: 'client', version: '3.5', localKey: '4a5e1f0c9b2d7e38' })
    const device = createSession({ role: 'device', version: '3.5', localKey: '4a5e1f0c9b2d7e38' })
    const [start] = client.start().send
    const [resp] = device.receive(start!).send
    const step = client.receive(resp!)
    device.receive(step.send[0]!)
    for (const key of [client.sessionKey!, device.sessionKey!, (step.events[0] as { sessionKey: Uint8Array }).sessionKey]) {
      assert.equal(key.byteLength, 16)
      assert.equal(key.buffer.byteLength, 16)
    }
  })
})
