/**
 * The passive negotiation follower: byte-exact against the golden handshakes
 * (handshake_v34.json, handshake_v35.json) and the reference conversations
 * (transcripts.json), the same key as the two sessions it watches for any key, nonces and
 * chunking, wrong-key proofs, frames out of order, and the auto probe's frames.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { CMD, Deframer, encodeFrame, HmacMismatchError, VERSION_FACTS } from '@tuya/codec'
import type { Direction, ProtocolVersion } from '@tuya/codec'
import { AuthenticationError, concatBytes, equalBytes, hmacSha256, utf8ToBytes } from '@tuya/crypto'
import { AUTO_PROBE, autoProbeVersionOf, createFollower, createSession, deriveSessionKey, handshakeSenderOf, recogniseAutoProbe } from '../src/index.ts'
import type { Follower, FollowerStep, HandshakeVersion } from '../src/index.ts'
import { h, handshake, hex, loadVector, seededRandom } from './helpers.ts'

interface Frame {
  bytes: Uint8Array
  direction: Direction
}

const HANDSHAKE_VERSIONS: readonly HandshakeVersion[] = ['3.4', '3.5']
const directionOf = (dir: string): Direction => (dir === 'c2d' || dir === 'client_to_device' ? 'toDevice' : 'fromDevice')
const OTHER_KEY = utf8ToBytes('0123456789abcdef')

function observeAll(follower: Follower, frames: readonly Frame[]): FollowerStep[] {
  return frames.map((f) => follower.observe(f.bytes, f.direction))
}

describe('follower: golden handshakes', () => {
  for (const file of ['handshake_v34.json', 'handshake_v35.json']) {
    const v = loadVector(file)
    const version = v.version as HandshakeVersion
    const frames: Frame[] = v.steps.map((s: { frame_hex: string; direction: string }) => ({ bytes: h(s.frame_hex), direction: directionOf(s.direction) }))

    it(`${file}: both nonces, both proofs and the session key, every handshake frame under the local key`, () => {
      const follower = createFollower({ version, localKey: v.local_key_ascii })
      assert.equal(follower.sessionKey, undefined)
      const [start, resp, finish] = observeAll(follower, frames)
      for (const step of [start, resp, finish]) {
        assert.equal(step!.key, 'local')
        assert.equal(step!.error, undefined)
        assert.equal(step!.probe, undefined)
      }
      assert.deepEqual(start!.negotiation, { step: 'start', clientNonce: h(v.client_nonce_hex) })
      assert.equal(resp!.negotiation!.step, 'resp')
      assert.equal(hex(resp!.negotiation!.clientNonce!), v.client_nonce_hex)
      assert.equal(hex(resp!.negotiation!.deviceNonce!), v.device_nonce_hex)
      assert.equal(resp!.negotiation!.isProofOk, true)
      assert.equal(hex(resp!.negotiation!.sessionKey!), v.session_key_hex)
      assert.equal(resp!.negotiation!.problem, undefined)
      assert.deepEqual(finish!.negotiation, { step: 'finish', deviceNonce: h(v.device_nonce_hex), isProofOk: true })
      assert.equal(hex(follower.sessionKey!), v.session_key_hex)
      assert.equal(follower.hasNegotiated, true)
      // The decoded frames are the vector's.
      v.steps.forEach((s: { logical_payload_hex: string; seqno: number; cmd: number }, i: number) => {
        const decoded = [start, resp, finish][i]!.decoded!
        assert.equal(hex(decoded.payload), s.logical_payload_hex)
        assert.equal(decoded.seq, s.seqno)
        assert.equal(decoded.cmd, s.cmd)
      })
    })

    it(`${file}: a local key as bytes and a node:crypto-independent check of the key`, () => {
      const lk = utf8ToBytes(v.local_key_ascii)
      const follower = createFollower({ version, localKey: lk })
      observeAll(follower, frames)
      assert.equal(hex(follower.sessionKey!), hex(deriveSessionKey(version, lk, h(v.client_nonce_hex), h(v.device_nonce_hex))))
    })

    it(`${file}: under another local key no handshake frame decodes and no key is derived`, () => {
      const follower = createFollower({ version, localKey: OTHER_KEY })
      const steps = observeAll(follower, frames)
      for (const step of steps) {
        assert.equal(step.decoded, undefined)
        assert.equal(step.negotiation, undefined)
        assert.ok(step.error instanceof (version === '3.4' ? HmacMismatchError : AuthenticationError), String(step.error))
      }
      assert.equal(follower.sessionKey, undefined)
      assert.equal(follower.hasNegotiated, false)
    })

    it(`${file}: decode() opens the frames but follows nothing`, () => {
      const follower = createFollower({ version, localKey: v.local_key_ascii })
      for (const f of frames) assert.ok(follower.decode(f.bytes, f.direction).decoded !== undefined)
      assert.equal(follower.sessionKey, undefined)
      // RESP then has no START to answer.
      const resp = follower.observe(frames[1]!.bytes, 'fromDevice')
      assert.deepEqual(resp.negotiation, { step: 'resp', deviceNonce: h(v.device_nonce_hex), problem: 'no-start' })
      assert.equal(follower.hasNegotiated, false)
    })
  }
})

describe('follower: reference conversations (transcripts.json)', () => {
  const data = loadVector('transcripts.json')
  for (const scenario of data.scenarios) {
    const version = scenario.version as ProtocolVersion
    it(`${version}${scenario.simulator_dev22 ? ' (device22)' : ''}: every frame of every connection decodes to the reference's payload`, () => {
      let connections = 0
      for (const step of scenario.steps) {
        for (const connection of step.connections) {
          connections++
          const follower = createFollower({ version, localKey: data.local_key_ascii })
          for (const f of connection.frames) {
            const observed = follower.observe(h(f.frame_hex), directionOf(f.dir))
            assert.equal(observed.error, undefined, `${step.call} seq ${f.seqno}: ${String(observed.error)}`)
            assert.equal(observed.probe, undefined)
            const decoded = observed.decoded!
            assert.equal(decoded.cmd, f.cmd)
            assert.equal(decoded.seq, f.seqno)
            if (f.app_text !== null) assert.equal(hex(decoded.payload), hex(utf8ToBytes(f.app_text)))
            if (f.app_hex !== null) assert.equal(hex(decoded.payload), f.app_hex)
            const isData = f.cmd !== CMD.SESS_KEY_NEG_START && f.cmd !== CMD.SESS_KEY_NEG_RESP && f.cmd !== CMD.SESS_KEY_NEG_FINISH
            assert.equal(observed.key, isData && follower.hasNegotiated ? 'session' : 'local')
          }
          const sessionKeyHex = data.session_keys_hex[version]
          if (sessionKeyHex === undefined) assert.equal(follower.sessionKey, undefined)
          else assert.equal(hex(follower.sessionKey!), sessionKeyHex)
        }
      }
      assert.ok(connections > 0)
    })
  }
})

describe('follower: wrong-key proofs and broken negotiations', () => {
  const negative = loadVector('negative.json').cases as { name: string; version: HandshakeVersion; frame_hex: string }[]
  for (const version of HANDSHAKE_VERSIONS) {
    const v = loadVector(`handshake_v${version.replace('.', '')}.json`)
    const lk = v.local_key_ascii as string
    const [startHex, respHex, finishHex] = v.steps.map((s: { frame_hex: string }) => h(s.frame_hex)) as [Uint8Array, Uint8Array, Uint8Array]
    const cn = h(v.client_nonce_hex)
    const dn = h(v.device_nonce_hex)
    const random = seededRandom(7)
    const encode = (cmd: number, payload: Uint8Array, direction: Direction, seq = 9): Uint8Array =>
      encodeFrame({ version, key: lk, direction, seq, cmd, payload, header: false, random })

    it(`${version}: an intact RESP whose proof is not HMAC(LK, cn) (negative.json) is reported, and the key still derived`, () => {
      const bad = negative.find((c) => c.name === `negotiation_hmac_mismatch_v${version.replace('.', '')}`)!
      const follower = createFollower({ version, localKey: lk })
      follower.observe(startHex, 'toDevice')
      const resp = follower.observe(h(bad.frame_hex), 'fromDevice')
      assert.equal(resp.error, undefined)
      assert.equal(resp.negotiation!.isProofOk, false)
      const deviceNonce = resp.negotiation!.deviceNonce!
      assert.equal(hex(resp.negotiation!.sessionKey!), hex(deriveSessionKey(version, utf8ToBytes(lk), cn, deviceNonce)))
    })

    it(`${version}: a RESP shorter than 48 bytes (negative.json) derives nothing`, () => {
      const short = negative.find((c) => c.name === `negotiation_short_resp_v${version.replace('.', '')}`)!
      const follower = createFollower({ version, localKey: lk })
      follower.observe(startHex, 'toDevice')
      assert.deepEqual(follower.observe(h(short.frame_hex), 'fromDevice').negotiation, { step: 'resp', problem: 'short-payload' })
      assert.equal(follower.sessionKey, undefined)
      // FINISH then has no RESP to answer.
      assert.deepEqual(follower.observe(finishHex, 'toDevice').negotiation, { step: 'finish', problem: 'no-resp' })
    })

    it(`${version}: a RESP proving another local key, and a FINISH proving another device nonce or key`, () => {
      const follower = createFollower({ version, localKey: lk })
      follower.observe(startHex, 'toDevice')
      const resp = follower.observe(encode(CMD.SESS_KEY_NEG_RESP, concatBytes(dn, hmacSha256(OTHER_KEY, cn)), 'fromDevice'), 'fromDevice')
      assert.equal(resp.negotiation!.isProofOk, false)
      const wrongKey = follower.observe(encode(CMD.SESS_KEY_NEG_FINISH, hmacSha256(OTHER_KEY, dn), 'toDevice'), 'toDevice')
      assert.deepEqual(wrongKey.negotiation, { step: 'finish', deviceNonce: dn, isProofOk: false })
      const wrongNonce = follower.observe(encode(CMD.SESS_KEY_NEG_FINISH, hmacSha256(utf8ToBytes(lk), cn), 'toDevice'), 'toDevice')
      assert.equal(wrongNonce.negotiation!.isProofOk, false)
      const short = follower.observe(encode(CMD.SESS_KEY_NEG_FINISH, hmacSha256(utf8ToBytes(lk), dn).subarray(0, 31), 'toDevice'), 'toDevice')
      assert.deepEqual(short.negotiation, { step: 'finish', deviceNonce: dn, isProofOk: false, problem: 'short-payload' })
      // As the device session does, bytes after the 32-byte proof are ignored.
      const long = follower.observe(encode(CMD.SESS_KEY_NEG_FINISH, concatBytes(hmacSha256(utf8ToBytes(lk), dn), new Uint8Array(4)), 'toDevice'), 'toDevice')
      assert.equal(long.negotiation!.isProofOk, true)
      assert.equal(follower.observe(finishHex, 'toDevice').negotiation!.isProofOk, true)
    })

    it(`${version}: a START shorter than its nonce is reported; a second START starts over`, () => {
      const follower = createFollower({ version, localKey: lk })
      assert.deepEqual(follower.observe(encode(CMD.SESS_KEY_NEG_START, cn.subarray(0, 15), 'toDevice', 1), 'toDevice').negotiation, { step: 'start', problem: 'short-payload' })
      follower.observe(startHex, 'toDevice')
      follower.observe(respHex, 'fromDevice')
      const firstKey = follower.sessionKey!.slice()
      const otherCn = new Uint8Array(16).fill(7)
      assert.deepEqual(follower.observe(encode(CMD.SESS_KEY_NEG_START, otherCn, 'toDevice', 5), 'toDevice').negotiation, { step: 'start', clientNonce: otherCn })
      // The old key stays until the new RESP; FINISH of the old negotiation has no RESP now.
      assert.ok(equalBytes(follower.sessionKey!, firstKey))
      assert.equal(follower.observe(finishHex, 'toDevice').negotiation!.problem, 'no-resp')
      const resp = follower.observe(respHex, 'fromDevice')
      assert.equal(resp.negotiation!.isProofOk, false, 'the RESP proves the first START nonce, not this one')
      assert.equal(hex(follower.sessionKey!), hex(deriveSessionKey(version, utf8ToBytes(lk), otherCn, dn)))
    })

    it(`${version}: data before any negotiation is tried under the local key, or under a session key given`, () => {
      const sessionKey = h(v.session_key_hex)
      const data = encodeFrame({ version, key: sessionKey, seq: 3, cmd: CMD.DP_QUERY_NEW, payload: {}, random })
      const without = createFollower({ version, localKey: lk }).observe(data, 'toDevice')
      assert.equal(without.key, 'local')
      assert.ok(without.error !== undefined)
      const given = createFollower({ version, localKey: lk, sessionKey }).observe(data, 'toDevice')
      assert.equal(given.key, 'session')
      assert.deepEqual(given.decoded!.json, {})
    })

    it(`${version}: without a local key the handshake is reported as needing one`, () => {
      const follower = createFollower({ version })
      const step = follower.observe(startHex, 'toDevice')
      assert.ok(step.error instanceof TypeError)
      assert.equal(step.negotiation, undefined)
    })
  }
})

/** A conversation between a real client and device session: handshake, then data both ways. */
function conversation(version: HandshakeVersion, localKey: Uint8Array, seed: number, exchanges: number): { frames: Frame[]; sessionKey: Uint8Array } {
  const random = seededRandom(seed)
  const client = createSession({ role: 'client', version, localKey, random, firstSeq: 1 + (seed % 1000) })
  const device = createSession({ role: 'device', version, localKey, random })
  const { start, resp, finish } = handshake(client, device)
  const frames: Frame[] = [
    { bytes: start, direction: 'toDevice' },
    { bytes: resp, direction: 'fromDevice' },
    { bytes: finish, direction: 'toDevice' },
  ]
  let clientSeq = client.nextSeq
  let deviceSeq = device.nextSeq
  for (let i = 0; i < exchanges; i++) {
    frames.push({ bytes: encodeFrame({ version, key: client.sessionKey!, seq: clientSeq++, cmd: CMD.CONTROL_NEW, payload: { protocol: 5, t: i, data: { dps: { 1: i % 2 === 0 } } }, random }), direction: 'toDevice' })
    frames.push({ bytes: encodeFrame({ version, key: device.sessionKey!, direction: 'fromDevice', seq: deviceSeq++, cmd: CMD.STATUS, payload: { dps: { 1: i % 2 === 0 }, t: i }, random }), direction: 'fromDevice' })
  }
  return { frames, sessionKey: client.sessionKey! }
}

/**
 * Cuts each direction's byte stream into random chunks and interleaves them at random, as a
 * capture of one TCP connection may: a side never sends bytes of a frame before the frames it
 * answers have arrived (RESP after START, FINISH after RESP, device data after FINISH).
 * @returns the frames in the order per-direction Deframers complete them
 */
function rechunk(frames: readonly Frame[], seed: number): Frame[] {
  const random = seededRandom(seed)
  const next = (n: number): number => random(1)[0]! % n
  interface Chunk { bytes: Uint8Array; waitsFor: number }
  const queues: Record<Direction, Chunk[]> = { toDevice: [], fromDevice: [] }
  for (const direction of ['toDevice', 'fromDevice'] as const) {
    // A frame waits for the last frame of the other side before it (what it answers).
    let pending: { bytes: Uint8Array; waitsFor: number } | undefined
    frames.forEach((f, i) => {
      if (f.direction !== direction) return
      const prior = frames.slice(0, i).map((g, j) => (g.direction !== direction ? j : -1)).filter((j) => j >= 0)
      // Client data needs only the session key, known once RESP has arrived.
      const waitsFor = direction === 'toDevice' && i >= 3 ? 1 : (prior.at(-1) ?? -1)
      // Bytes of frames with the same dependency may share chunks; a new dependency starts a chunk.
      if (pending !== undefined && pending.waitsFor === waitsFor) pending.bytes = concatBytes(pending.bytes, f.bytes)
      else {
        if (pending !== undefined) cut(pending)
        pending = { bytes: f.bytes, waitsFor }
      }
    })
    if (pending !== undefined) cut(pending)
    function cut(run: { bytes: Uint8Array; waitsFor: number }): void {
      for (let at = 0; at < run.bytes.length; ) {
        const size = 1 + next(Math.min(run.bytes.length - at, 97))
        queues[direction].push({ bytes: run.bytes.subarray(at, at + size), waitsFor: run.waitsFor })
        at += size
      }
    }
  }
  const deframers: Record<Direction, Deframer> = { toDevice: new Deframer(), fromDevice: new Deframer() }
  const completed: Frame[] = []
  const completedIndexes = new Set<number>()
  const isComplete = (index: number): boolean => index < 0 || completedIndexes.has(index)
  const indexOf = new Map<string, number>(frames.map((f, i) => [hex(f.bytes), i]))
  while (queues.toDevice.length > 0 || queues.fromDevice.length > 0) {
    const ready = (['toDevice', 'fromDevice'] as const).filter((d) => queues[d].length > 0 && isComplete(queues[d][0]!.waitsFor))
    assert.ok(ready.length > 0, 'the interleaving cannot deadlock')
    const direction = ready[next(ready.length)]!
    for (const bytes of deframers[direction].push(queues[direction].shift()!.bytes)) {
      completed.push({ bytes, direction })
      completedIndexes.add(indexOf.get(hex(bytes))!)
    }
  }
  return completed
}

describe('follower: any chunking and interleaving of a real conversation', () => {
  it('derives the key both sessions derived and opens every frame, for any key, seeds and chunking', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...HANDSHAKE_VERSIONS),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.integer({ min: 1, max: 0x7fff_ffff }),
        fc.integer({ min: 1, max: 0x7fff_ffff }),
        fc.integer({ min: 0, max: 4 }),
        (version, localKey, seed, chunkSeed, exchanges) => {
          const { frames, sessionKey } = conversation(version, localKey, seed, exchanges)
          const seen = rechunk(frames, chunkSeed)
          assert.equal(seen.length, frames.length)
          const follower = createFollower({ version, localKey })
          const steps = observeAll(follower, seen)
          for (const [i, step] of steps.entries()) {
            assert.equal(step.error, undefined, `frame ${i}: ${String(step.error)}`)
            assert.equal(step.probe, undefined)
          }
          assert.ok(equalBytes(follower.sessionKey!, sessionKey))
          const proofs = steps.flatMap((s) => (s.negotiation?.isProofOk === undefined ? [] : [s.negotiation.isProofOk]))
          assert.deepEqual(proofs, [true, true])
          const data = steps.filter((s) => s.negotiation === undefined)
          assert.equal(data.length, 2 * exchanges)
          for (const s of data) {
            assert.equal(s.key, 'session')
            assert.ok(s.decoded!.json !== undefined)
          }
        },
      ),
      { numRuns: 60 },
    )
  })

  it('handshakeSenderOf: START and FINISH from the client, RESP from the device', () => {
    assert.equal(handshakeSenderOf(CMD.SESS_KEY_NEG_START), 'toDevice')
    assert.equal(handshakeSenderOf(CMD.SESS_KEY_NEG_RESP), 'fromDevice')
    assert.equal(handshakeSenderOf(CMD.SESS_KEY_NEG_FINISH), 'toDevice')
    assert.equal(handshakeSenderOf(CMD.DP_QUERY), undefined)
  })
})

describe("follower: the client's version: 'auto' probe", () => {
  const localKey = '4a5e1f0c9b2d7e38'
  const random = seededRandom(11)
  const query = { gwId: 'bf1234567890abcdefgh', devId: 'bf1234567890abcdefgh', uid: 'bf1234567890abcdefgh', t: '1700000000' }
  /** The four frames a client with version 'auto' opens with, as the probe plan says. */
  const probeFrames = AUTO_PROBE.map(({ version, seq }) =>
    VERSION_FACTS[version].hasHandshake
      ? createSession({ role: 'client', version: version as HandshakeVersion, localKey, firstSeq: seq, random }).start().send[0]!
      : encodeFrame({ version, key: localKey, seq, cmd: CMD.DP_QUERY, payload: query, random }),
  )

  it('the plan comes from the version table: 3.1, 3.3, 3.4, 3.5 at seq 1-4', () => {
    assert.deepEqual(AUTO_PROBE.map((p) => [p.version, p.seq]), [['3.1', 1], ['3.3', 2], ['3.4', 3], ['3.5', 4]])
    assert.equal(autoProbeVersionOf(3), '3.4')
    assert.equal(autoProbeVersionOf(5), undefined)
    assert.equal(autoProbeVersionOf(0), undefined)
  })

  for (const own of AUTO_PROBE) {
    it(`a ${own.version} device: the other three frames are probes, its own opens the conversation`, () => {
      const follower = createFollower({ version: own.version, localKey })
      const steps = probeFrames.map((bytes) => follower.observe(bytes, 'toDevice'))
      steps.forEach((step, i) => {
        const plan = AUTO_PROBE[i]!
        if (plan.version === own.version) {
          assert.equal(step.probe, undefined)
          assert.equal(step.error, undefined)
          assert.equal(step.decoded!.seq, plan.seq)
        } else {
          assert.equal(step.probe, plan.version, `seq ${plan.seq}`)
          assert.equal(step.decoded!.version, plan.version)
          assert.equal(step.negotiation, undefined, "a probe's START is not followed")
        }
      })
      const startStep = steps.find((s) => s.negotiation?.step === 'start')
      assert.equal(startStep?.decoded?.version, VERSION_FACTS[own.version].hasHandshake ? own.version : undefined)
    })
  }

  it('recogniseAutoProbe: only another version, only at its seq, only under the local key', () => {
    const start34 = probeFrames[2]!
    assert.equal(recogniseAutoProbe(start34, { version: '3.5', localKey })?.version, '3.4')
    assert.equal(recogniseAutoProbe(start34, { version: '3.4', localKey }), undefined)
    assert.equal(recogniseAutoProbe(start34, { version: '3.5', localKey: OTHER_KEY }), undefined)
    assert.equal(recogniseAutoProbe(start34, { version: '3.5', localKey: undefined }), undefined)
    const lateStart = createSession({ role: 'client', version: '3.4', localKey, firstSeq: 7 }).start().send[0]!
    assert.equal(recogniseAutoProbe(lateStart, { version: '3.5', localKey }), undefined)
    assert.equal(recogniseAutoProbe(new Uint8Array([1, 2, 3]), { version: '3.5', localKey }), undefined)
  })

  it('only the first client frames can be probes', () => {
    const follower = createFollower({ version: '3.5', localKey })
    const own = createSession({ role: 'client', version: '3.5', localKey, firstSeq: 1, random }).start().send[0]!
    for (let i = 0; i < AUTO_PROBE.length; i++) follower.observe(own, 'toDevice')
    assert.equal(follower.observe(probeFrames[2]!, 'toDevice').probe, undefined)
    // Device frames never count as probes.
    assert.equal(createFollower({ version: '3.5', localKey }).observe(probeFrames[2]!, 'fromDevice').probe, undefined)
  })
})

describe('follower: versions without a handshake and bad arguments', () => {
  it('3.1-3.3 frames are opened with the local key and follow no negotiation', () => {
    for (const version of ['3.1', '3.2', '3.3'] as const) {
      const follower = createFollower({ version, localKey: '4a5e1f0c9b2d7e38' })
      const frame = encodeFrame({ version, key: '4a5e1f0c9b2d7e38', direction: 'fromDevice', seq: 9, cmd: CMD.STATUS, payload: { dps: { 1: true } } })
      const step = follower.observe(frame, 'fromDevice')
      assert.deepEqual(step.decoded!.json, { dps: { 1: true } })
      assert.equal(step.key, 'local')
      assert.equal(follower.hasNegotiated, false)
    }
  })

  it('without a local key, a 3.1 clear frame still opens', () => {
    const frame = encodeFrame({ version: '3.1', seq: 1, cmd: CMD.DP_QUERY, payload: { devId: 'x' } })
    assert.deepEqual(createFollower({ version: '3.1' }).observe(frame, 'toDevice').decoded!.json, { devId: 'x' })
  })

  it('bytes that are no frame give a FrameError, not a throw', () => {
    const step = createFollower({ version: '3.5', localKey: '4a5e1f0c9b2d7e38' }).observe(new Uint8Array(8), 'toDevice')
    assert.equal(step.decoded, undefined)
    assert.ok(step.error !== undefined)
    assert.match((step.error as unknown as { code: string }).code, /^TUYA_ERR_/)
  })

  it('bad options and arguments throw TypeError or RangeError naming them', () => {
    assert.throws(() => createFollower({ version: '3.6' as ProtocolVersion, localKey: '4a5e1f0c9b2d7e38' }), /RangeError: options\.version/)
    assert.throws(() => createFollower({ version: '3.4', localKey: 'short' }), /localKey/)
    assert.throws(() => createFollower({ version: '3.3', localKey: '4a5e1f0c9b2d7e38', sessionKey: new Uint8Array(16) }), /RangeError: options\.sessionKey/)
    assert.throws(() => createFollower({ version: '3.4', sessionKey: new Uint8Array(15) }), /sessionKey/)
    assert.throws(() => createFollower({ version: '3.4', maxFrameBytes: 0 }), /RangeError: options\.maxFrameBytes/)
    assert.throws(() => createFollower(null as never), TypeError)
    const follower = createFollower({ version: '3.4', localKey: '4a5e1f0c9b2d7e38' })
    assert.throws(() => follower.observe('00' as never, 'toDevice'), TypeError)
    assert.throws(() => follower.observe(new Uint8Array(30), 'sideways' as Direction), /TypeError: direction/)
  })

  it('logging a follower shows no key', () => {
    const key = '4a5e1f0c9b2d7e38'
    const follower = createFollower({ version: '3.5', localKey: key, sessionKey: new Uint8Array(16).fill(0xab) })
    const shown = JSON.stringify(follower) + String(Object.keys(follower))
    assert.ok(!shown.includes(key) && !shown.includes('171'), shown)
  })
})

it('README example: a follower watching a client and a device session negotiate', () => {
  const localKey = '4a5e1f0c9b2d7e38'
  const client = createSession({ role: 'client', version: '3.4', localKey })
  const device = createSession({ role: 'device', version: '3.4', localKey })
  const [start] = client.start().send
  const [resp] = device.receive(start!).send
  const [finish] = client.receive(resp!).send

  const follower = createFollower({ version: '3.4', localKey })
  assert.equal(follower.observe(start!, 'toDevice').negotiation!.step, 'start')
  const step = follower.observe(resp!, 'fromDevice')
  assert.equal(follower.observe(finish!, 'toDevice').negotiation!.isProofOk, true)
  assert.equal(step.negotiation?.isProofOk, true)
  assert.equal(follower.hasNegotiated, true)
  assert.ok(equalBytes(follower.sessionKey!, client.sessionKey!))
})
