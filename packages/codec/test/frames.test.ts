/**
 * Golden frame vectors (frames_v31..v35, gateway, device22, v31_payload, handshake_v34/v35):
 * the mqtt-packet triad for every frame: parse (decode byte-exact), generate (encode
 * byte-exact), mirror (decode what we encoded).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { utf8ToBytes } from '@tuya/crypto'
import {
  CMD,
  commandName,
  DataFormatError,
  DataUnvalidError,
  decodeFrame,
  encodeFrame,
  NO_VERSION_HEADER_CMDS,
  parseDevicePayload,
  type DecodedFrame,
  type EncodeFrameOptions,
} from '../src/index.ts'
import * as builders from '../src/index.ts'
import { counterRandom, DATA_FRAME_CASES, h, HANDSHAKE_CASES, hex, type FrameCase, type Json } from './helpers.ts'

/** The version header rule of PROTOCOL.md §5.1 for client frames. */
function expectsVersionHeader(c: FrameCase): boolean {
  return c.version !== '3.1' && !NO_VERSION_HEADER_CMDS.has(c.cmd)
}

/** 3.2/3.3 clear-text error texts: the body is the text itself. */
function isClearText(c: FrameCase): boolean {
  return c.bodyHex !== undefined && c.payloadHex !== '' && c.bodyHex === c.payloadHex && c.direction === 'fromDevice'
}

function encodeOptions(c: FrameCase): EncodeFrameOptions {
  const options: EncodeFrameOptions = { version: c.version, key: c.key, direction: c.direction, seq: c.seq, cmd: c.cmd, payload: h(c.payloadHex) }
  if (c.direction === 'fromDevice') {
    options.retcode = c.retcode!
    if (c.headerHex !== null) options.header = h(c.headerHex)
    if (isClearText(c) && c.version !== '3.1') options.encrypt = false
  }
  if (c.ivHex !== undefined) options.iv = h(c.ivHex)
  return options
}

/** The normalised view of PROTOCOL.md §8.3: `data.dps` merged, metadata kept. */
function assertExpectedDecoded(frame: DecodedFrame, expected: Json): void {
  const message = parseDevicePayload(frame)
  assert.equal(message.type, 'dps')
  if (message.type !== 'dps') return
  const json = frame.json as Record<string, unknown>
  for (const [k, v] of Object.entries(expected)) {
    const actual: unknown = k === 'dps' ? message.dps : k === 't' ? message.t : k === 'devId' ? message.devId : k === 'cid' ? message.cid : json[k]
    assert.deepEqual(actual, v, `expected_decoded.${k}`)
  }
}

function checkDecoded(c: FrameCase, frame: DecodedFrame): void {
  assert.equal(frame.seq, c.seq)
  assert.equal(frame.cmd, c.cmd)
  assert.equal(frame.cmdName, c.cmdName ?? commandName(c.cmd))
  if (c.length !== undefined) assert.equal(frame.length, c.length)
  assert.equal(frame.byteLength, c.frameHex.length / 2)
  assert.equal(frame.version, c.version)
  assert.equal(frame.direction, c.direction)
  assert.equal(frame.format, c.version === '3.5' ? '6699' : '55aa')
  assert.equal(frame.retcode ?? null, c.retcode)
  assert.equal(hex(frame.payload), c.payloadHex)
  if (c.direction === 'fromDevice') assert.equal(frame.header === undefined ? null : hex(frame.header), c.headerHex)
  else {
    const expected = c.versionHeader ?? expectsVersionHeader(c)
    assert.equal(frame.header !== undefined, expected, 'version header presence')
    if (frame.header !== undefined) assert.equal(hex(frame.header), hex(utf8ToBytes(c.version)) + '00'.repeat(12))
  }
  if (c.ivHex !== undefined) assert.equal(hex(frame.iv!), c.ivHex)
  else assert.equal(frame.iv, undefined)
  if (c.payloadText !== undefined && c.payloadText !== '') assert.equal(frame.text, c.payloadText)
  if (c.payloadHex === '') {
    assert.equal(frame.text, undefined)
    assert.deepEqual(parseDevicePayload(frame), { type: 'ack' })
  }
  if (c.expectedDecoded !== undefined) assertExpectedDecoded(frame, c.expectedDecoded)
  if (c.expectedErrorText !== undefined) {
    assert.equal(frame.json, undefined)
    const message = parseDevicePayload(frame)
    assert.equal(message.type, 'error')
    if (message.type === 'error') {
      assert.equal(message.error.text, c.expectedErrorText)
      assert.equal(message.error.retcode, c.retcode)
      const cls = c.expectedErrorText.includes('unvalid') ? DataUnvalidError : DataFormatError
      assert.ok(message.error instanceof cls, message.error.name)
    }
  }
}

describe('frame vectors: decode (parse)', () => {
  for (const c of DATA_FRAME_CASES) {
    it(`${c.file}: ${c.name}`, () => {
      const frame = decodeFrame(h(c.frameHex), { version: c.version, key: c.key, direction: c.direction })
      checkDecoded(c, frame)
      // JSON payloads come back parsed; error texts and acks do not.
      if (c.payloadText?.startsWith('{')) assert.deepEqual(frame.json, JSON.parse(c.payloadText))
      // Hex input gives the same result.
      assert.deepEqual(decodeFrame(c.frameHex, { version: c.version, key: c.key, direction: c.direction }), frame)
    })
  }
  it('isEncrypted tells clear payloads from encrypted ones', () => {
    const byName = (n: string) => DATA_FRAME_CASES.find((c) => c.name === n)!
    const decode = (c: FrameCase) => decodeFrame(c.frameHex, { version: c.version, key: c.key, direction: c.direction })
    assert.equal(decode(byName('v31_resp_dp_query')).isEncrypted, false)
    assert.equal(decode(byName('v31_push_status')).isEncrypted, true)
    assert.equal(decode(byName('v31_req_control')).isEncrypted, true)
    assert.equal(decode(byName('v32_resp_dp_query_error_cleartext')).isEncrypted, false)
    assert.equal(decode(byName('v33_resp_dp_query_error_unvalid')).isEncrypted, true)
    assert.equal(decode(byName('v35_resp_control_ack')).isEncrypted, true)
  })
})

describe('frame vectors: encode (generate)', () => {
  for (const c of DATA_FRAME_CASES) {
    it(`${c.file}: ${c.name}`, () => {
      if (c.direction === 'toDevice') assert.equal(c.versionHeader ?? expectsVersionHeader(c), expectsVersionHeader(c), 'vector agrees with the header rule')
      assert.equal(hex(encodeFrame(encodeOptions(c))), c.frameHex)
    })
  }
  it('3.1 device frames: STATUS pushes are encrypted by default, replies are not', () => {
    for (const c of DATA_FRAME_CASES.filter((x) => x.version === '3.1' && x.direction === 'fromDevice' && x.payloadHex !== '')) {
      const body = encodeFrame(encodeOptions(c)).subarray(20, 20 + 3)
      assert.equal(new TextDecoder().decode(body) === '3.1', c.v31Encrypted === true, c.name)
    }
  })
  it('v31_payload: the body is "3.1" + signature + base64, step by step', () => {
    const c = DATA_FRAME_CASES.find((x) => x.name === 'v31_control_encrypt')!
    const frame = encodeFrame(encodeOptions(c))
    assert.equal(hex(frame.subarray(16, frame.length - 8)), c.bodyHex)
  })
})

describe('frame vectors: mirror (decode what we encoded)', () => {
  for (const c of DATA_FRAME_CASES) {
    it(`${c.file}: ${c.name}`, () => {
      const options = encodeOptions(c)
      delete options.iv
      options.random = counterRandom(c.seq + 1)
      const bytes = encodeFrame(options)
      const frame = decodeFrame(bytes, { version: c.version, key: c.key, direction: c.direction })
      checkDecoded({ ...c, ivHex: c.ivHex === undefined ? undefined : hex(counterRandom(c.seq + 1)(12)), length: undefined }, frame)
    })
  }
})

describe('handshake vectors (3.4/3.5 cmd 3/4/5, local key)', () => {
  for (const c of HANDSHAKE_CASES) {
    it(c.name, () => {
      const options: EncodeFrameOptions = { version: c.version, key: c.key, direction: c.direction, seq: c.seq, cmd: c.cmd, payload: h(c.payloadHex) }
      if (c.retcode !== null) options.retcode = c.retcode
      if (c.ivHex !== undefined) options.iv = h(c.ivHex)
      assert.equal(hex(encodeFrame(options)), c.frameHex)
      const frame = decodeFrame(c.frameHex, { version: c.version, key: c.key, direction: c.direction })
      assert.equal(hex(frame.payload), c.payloadHex, 'raw payload, never header-stripped')
      assert.equal(frame.text, undefined)
      assert.equal(frame.json, undefined)
      assert.equal(frame.header, undefined)
      assert.equal(frame.length, c.length)
      assert.equal(frame.retcode ?? null, c.retcode)
    })
  }
  it('a session-key frame does not verify with the local key', () => {
    const c = DATA_FRAME_CASES.find((x) => x.name === 'v34_resp_dp_query')!
    assert.throws(() => decodeFrame(c.frameHex, { version: '3.4', key: '4a5e1f0c9b2d7e38' }), { code: 'TUYA_ERR_HMAC' })
  })
  it('a key array mutated in place between 3.4 frames is noticed (AES and HMAC)', () => {
    const key = utf8ToBytes('4a5e1f0c9b2d7e38')
    const options = { version: '3.4', key, seq: 1, cmd: CMD.CONTROL, payload: { dps: { 1: true } } } as const
    const first = encodeFrame(options)
    decodeFrame(first, { version: '3.4', key, direction: 'toDevice' })
    key[0] = 0x35
    const second = encodeFrame(options)
    assert.equal(hex(second), hex(encodeFrame({ ...options, key: key.slice() })))
    assert.notEqual(hex(second), hex(first))
    assert.throws(() => decodeFrame(first, { version: '3.4', key, direction: 'toDevice' }), { code: 'TUYA_ERR_HMAC' })
  })
})

/** Builds the request a vector's client frame carries, from the builders. */
function buildFor(c: FrameCase): { cmd: number; payload: Json } | undefined {
  const ctx = { version: c.version, devId: c.devId, t: c.t, ...(c.cid !== undefined ? { cid: c.cid } : {}) }
  const sent = JSON.parse(c.payloadText!)
  const dps = sent.dps ?? sent.data?.dps
  switch (c.requestedCmd ?? c.cmd) {
    case CMD.DP_QUERY:
      return builders.buildStatusRequest(ctx)
    case CMD.DP_QUERY_NEW:
      return builders.buildStatusRequestNew(ctx)
    case CMD.CONTROL:
      return builders.buildControlRequest(ctx, dps)
    case CMD.CONTROL_NEW:
      // device22 flows: a CONTROL_NEW whose DPs are all null is the device22 status query.
      if (c.requestedCmd === undefined && Object.values(dps).every((v) => v === null)) {
        return builders.buildDev22StatusRequest(ctx, Object.keys(dps).map(Number))
      }
      return builders.buildControlRequest(ctx, dps, { cmd: CMD.CONTROL_NEW })
    case CMD.HEART_BEAT:
      return builders.buildHeartbeatRequest(ctx)
    case CMD.UPDATEDPS:
      return builders.buildRefreshRequest(ctx, sent.dpId)
    case CMD.LAN_EXT_STREAM:
      return builders.buildSubdeviceListRequest(ctx)
    default:
      return undefined
  }
}


describe('request builders reproduce every client frame (t = fixed_time)', () => {
  for (const c of DATA_FRAME_CASES.filter((x) => x.direction === 'toDevice' && x.file !== 'v31_payload')) {
    it(`${c.file}: ${c.name}`, () => {
      const built = buildFor(c)
      assert.ok(built, 'a builder exists for this request')
      assert.equal(built.cmd, c.cmd, 'cmd on the wire (after the version remap)')
      assert.equal(JSON.stringify(built.payload), c.payloadText)
      const options: EncodeFrameOptions = { version: c.version, key: c.key, seq: c.seq, ...built }
      if (c.ivHex !== undefined) options.iv = h(c.ivHex)
      assert.equal(hex(encodeFrame(options)), c.frameHex)
    })
  }
})
