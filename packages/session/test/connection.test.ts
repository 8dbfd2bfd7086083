/**
 * The connection state machine (createConnection), both roles, every version: byte-exact
 * against the handshake vectors and the reference transcripts, random chunking of the
 * stream, the auto probe, the device's rejection rules, deadlines and diagnosis.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { encodeFrame, PROTOCOL_VERSIONS, VERSION_FACTS, type ProtocolVersion } from '@tuya/codec'
import { concatBytes, utf8ToBytes } from '@tuya/crypto'
import { createConnection, HandshakeTimeoutError, NotEstablishedError, PROBE_FRAMES, WrongLocalKeyError, WrongVersionError } from '../src/index.ts'
import type { Connection, ConnectionStep, ReceivedFrame } from '../src/index.ts'
import { h, hex, loadVector, queuedRandom, seededRandom } from './helpers.ts'

const LK = '4a5e1f0c9b2d7e38'
const DEV_ID = 'bf1234567890abcdefgh'

interface TranscriptFrame {
  dir: 'c2d' | 'd2c'
  cmd: number
  seqno: number
  app_text: string | null
  frame_hex: string
}

const transcripts = loadVector('transcripts.json')

/** The GCM IV of a 6699 frame (bytes 18..30), which the reference pinned. */
function ivOf(version: ProtocolVersion, frame: Uint8Array): Uint8Array[] {
  return VERSION_FACTS[version].format === '6699' ? [frame.subarray(18, 30)] : []
}

function texts(frames: readonly ReceivedFrame[]): (string | undefined)[] {
  return frames.map((f) => f.decoded?.text)
}

describe('createConnection: the reference transcripts, both roles', () => {
  for (const scenario of transcripts.scenarios as { version: ProtocolVersion; simulator_dev22: boolean; steps: { call: string; connections: { frames: TranscriptFrame[] }[] }[] }[]) {
    const { version } = scenario
    const hasHandshake = VERSION_FACTS[version].hasHandshake
    for (const step of scenario.steps) {
      for (const [n, connection] of step.connections.entries()) {
        it(`${version}${scenario.simulator_dev22 ? ' device22' : ''} ${step.call} #${n}: handshake byte-exact, every payload as captured`, () => {
          const frames = connection.frames.map((f) => ({ ...f, bytes: h(f.frame_hex) }))
          const [start, resp, finish] = frames
          const clientRandom = hasHandshake ? queuedRandom([h(transcripts.client_nonce_hex), ...ivOf(version, start!.bytes), ...ivOf(version, finish!.bytes)]) : queuedRandom([])
          const deviceRandom = hasHandshake ? queuedRandom([h(transcripts.device_nonce_hex), ...ivOf(version, resp!.bytes)]) : queuedRandom([])
          // The reference client numbers frames across its connections: its START seq is the first.
          const client = createConnection({ role: 'client', version, localKey: transcripts.local_key_ascii, random: clientRandom, ...(hasHandshake ? { firstSeq: start!.seqno } : {}) })
          const device = createConnection({ role: 'device', version, localKey: transcripts.local_key_ascii, random: deviceRandom, ...(hasHandshake ? { firstSeq: resp!.seqno } : {}) })
          const opened = client.open(0)
          assert.equal(device.state, hasHandshake ? 'opening' : 'established')
          if (hasHandshake) {
            assert.deepEqual(opened.send.map(hex), [start!.frame_hex])
            const answered = device.receive(start!.bytes)
            assert.deepEqual(answered.send.map(hex), [resp!.frame_hex])
            assert.equal(answered.frames[0]!.isHandshake, true)
            const finished = client.receive(resp!.bytes)
            assert.deepEqual(finished.send.map(hex), [finish!.frame_hex])
            assert.deepEqual(finished.events, [{ type: 'established', version, isDevice22: false, isVersionDetected: false }])
            const done = device.receive(finish!.bytes)
            assert.deepEqual(done.send, [])
            assert.equal(done.events[0]!.type, 'established')
            assert.equal(clientRandom.remaining(), 0)
            assert.equal(deviceRandom.remaining(), 0)
          } else {
            assert.deepEqual(opened.send, [])
            assert.equal(opened.events[0]!.type, 'established')
          }
          assert.equal(client.state, 'established')
          assert.equal(device.state, 'established')
          for (const frame of frames.slice(hasHandshake ? 3 : 0)) {
            const step = frame.dir === 'c2d' ? device.receive(frame.bytes) : client.receive(frame.bytes)
            assert.equal(step.frames.length, 1, frame.frame_hex)
            const [received] = step.frames
            assert.equal(received!.rejected, undefined, `${frame.dir} cmd ${frame.cmd}: ${received!.error?.message}`)
            assert.equal(received!.seq, frame.seqno)
            assert.equal(received!.decoded!.text ?? null, frame.app_text === '' ? null : frame.app_text)
          }
        })
      }
    }
  }
})

describe('createConnection: random chunking of the stream', () => {
  const scenario = (transcripts.scenarios as { version: ProtocolVersion; steps: { connections: { frames: TranscriptFrame[] }[] }[] }[]).filter((s) => VERSION_FACTS[s.version].hasHandshake)
  for (const { version, steps } of scenario) {
    const frames = steps.at(-1)!.connections[0]!.frames.map((f) => ({ ...f, bytes: h(f.frame_hex) }))
    const fromDevice = frames.filter((f) => f.dir === 'd2c')
    const stream = concatBytes(...fromDevice.map((f) => f.bytes))
    it(`${version}: the client yields the same frames however the device's bytes are cut`, () => {
      fc.assert(
        fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 12 }), (cuts) => {
          const start = frames[0]!.bytes
          const finish = frames[2]!.bytes
          const client = createConnection({ role: 'client', version, localKey: transcripts.local_key_ascii, random: queuedRandom([h(transcripts.client_nonce_hex), ...ivOf(version, start), ...ivOf(version, finish)]), firstSeq: frames[0]!.seqno })
          client.open(0)
          const points = [0, ...cuts.sort((a, b) => a - b), stream.length]
          const steps: ConnectionStep[] = []
          for (let i = 1; i < points.length; i++) steps.push(client.receive(stream.slice(points[i - 1], points[i])))
          assert.deepEqual(steps.flatMap((s) => s.send).map(hex), [frames[2]!.frame_hex])
          assert.deepEqual(steps.flatMap((s) => s.events).map((e) => e.type), ['established'])
          assert.deepEqual(texts(steps.flatMap((s) => s.frames)), fromDevice.slice(1).map((f) => f.app_text ?? undefined))
          assert.equal(client.bufferedBytes, 0)
        }),
        { numRuns: 40 },
      )
    })
  }
})

/** A device that answers every data frame it can read with its DPs, as its version's firmware would. */
function serve(device: Connection, step: ConnectionStep): Uint8Array[] {
  const out = [...step.send]
  for (const frame of step.frames) {
    const decoded = frame.decoded
    if (frame.rejected !== undefined || decoded === undefined || frame.isHandshake === true) continue
    // 3.2+ firmware decrypts every payload: a clear one is noise to it (§18.29).
    if (!decoded.isEncrypted && decoded.payload.length > 0 && !VERSION_FACTS[device.version!].sendsClearQueries) continue
    // A device22-only unit refuses the normal status query, in clear (§9, §11).
    if (decoded.cmd === 10 && VERSION_FACTS[device.version!].device22 === 'always') {
      out.push(device.send({ cmd: 10, payload: 'data unvalid', encrypt: false, replyTo: frame.seq }))
      continue
    }
    out.push(device.send({ cmd: decoded.cmd, payload: { dps: { '1': true } }, replyTo: frame.seq }))
  }
  return out
}

/** Runs a client and a device against each other until neither has anything to say. */
function converse(client: Connection, device: Connection, first: Uint8Array[]): { client: ConnectionStep[] } {
  const clientSteps: ConnectionStep[] = []
  let toDevice = first
  for (let round = 0; round < 10 && toDevice.length > 0; round++) {
    const answers = toDevice.flatMap((bytes) => serve(device, device.receive(bytes)))
    const step = client.receive(concatBytes(...answers))
    clientSteps.push(step)
    toDevice = step.send
  }
  return { client: clientSteps }
}

describe('createConnection: client and device, every version', () => {
  for (const version of PROTOCOL_VERSIONS) {
    for (const configured of [version, 'auto'] as const) {
      it(`${version} device, client version ${configured}: established, then set and status round trips`, () => {
        const client = createConnection({ role: 'client', version: configured, localKey: LK, devId: DEV_ID, random: seededRandom(1) })
        const device = createConnection({ role: 'device', version, localKey: LK, random: seededRandom(2) })
        const opened = client.open(1_700_000_000_000)
        const { client: steps } = converse(client, device, opened.send)
        const events = [...opened.events, ...steps.flatMap((s) => s.events)]
        const established = events.find((e) => e.type === 'established')
        assert.ok(established, `events: ${JSON.stringify(events.map((e) => e.type))}`)
        assert.equal(established.version, version)
        assert.equal(established.isVersionDetected, configured === 'auto')
        assert.equal(client.version, version)
        assert.equal(device.state, 'established')
        const probeAnswers = steps.flatMap((s) => s.frames).filter((f) => f.isProbeAnswer === true)
        assert.equal(probeAnswers.length, configured === 'auto' && !VERSION_FACTS[version].hasHandshake && version !== '3.2' ? 1 : 0)
        // Commands after establishment: seqs continue after the probe frames.
        if (configured === 'auto') assert.ok(client.nextSeq > PROBE_FRAMES)
        assert.equal(client.isDevice22, VERSION_FACTS[version].device22 === 'always')
        for (const cmd of [7, client.isDevice22 ? 13 : 10]) {
          const seq = client.nextSeq
          const request = client.send({ cmd, payload: { devId: DEV_ID, dps: { '1': true } } })
          const reply = client.receive(concatBytes(...serve(device, device.receive(request))))
          const answers = reply.frames.filter((f) => f.rejected === undefined)
          assert.equal(answers.length, 1, `cmd ${cmd}: ${JSON.stringify(reply.frames.map((f) => f.rejected ?? f.decoded?.text))} ${JSON.stringify(reply.events)}`)
          assert.deepEqual(answers[0]!.decoded!.json, { dps: { '1': true } })
          if (VERSION_FACTS[version].echoesSeq) assert.equal(answers[0]!.seq, seq)
        }
        client.close()
        device.close()
        assert.equal(client.state, 'closed')
        assert.deepEqual(client.receive(new Uint8Array(8)), { send: [], events: [], frames: [] })
      })
    }
  }

  it('a 3.3 device that also answers the 3.1 probe query: the late answer is a probe leftover, never a reply', () => {
    const client = createConnection({ role: 'client', version: 'auto', localKey: LK, devId: DEV_ID, random: seededRandom(3) })
    const device = createConnection({ role: 'device', version: '3.3', localKey: LK, random: seededRandom(4) })
    const probe = client.open(1_700_000_000_000).send
    // The 3.3 reply (to seq 2) comes first, then an answer to the 3.1 query (seq 1).
    const reply = device.send({ cmd: 10, payload: { dps: { '1': true } }, replyTo: 2 })
    const late = device.send({ cmd: 10, payload: 'data format error', replyTo: 1 })
    assert.equal(probe.length, PROBE_FRAMES)
    const step = client.receive(concatBytes(reply, late))
    assert.deepEqual(step.events.map((e) => e.type), ['established', 'probe-leftover'])
    assert.equal(step.frames.length, 1)
    assert.equal(step.frames[0]!.isProbeAnswer, true)
    // A push (seq 0) and a reply to a later seq pass.
    const push = device.send({ cmd: 8, payload: { dps: { '1': false } } })
    assert.equal(client.receive(push).frames[0]!.rejected, undefined)
  })
})

describe('createConnection: the device rules', () => {
  const v35 = () => createConnection({ role: 'device', version: '3.5', localKey: LK, random: seededRandom(5), checkSeq: true })
  const clientFrame = (version: ProtocolVersion, cmd: number, seq: number, key = LK, payload: object | Uint8Array = {}) =>
    encodeFrame({ version, key, seq, cmd, payload: payload as Uint8Array, header: false, random: seededRandom(seq) })

  it('rejects data before the handshake, other formats, unauthenticated START, repeated START, stale seqs', () => {
    const device = v35()
    assert.equal(device.receive(clientFrame('3.5', 16, 1)).frames[0]!.rejected, 'before-handshake')
    assert.equal(device.receive(clientFrame('3.4', 3, 1)).frames[0]!.rejected, 'foreign-format')
    assert.equal(device.receive(clientFrame('3.5', 3, 1, 'ffffffffffffffff', new Uint8Array(16))).frames[0]!.rejected, 'unauthenticated')
    assert.equal(device.state, 'opening', 'frames that fail authentication do not fail the negotiation')
    const client = createConnection({ role: 'client', version: '3.5', localKey: LK, random: seededRandom(6), firstSeq: 5 })
    const [start] = client.open(0).send
    const answered = device.receive(start!)
    assert.equal(answered.send.length, 1)
    assert.deepEqual(answered.frames[0]!.answer, answered.send)
    assert.equal(device.receive(start!).frames[0]!.rejected, 'repeated-start')
    assert.throws(() => device.send({ cmd: 8 }), NotEstablishedError)
    const [finish] = client.receive(answered.send[0]!).send
    assert.equal(device.receive(finish!).events[0]!.type, 'established')
    const query = client.send({ cmd: 16, payload: {} })
    assert.equal(device.receive(query).frames[0]!.rejected, undefined)
    assert.equal(device.receive(query).frames[0]!.rejected, 'stale-seq')
    assert.equal(device.receive(start!).frames[0]!.rejected, 'repeated-start')
    // The device numbers its frames from its own counter.
    const seq = device.nextSeq
    assert.equal(client.receive(device.send({ cmd: 16, payload: { dps: {} } })).frames[0]!.seq, seq)
  })

  it('a FINISH that verifies but carries a wrong proof fails the negotiation', () => {
    const device = v35()
    const client = createConnection({ role: 'client', version: '3.5', localKey: LK, random: seededRandom(7) })
    device.receive(client.open(0).send[0]!)
    const step = device.receive(clientFrame('3.5', 5, 2, LK, new Uint8Array(32)))
    assert.equal(step.frames[0]!.rejected, 'handshake-failed')
    assert.equal(step.events[0]!.type, 'failed')
    assert.ok(step.events[0]!.type === 'failed' && step.events[0]!.error instanceof WrongLocalKeyError)
    assert.equal(device.state, 'failed')
  })
})

describe('createConnection: client deadlines, diagnosis, arguments', () => {
  it('poll fails an opening that missed its deadline, naming the stage', () => {
    for (const [version, stage] of [['3.4', 'handshake'], ['auto', 'probe']] as const) {
      const client = createConnection({ role: 'client', version, localKey: LK, devId: DEV_ID })
      client.open(1000, 6000)
      assert.equal(client.deadline, 6000)
      assert.deepEqual(client.poll(5999).events, [])
      const [event] = client.poll(6000).events
      assert.ok(event?.type === 'failed' && event.error instanceof HandshakeTimeoutError && event.error.stage === stage)
      assert.equal(client.state, 'failed')
    }
  })

  it('diagnose names the version a frame shows while the key is unproven', () => {
    const client = createConnection({ role: 'client', version: '3.3', localKey: LK })
    client.open(0)
    const device = createConnection({ role: 'device', version: '3.5', localKey: LK, random: seededRandom(8) })
    const frame = encodeFrame({ version: '3.5', key: LK, seq: 1, cmd: 10, payload: { dps: {} }, direction: 'fromDevice', random: seededRandom(9) })
    const [received] = client.receive(frame).frames
    assert.equal(received!.rejected, 'malformed', 'a 6699 frame is no 55AA frame')
    const diagnosis = client.diagnose(received!.raw, received!.error!)
    assert.ok(diagnosis instanceof WrongVersionError)
    assert.equal(diagnosis.seenVersion, '3.5')
    device.close()
    // A reply under another key on 3.3: the key is wrong.
    const wrongKey = encodeFrame({ version: '3.3', key: 'ffffffffffffffff', seq: 1, cmd: 10, payload: { dps: {} }, direction: 'fromDevice' })
    const [bad] = client.receive(wrongKey).frames
    const keyDiagnosis = client.diagnose(bad!.raw, bad!.error!)
    assert.ok(keyDiagnosis instanceof WrongLocalKeyError)
    assert.equal(keyDiagnosis.symptom, 'undecryptable')
  })

  it('refuses bad options with errors that name them', () => {
    assert.throws(() => createConnection({ role: 'device', version: 'auto', localKey: LK }), /version 'auto' is for clients/)
    assert.throws(() => createConnection({ role: 'client', version: 'auto', localKey: LK }), /devId is required/)
    assert.throws(() => createConnection({ role: 'client', version: '3.6' as '3.5', localKey: LK }), RangeError)
    assert.throws(() => createConnection({ role: 'x' as 'client', version: '3.5', localKey: LK }), TypeError)
    assert.throws(() => createConnection({ role: 'client', version: '3.5', localKey: 'short' }), RangeError)
    const device = createConnection({ role: 'device', version: '3.3', localKey: utf8ToBytes(LK) })
    assert.throws(() => device.open(0), TypeError)
    const client = createConnection({ role: 'client', version: '3.3', localKey: LK })
    client.open(0)
    assert.throws(() => client.open(0), /twice/)
  })
})
