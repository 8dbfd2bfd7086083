/**
 * discovery.json (shared/vectors, produced by the reference scanner and simulator): every
 * device datagram decodes to its JSON, the solicitation encodes byte-exact from its IV, and
 * each layer is cross-checked with node:crypto (an independent oracle).
 */
import assert from 'node:assert/strict'
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import { UDP_KEY } from '@tuya/codec'
import { decodeBeacon, encodeSolicitation, type BeaconFraming } from '../src/index.ts'
import { h, hex, loadVectors, vector } from './helpers.ts'

const vectors = loadVectors()
const deviceCases = vectors.cases.filter((c) => c.direction !== 'client_broadcast')
const FRAMING: Record<string, BeaconFraming> = { '55aa_plain': '55aa-plain', '55aa_ecb': '55aa-ecb', '6699_gcm': '6699-gcm', raw_ecb: 'raw-ecb' }
const source = { address: '192.168.1.50', port: 49152 }

describe('discovery.json: the udpkey', () => {
  it('is MD5 of the public source text, as the vectors and the codec say', () => {
    const md5 = createHash('md5').update(vectors.udpkey_source_text).digest('hex')
    assert.equal(md5, vectors.udpkey_hex)
    assert.equal(hex(UDP_KEY), vectors.udpkey_hex)
  })
})

describe('discovery.json: device datagrams decode (parse)', () => {
  assert.ok(deviceCases.length >= 6)
  for (const c of deviceCases) {
    it(c.name, () => {
      const result = decodeBeacon(h(c.frame_hex), source)
      assert.equal(result.type, 'beacon', result.type === 'ignored' ? result.message : '')
      if (result.type !== 'beacon') return
      const b = result.beacon
      const json = JSON.parse(c.json_text) as Record<string, unknown>
      assert.deepEqual(b.json, json)
      assert.equal(b.id, json['gwId'])
      assert.equal(b.ip, '192.168.1.50')
      assert.equal(b.payloadIp, '192.168.1.50')
      assert.equal(b.hasIpMismatch, false)
      assert.equal(b.version, json['version'])
      assert.equal(b.productKey, json['productKey'])
      assert.equal(b.framing, FRAMING[c.framing])
      assert.equal(b.isEncrypted, c.framing !== '55aa_plain')
      assert.equal(b.cmd, c.cmd ?? undefined)
      assert.equal(b.retcode, c.retcode ?? undefined)
      assert.deepEqual(b.source, source)
    })
  }
})

describe('discovery.json: the solicitation (udp7000_app_request)', () => {
  const c = vector('udp7000_app_request')
  const ip = (JSON.parse(c.json_text) as { ip: string }).ip

  it('encodes byte-exact from its IV (generate)', () => {
    assert.equal(hex(encodeSolicitation({ ip, iv: h(c.iv_hex!) })), c.frame_hex)
  })

  it('draws its IV from the random source when none is given', () => {
    const random = (n: number) => {
      assert.equal(n, 12)
      return h(c.iv_hex!)
    }
    assert.equal(hex(encodeSolicitation({ ip, random })), c.frame_hex)
  })

  it('is recognised as a solicitation, not a device, when heard on 7000 (mirror)', () => {
    for (const bytes of [h(c.frame_hex), encodeSolicitation({ ip })]) {
      const result = decodeBeacon(bytes, { address: ip, port: 7000 })
      assert.equal(result.type, 'ignored')
      assert.equal(result.type === 'ignored' && result.reason, 'solicitation')
    }
  })

  it('matches an AES-GCM oracle (node:crypto) for other addresses and IVs', () => {
    for (const [other, ivHex] of [['10.203.0.1', '000102030405060708090a0b'], ['255.255.255.254', 'ffffffffffffffffffffffff']] as const) {
      const plain = Buffer.from(JSON.stringify({ from: 'app', ip: other }))
      const header = Buffer.alloc(18)
      header.writeUInt32BE(0x6699, 0)
      header.writeUInt32BE(37, 10)
      header.writeUInt32BE(12 + plain.length + 16, 14)
      const cipher = createCipheriv('aes-128-gcm', UDP_KEY, h(ivHex))
      cipher.setAAD(header.subarray(4))
      const ct = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()])
      const expected = Buffer.concat([header, h(ivHex), ct, Buffer.from('00009966', 'hex')])
      assert.equal(hex(encodeSolicitation({ ip: other, iv: h(ivHex) })), expected.toString('hex'))
    }
  })

  it('rejects an address that is not dotted-quad IPv4, naming the option', () => {
    for (const bad of ['', 'localhost', '192.168.1', '192.168.1.256', '::1', 42]) {
      assert.throws(() => encodeSolicitation({ ip: bad as string }), (e: Error) => e instanceof RangeError && e.message.includes('options.ip'))
    }
  })
})

describe('discovery.json: layers checked against node:crypto', () => {
  it('55AA ECB bodies are AES-128-ECB(udpkey, PKCS#7(json))', () => {
    for (const c of deviceCases.filter((x) => x.framing === '55aa_ecb')) {
      const d = createDecipheriv('aes-128-ecb', UDP_KEY, null)
      assert.equal(Buffer.concat([d.update(h(c.body_hex!)), d.final()]).toString(), c.json_text)
    }
  })

  it('6699 plaintexts are retcode || json under AES-GCM(udpkey), AAD = bytes 4..18', () => {
    for (const c of deviceCases.filter((x) => x.framing === '6699_gcm')) {
      const frame = h(c.frame_hex)
      const d = createDecipheriv('aes-128-gcm', UDP_KEY, frame.subarray(18, 30))
      d.setAAD(frame.subarray(4, 18))
      d.setAuthTag(frame.subarray(frame.length - 20, frame.length - 4))
      const plain = Buffer.concat([d.update(frame.subarray(30, frame.length - 20)), d.final()])
      assert.equal(plain.toString('hex'), c.gcm_plaintext_hex)
      assert.equal(plain.subarray(4).toString(), c.json_text)
    }
  })
})
