/**
 * The pure decoder beyond the vectors: addresses (NAT), the retcode and NUL rules of §14.3,
 * ciphertexts that look like JSON, every ignored reason, and random bytes never throwing.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { encodeFrame, UDP_KEY } from '@tuya/codec'
import { aesEcbEncrypt, utf8ToBytes } from '@tuya/crypto'
import { decodeBeacon, encodeSolicitation, IGNORED_REASONS, type BeaconDecodeResult, type IgnoredReason } from '../src/index.ts'
import { deviceBeacon, h, runs, vector } from './helpers.ts'

const from = { address: '10.203.0.1', port: 6667 }
const json = { ip: '192.168.1.50', gwId: 'bf0123456789abcdefgh', active: 2, ablilty: 0, encrypt: true, productKey: 'keyabcdefgh12345', version: '3.3' }

function beaconOf(result: BeaconDecodeResult) {
  assert.equal(result.type, 'beacon', result.type === 'ignored' ? `${result.reason}: ${result.message}` : '')
  if (result.type !== 'beacon') throw new Error('unreachable')
  return result.beacon
}

function reasonOf(result: BeaconDecodeResult): IgnoredReason {
  assert.equal(result.type, 'ignored')
  if (result.type !== 'ignored') throw new Error('unreachable')
  assert.equal(typeof result.message, 'string')
  return result.reason
}

function gcm(plain: Uint8Array | string, cmd = 19): Uint8Array {
  // A 6699 frame without a retcode: the plaintext is exactly `plain`.
  return encodeFrame({ version: '3.5', key: UDP_KEY, direction: 'toDevice', cmd, seq: 0, payload: plain, header: false })
}

describe('decodeBeacon: addresses', () => {
  it('keeps both the payload IP and the packet source when they differ (NAT), and prefers the payload', () => {
    const b = beaconOf(decodeBeacon(deviceBeacon('55aa-ecb', json), from))
    assert.equal(b.ip, '192.168.1.50')
    assert.equal(b.payloadIp, '192.168.1.50')
    assert.deepEqual(b.source, from)
    assert.equal(b.hasIpMismatch, true)
  })

  it('falls back to the packet source when the payload has no valid ip', () => {
    for (const ip of [undefined, '', 'not-an-ip', '300.1.1.1', 17]) {
      const b = beaconOf(decodeBeacon(deviceBeacon('55aa-plain', { ...json, ip }), from))
      assert.equal(b.ip, '10.203.0.1')
      assert.equal(b.payloadIp, undefined)
      assert.equal(b.hasIpMismatch, false)
    }
  })
})

describe('decodeBeacon: fields', () => {
  it('reads version as a string or a number, and leaves unknown versions undefined (raw value kept in json)', () => {
    assert.equal(beaconOf(decodeBeacon(deviceBeacon('55aa-ecb', { ...json, version: 3.4 }), from)).version, '3.4')
    const future = beaconOf(decodeBeacon(deviceBeacon('55aa-ecb', { ...json, version: '3.6' }), from))
    assert.equal(future.version, undefined)
    assert.equal(future.json['version'], '3.6')
    assert.equal(beaconOf(decodeBeacon(deviceBeacon('55aa-ecb', { gwId: 'x1' }), from)).productKey, undefined)
  })

  it('needs a non-empty string gwId', () => {
    for (const gwId of [undefined, '', 42, null, 'x'.repeat(65)]) {
      assert.equal(reasonOf(decodeBeacon(deviceBeacon('55aa-ecb', { ...json, gwId }), from)), 'not-a-beacon')
    }
    assert.equal(reasonOf(decodeBeacon(gcm('[1,2,3]'), from)), 'not-json')
    // On 55AA only a body starting with { is plaintext (§14.3); anything else must decrypt.
    assert.equal(reasonOf(decodeBeacon(deviceBeacon('55aa-plain', '[1,2,3]'), from)), 'decrypt-failed')
  })
})

describe('decodeBeacon: 6699 retcode and NUL rules (§14.3)', () => {
  const text = JSON.stringify({ ...json, version: '3.5' })

  it('strips a 4-byte retcode only when the plaintext does not start with { and its fifth byte does', () => {
    const withRc = beaconOf(decodeBeacon(deviceBeacon('6699-gcm', text), from))
    assert.equal(withRc.retcode, 0)
    const without = beaconOf(decodeBeacon(gcm(text), from))
    assert.equal(without.retcode, undefined)
    assert.deepEqual(without.json, withRc.json)
    const rc7 = new Uint8Array([0, 0, 0, 7, ...utf8ToBytes(text)])
    assert.equal(beaconOf(decodeBeacon(gcm(rc7), from)).retcode, 7)
  })

  it('strips trailing NUL bytes (the official app pads)', () => {
    const padded = new Uint8Array([...utf8ToBytes(text), 0, 0, 0])
    assert.equal(beaconOf(decodeBeacon(gcm(padded), from)).id, json.gwId)
    const ecbPadded = new Uint8Array([...utf8ToBytes(JSON.stringify(json)), 0, 0])
    assert.equal(beaconOf(decodeBeacon(deviceBeacon('55aa-ecb', new TextDecoder().decode(ecbPadded)), from)).id, json.gwId)
  })

  it('ignores REQ_DEVINFO (cmd 37) and any {"from":"app"} JSON as a solicitation', () => {
    assert.equal(reasonOf(decodeBeacon(encodeSolicitation({ ip: '10.203.0.1' }), from)), 'solicitation')
    assert.equal(reasonOf(decodeBeacon(gcm(text, 37), from)), 'solicitation')
    assert.equal(reasonOf(decodeBeacon(gcm(JSON.stringify({ from: 'app', ip: '1.2.3.4' })), from)), 'solicitation')
    assert.equal(reasonOf(decodeBeacon(gcm('{"from": "app", "ip": "1.2.3.4"}'), from)), 'solicitation')
  })
})

describe('decodeBeacon: 55AA bodies', () => {
  it('decrypts an ECB beacon whose ciphertext happens to start with "{" (deterministic ECB: else never seen)', () => {
    const { gwId: _ignored, ...rest } = json
    let found: Uint8Array | undefined
    let id = ''
    for (let i = 0; i < 20000 && found === undefined; i++) {
      // The id goes first, so that it reaches into the first cipher block.
      id = `${String(i).padStart(6, '0')}bf0123456789abcd`
      const ct = aesEcbEncrypt(UDP_KEY, utf8ToBytes(JSON.stringify({ gwId: id, ...rest })))
      if (ct[0] === 0x7b) found = ct
    }
    assert.ok(found, 'no ciphertext starting with { in 20000 tries')
    const b = beaconOf(decodeBeacon(deviceBeacon('55aa-ecb', { gwId: id, ...rest }), from))
    assert.equal(b.id, id)
    assert.equal(b.framing, '55aa-ecb')
  })

  it('decodes a raw AES-ECB(udpkey) blob (udp6667_raw_ecb) and calls other unframed bytes foreign', () => {
    const raw = beaconOf(decodeBeacon(h(vector('udp6667_raw_ecb').frame_hex), from))
    assert.equal(raw.framing, 'raw-ecb')
    assert.equal(raw.cmd, undefined)
    assert.equal(reasonOf(decodeBeacon(utf8ToBytes('M-SEARCH * HTTP/1.1\r\n\r\n'), from)), 'foreign')
    assert.equal(reasonOf(decodeBeacon(new Uint8Array(32), from)), 'foreign')
    assert.equal(reasonOf(decodeBeacon(aesEcbEncrypt(UDP_KEY, utf8ToBytes('hello')), from)), 'foreign')
  })
})

describe('decodeBeacon: every way to be ignored', () => {
  const good = h(vector('udp6667_v33_ecb').frame_hex)
  const good35 = h(vector('udp6667_v35_gcm').frame_hex)

  it('empty, oversized, bad CRC, bad suffix, truncated, trailing bytes, GCM tag, padding', () => {
    const cases: Array<[Uint8Array, IgnoredReason]> = [
      [new Uint8Array(0), 'empty'],
      [new Uint8Array(5000), 'oversized'],
      [Uint8Array.from(good, (b, i) => (i === 30 ? b ^ 1 : b)), 'bad-frame'],
      [Uint8Array.from(good, (b, i) => (i === good.length - 1 ? 0 : b)), 'bad-frame'],
      [good.subarray(0, 40), 'bad-frame'],
      [new Uint8Array([...good, 0]), 'bad-frame'],
      [good.subarray(0, 3), 'foreign'],
      [Uint8Array.from(good35, (b, i) => (i === 40 ? b ^ 1 : b)), 'decrypt-failed'],
      [encodeFrame({ version: '3.3', key: '0123456789abcdef', direction: 'fromDevice', cmd: 19, seq: 0, payload: JSON.stringify(json), retcode: 0 }), 'decrypt-failed'],
      [encodeFrame({ version: '3.5', key: '0123456789abcdef', direction: 'fromDevice', cmd: 19, seq: 0, payload: '{}', retcode: 0 }), 'decrypt-failed'],
      [deviceBeacon('55aa-plain', '{"gwId": broken'), 'not-json'],
      [gcm(new Uint8Array([0xff, 0xfe, 0x7b])), 'not-json'],
    ]
    for (const [bytes, reason] of cases) assert.equal(reasonOf(decodeBeacon(bytes, from)), reason)
  })

  it('honours maxDatagramBytes and checks its arguments', () => {
    assert.equal(reasonOf(decodeBeacon(good, from, { maxDatagramBytes: 100 })), 'oversized')
    assert.equal(decodeBeacon(good, from, { maxDatagramBytes: good.length }).type, 'beacon')
    assert.throws(() => decodeBeacon(good, from, { maxDatagramBytes: 0 }), RangeError)
    assert.throws(() => decodeBeacon('000055aa' as unknown as Uint8Array, from), TypeError)
    assert.throws(() => decodeBeacon(good, undefined as never), TypeError)
  })

  it('random bytes, random frames and damaged beacons only ever give a result, never a throw', () => {
    const prefixes = [[], [0, 0, 0x55, 0xaa], [0, 0, 0x66, 0x99]]
    const beacons = [good, good35, h(vector('udp6666_v31_plain').frame_hex)]
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 400 }), (prefix, rest) => {
        const result = decodeBeacon(new Uint8Array([...prefix, ...rest]), from)
        if (result.type === 'ignored') assert.ok(IGNORED_REASONS.includes(result.reason))
      }),
      { numRuns: runs(300) },
    )
    fc.assert(
      fc.property(fc.constantFrom(...beacons), fc.nat(), fc.integer({ min: 1, max: 255 }), (bytes, at, flip) => {
        const damaged = bytes.slice()
        damaged[at % damaged.length]! ^= flip
        const result = decodeBeacon(damaged, from)
        // A flip in the header or the protected part never yields a beacon with other content.
        if (result.type === 'beacon') assert.fail(`a damaged datagram decoded (byte ${at % damaged.length})`)
      }),
      { numRuns: runs(300) },
    )
  })
})
