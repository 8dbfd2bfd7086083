/**
 * The version table's facts against the captured device frames (frames_v3x.json, gateway.json):
 * the reply and push shapes, headers and clear-text rules in VERSION_FACTS are what real
 * devices of each version send, and UDP_FRAMES builds frames of the format it names.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CMD, decodeFrame, encodeFrame, PROTOCOL_VERSIONS, sniffFrame, UDP_FRAMES, UDP_KEY, VERSION_FACTS, type DecodedFrame, type HandshakeVersion } from '../src/index.ts'
import { DATA_FRAME_CASES, h, type FrameCase } from './helpers.ts'

function deviceFrame(name: string): { c: FrameCase; frame: DecodedFrame } {
  const c = DATA_FRAME_CASES.find((f) => f.name === name)
  assert.ok(c !== undefined, `vector ${name}`)
  return { c, frame: decodeFrame(h(c.frameHex), { version: c.version, key: c.key, direction: c.direction }) }
}

const json = (frame: DecodedFrame) => frame.json as Record<string, unknown>

function headerKind(header: Uint8Array | undefined): string {
  if (header === undefined) return 'none'
  return header.subarray(3).every((b) => b === 0) ? 'version' : 'source'
}

function isDeeplyFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true
  return Object.isFrozen(value) && Object.values(value).every(isDeeplyFrozen)
}

describe('VERSION_FACTS against captured device frames', () => {
  it('is frozen all the way down', () => {
    assert.ok(isDeeplyFrozen(VERSION_FACTS))
    assert.ok(isDeeplyFrozen(UDP_FRAMES))
  })

  it('status replies carry the keys statusReplyKeys lists, in that order', () => {
    for (const version of PROTOCOL_VERSIONS) {
      for (const [cmd, field] of [[CMD.DP_QUERY, 'dpQuery'], [CMD.DP_QUERY_NEW, 'dpQueryNew']] as const) {
        const name = `v${version.replace('.', '')}_resp_dp_query${cmd === CMD.DP_QUERY_NEW ? '_new' : ''}`
        const c = DATA_FRAME_CASES.find((f) => f.name === name)
        if (c === undefined || c.cmd !== cmd) continue
        const { frame } = deviceFrame(name)
        assert.deepEqual(Object.keys(json(frame)), [...VERSION_FACTS[version].statusReplyKeys[field]], name)
      }
    }
  })

  it('STATUS pushes have the header, wrapping and devId that pushShape says', () => {
    let checked = 0
    for (const version of PROTOCOL_VERSIONS) {
      const v = version.replace('.', '')
      const shape = VERSION_FACTS[version].pushShape
      const { frame } = deviceFrame(`v${v}_push_status`)
      assert.equal(headerKind(frame.header), shape.header, `v${v}_push_status header`)
      const body = json(frame)
      assert.equal('protocol' in body && 'data' in body, shape.isWrapped, `v${v}_push_status wrapping`)
      const inner = (shape.isWrapped ? body['data'] : body) as Record<string, unknown>
      assert.equal('devId' in inner, shape.namesDevice, `v${v}_push_status devId`)
      // Reports asked for by UPDATEDPS never name the device.
      if (DATA_FRAME_CASES.some((f) => f.name === `v${v}_push_status_after_updatedps`)) {
        const report = json(deviceFrame(`v${v}_push_status_after_updatedps`).frame)
        assert.equal('devId' in ((shape.isWrapped ? report['data'] : report) as object), false, `v${v} report`)
      }
      checked++
    }
    assert.equal(checked, PROTOCOL_VERSIONS.length)
  })

  it('device frames travel in clear exactly where deviceClearText says', () => {
    const isClear = (version: string, kind: 'reply' | 'push' | 'error'): boolean => {
      const rule = VERSION_FACTS[version as '3.1'].deviceClearText
      return rule === 'all-but-pushes' ? kind !== 'push' : rule === 'errors' && kind === 'error'
    }
    const cases = [
      ['v31_resp_dp_query', 'reply'],
      ['v31_push_status', 'push'],
      ['v32_push_status', 'push'],
      ['v32_resp_dp_query_error_cleartext', 'error'],
      ['v33_resp_dp_query', 'reply'],
      ['v33_resp_dp_query_error_unvalid', 'error'],
      ['v34_resp_dp_query_error_unvalid', 'error'],
      ['v35_resp_dp_query_error_unvalid', 'error'],
    ] as const
    for (const [name, kind] of cases) {
      const { c, frame } = deviceFrame(name)
      assert.equal(frame.isEncrypted, !isClear(c.version, kind), name)
    }
  })

  it('a version has a session-key cipher exactly when it has a handshake, and HandshakeVersion lists those', () => {
    const handshake: HandshakeVersion[] = []
    for (const version of PROTOCOL_VERSIONS) {
      const facts = VERSION_FACTS[version]
      assert.equal(facts.sessionKeyCipher !== undefined, facts.hasHandshake, version)
      if (facts.hasHandshake) handshake.push(version as HandshakeVersion)
    }
    assert.ok(handshake.length > 0)
  })

  it('UDP_FRAMES builds frames of the format it names, and every beacon kind has rules', () => {
    for (const [kind, rules] of Object.entries(UDP_FRAMES)) {
      const frame = encodeFrame({ version: rules.version, key: UDP_KEY, direction: 'fromDevice', cmd: 19, seq: 0, payload: '{"gwId":"x"}', retcode: 0 })
      assert.equal(sniffFrame(frame).format, rules.format, kind)
      const decoded = decodeFrame(frame, { version: rules.version, key: UDP_KEY, direction: 'fromDevice' })
      assert.equal(decoded.isEncrypted, rules.isEncrypted, kind)
    }
    for (const version of PROTOCOL_VERSIONS) assert.ok(Object.hasOwn(UDP_FRAMES, VERSION_FACTS[version].beacon.kind), version)
  })
})
