/**
 * negative.json: every frame that must be rejected fails with the mapped error class.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  AuthenticationError,
  BadPaddingError,
  BadPrefixError,
  BadSuffixError,
  CrcMismatchError,
  decodeFrame,
  DecryptError,
  encodeFrame,
  FrameError,
  FrameTooLargeError,
  HmacMismatchError,
  MalformedLengthError,
  NotJsonError,
  readFrameHeader,
  TruncatedFrameError,
  TuyaError,
} from '../src/index.ts'
import { h, loadVector, type Json } from './helpers.ts'

const EXPECTED: Record<string, new (...args: never[]) => Error> = {
  crc_mismatch: CrcMismatchError,
  hmac_mismatch: HmacMismatchError,
  gcm_auth_failed: AuthenticationError,
  incomplete_frame: TruncatedFrameError,
  bad_prefix: BadPrefixError,
  bad_suffix: BadSuffixError,
  frame_too_large: FrameTooLargeError,
  malformed_length: MalformedLengthError,
  decrypt_failed: DecryptError,
  bad_padding: BadPaddingError,
}

const CODES: Record<string, string> = {
  crc_mismatch: 'TUYA_ERR_CRC',
  hmac_mismatch: 'TUYA_ERR_HMAC',
  gcm_auth_failed: 'TUYA_ERR_GCM_AUTH',
  incomplete_frame: 'TUYA_ERR_TRUNCATED',
  bad_prefix: 'TUYA_ERR_BAD_PREFIX',
  bad_suffix: 'TUYA_ERR_BAD_SUFFIX',
  frame_too_large: 'TUYA_ERR_FRAME_TOO_LARGE',
  malformed_length: 'TUYA_ERR_BAD_LENGTH',
  bad_padding: 'TUYA_ERR_BAD_PADDING',
}

describe('negative.json', () => {
  for (const c of loadVector('negative').cases as Json[]) {
    // negotiation_* frames are intact; rejecting them is the handshake's job (@tuya/session
    // HandshakeError). Here they must decode, as raw handshake payloads.
    if (c.expected_failure === 'negotiation_failed') {
      it(`${c.name}: decodes (the rejection belongs to @tuya/session)`, () => {
        const frame = decodeFrame(c.frame_hex, { version: c.version, key: h(c.key_hex) })
        assert.equal(frame.cmd, 4)
        assert.equal(frame.json, undefined)
      })
      continue
    }
    it(`${c.name}: ${c.expected_failure}`, () => {
      const cls = EXPECTED[c.expected_failure]
      assert.ok(cls, `mapped class for ${c.expected_failure}`)
      assert.throws(
        () => decodeFrame(h(c.frame_hex), { version: c.version, key: h(c.key_hex) }),
        (error: unknown) => {
          assert.ok(error instanceof cls, `${(error as Error).name} is a ${cls.name}`)
          assert.ok(error instanceof TuyaError)
          assert.ok(error instanceof FrameError || error instanceof DecryptError)
          const code = CODES[c.expected_failure]
          if (code !== undefined) assert.equal((error as TuyaError).code, code)
          // Messages never carry key material.
          assert.ok(!(error as Error).message.includes('4a5e1f0c9b2d7e38'))
          return true
        },
      )
    })
  }
  it('bad_suffix is rejected although the CRC / tag holds (the reference client accepts it)', () => {
    const c = (loadVector('negative').cases as Json[]).find((x) => x.name === 'bad_suffix_55aa')
    const fixed = h(c.frame_hex)
    fixed[fixed.length - 1] = 0x55
    assert.equal(decodeFrame(fixed, { version: '3.3', key: h(c.key_hex) }).cmd, 10)
  })
})

describe('other rejections', () => {
  const key = '4a5e1f0c9b2d7e38'
  const frame = encodeFrame({ version: '3.3', key, seq: 1, cmd: 10, direction: 'fromDevice', payload: { dps: { 1: true } } })
  it('a 55AA frame decoded as 3.5 (and the reverse) is a BadPrefixError', () => {
    assert.throws(() => decodeFrame(frame, { version: '3.5', key }), BadPrefixError)
    const f35 = encodeFrame({ version: '3.5', key, seq: 1, cmd: 10, payload: {} })
    assert.throws(() => decodeFrame(f35, { version: '3.3', key }), BadPrefixError)
  })
  it('extra bytes after the frame are a MalformedLengthError', () => {
    const longer = new Uint8Array(frame.length + 1)
    longer.set(frame)
    assert.throws(() => decodeFrame(longer, { version: '3.3', key }), MalformedLengthError)
  })
  it('maxFrameBytes applies', () => {
    assert.throws(() => decodeFrame(frame, { version: '3.3', key, maxFrameBytes: frame.length - 1 }), FrameTooLargeError)
    assert.equal(decodeFrame(frame, { version: '3.3', key, maxFrameBytes: frame.length }).seq, 1)
  })
  it('a client-direction minimum is not enough for a device frame', () => {
    const client = encodeFrame({ version: '3.3', key, seq: 1, cmd: 9 })
    assert.equal(client.length, 24)
    assert.throws(() => decodeFrame(client, { version: '3.3', key }), MalformedLengthError)
    assert.equal(decodeFrame(client, { version: '3.3', key, direction: 'toDevice' }).payload.length, 0)
  })
  it('JSON-looking payload that does not parse is a NotJsonError', () => {
    const bad = encodeFrame({ version: '3.3', key, seq: 1, cmd: 8, direction: 'fromDevice', payload: '{"dps":' })
    assert.throws(() => decodeFrame(bad, { version: '3.3', key }), NotJsonError)
  })
  it('3.1 base64 that is not base64 is a DecryptError', () => {
    const body = new TextEncoder().encode('3.1' + '0123456789abcdef' + 'not*base64!!')
    const bad = encodeFrame({ version: '3.1', seq: 1, cmd: 8, direction: 'fromDevice', payload: body, encrypt: false })
    assert.throws(() => decodeFrame(bad, { version: '3.1', key }), DecryptError)
  })
  it('readFrameHeader', () => {
    assert.deepEqual(readFrameHeader(frame.subarray(0, 16)), { format: '55aa', seq: 1, cmd: 10, length: frame.length - 16, byteLength: frame.length })
    assert.throws(() => readFrameHeader(frame.subarray(0, 3)), TruncatedFrameError)
    assert.throws(() => readFrameHeader(frame.subarray(0, 15)), TruncatedFrameError)
    assert.throws(() => readFrameHeader(h('000066990000000000010000000a0000001b')), MalformedLengthError)
    assert.throws(() => readFrameHeader(h('000055ab000000010000000a0000005c')), BadPrefixError)
    const f35 = readFrameHeader(h('000066990000000000010000000a0000001c'))
    assert.deepEqual(f35, { format: '6699', seq: 1, cmd: 10, length: 28, byteLength: 50 })
  })
})

describe('bad arguments are TypeError / RangeError naming the parameter', () => {
  const key = '4a5e1f0c9b2d7e38'
  const frame = encodeFrame({ version: '3.3', key, seq: 1, cmd: 10, direction: 'fromDevice', payload: { dps: {} } })
  it('decodeFrame', () => {
    assert.throws(() => decodeFrame(frame, { version: '3.6' as '3.3', key }), { name: 'RangeError', message: /version/ })
    assert.throws(() => decodeFrame(frame, { version: '3.3', key: 'short' }), { name: 'RangeError', message: /key/ })
    assert.throws(() => decodeFrame(frame, { version: '3.3' }), { name: 'TypeError', message: /key is required/ })
    assert.throws(() => decodeFrame(frame, { version: '3.3', key, direction: 'up' as 'toDevice' }), { name: 'RangeError', message: /direction/ })
    assert.throws(() => decodeFrame(frame, { version: '3.3', key, maxFrameBytes: 3 }), { name: 'RangeError', message: /maxFrameBytes/ })
    assert.throws(() => decodeFrame([1, 2] as unknown as Uint8Array, { version: '3.3', key }), { name: 'TypeError', message: /bytes/ })
    assert.throws(() => decodeFrame('zz', { version: '3.3', key }), RangeError)
    assert.throws(() => decodeFrame(frame, undefined as never), TypeError)
  })
  it('encodeFrame', () => {
    const base = { version: '3.3' as const, key, seq: 1, cmd: 7 }
    assert.throws(() => encodeFrame({ ...base, seq: -1 }), { name: 'RangeError', message: /seq/ })
    assert.throws(() => encodeFrame({ ...base, seq: 2 ** 32 }), { name: 'RangeError', message: /seq/ })
    assert.throws(() => encodeFrame({ ...base, cmd: 1.5 }), { name: 'RangeError', message: /cmd/ })
    assert.throws(() => encodeFrame({ ...base, seq: '1' as unknown as number }), { name: 'TypeError', message: /seq/ })
    assert.throws(() => encodeFrame({ ...base, retcode: 0 }), { name: 'TypeError', message: /retcode/ })
    assert.throws(() => encodeFrame({ ...base, direction: 'fromDevice', retcode: -1 }), { name: 'RangeError', message: /retcode/ })
    assert.throws(() => encodeFrame({ ...base, header: new Uint8Array(14) }), { name: 'RangeError', message: /header/ })
    assert.throws(() => encodeFrame({ ...base, header: new Uint8Array(15) }), { name: 'RangeError', message: /header/ })
    assert.throws(() => encodeFrame({ ...base, version: '3.1', header: true, payload: {} }), { name: 'RangeError', message: /header/ })
    assert.throws(() => encodeFrame({ ...base, version: '3.4', encrypt: false, payload: {} }), { name: 'RangeError', message: /encrypt/ })
    assert.throws(() => encodeFrame({ ...base, version: '3.5', iv: new Uint8Array(11), payload: {} }), { name: 'RangeError', message: /iv/ })
    assert.throws(() => encodeFrame({ ...base, key: undefined, payload: {} }), { name: 'TypeError', message: /key is required/ })
    assert.throws(() => encodeFrame({ ...base, version: '3.4', key: undefined }), { name: 'TypeError', message: /key is required/ })
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    assert.throws(() => encodeFrame({ ...base, payload: cyclic }), { name: 'TypeError', message: /payload/ })
  })
})
