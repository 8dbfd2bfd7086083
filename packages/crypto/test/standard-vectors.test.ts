/**
 * Published test vectors, run through this package's own functions on both backends and on
 * every runtime: Wycheproof AES-GCM (96-bit IV, 128-bit key and tag) and HMAC-SHA256,
 * RFC 4231, FIPS 197, FIPS 180-4 and the NIST CAVP SHA-256 short messages, RFC 1321. Each
 * file in test/vectors/ names its source and the subset it holds.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { aesEcbDecrypt, aesEcbEncrypt, aesGcmDecrypt, aesGcmEncrypt, AuthenticationError, bytesToHex, createKeyring, hexToBytes, hmacSha256, md5, nobleBackend, sha256, utf8ToBytes, type KeyOrCipher } from '../src/index.ts'
import { nodeCryptoBackend } from '../src/node.ts'

const load = (name: string) => JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8'))
const h = hexToBytes
const hex = bytesToHex

interface GcmCase { tcId: number; key: string; iv: string; aad: string; msg: string; ct: string; tag: string; result: 'valid' | 'invalid' }
interface MacCase { tcId: number; key: string; msg: string; tag: string; result: 'valid' | 'invalid' }

const gcm = load('wycheproof-aes-gcm.json') as { tests: GcmCase[] }
const mac = load('wycheproof-hmac-sha256.json') as { tests: MacCase[] }

// Each vector goes through a one-off call (raw key bytes) and through a key imported into
// each backend, the way a connection's frames use it.
const variants: [string, (key: Uint8Array) => KeyOrCipher][] = [
  ['key bytes', (k) => k],
  ['noble keyring', (k) => createKeyring({ backend: nobleBackend }).key(k)],
  ['node:crypto keyring', (k) => createKeyring({ backend: nodeCryptoBackend }).key(k)],
]

for (const [label, keyOf] of variants) {
  describe(`standard vectors (${label})`, () => {
    it(`Wycheproof AES-GCM: ${gcm.tests.length} cases, valid ones seal and open, modified tags are rejected`, () => {
      assert.ok(gcm.tests.length >= 40)
      for (const v of gcm.tests) {
        const key = keyOf(h(v.key))
        const sealed = h(v.ct + v.tag)
        if (v.result === 'valid') {
          assert.equal(hex(aesGcmEncrypt(key, h(v.iv), h(v.msg), h(v.aad))), v.ct + v.tag, `tcId ${v.tcId} seal`)
          assert.equal(hex(aesGcmDecrypt(key, h(v.iv), sealed, h(v.aad))), v.msg, `tcId ${v.tcId} open`)
        } else {
          assert.throws(() => aesGcmDecrypt(key, h(v.iv), sealed, h(v.aad)), AuthenticationError, `tcId ${v.tcId} must not open`)
        }
      }
    })
    it(`Wycheproof HMAC-SHA256: ${mac.tests.length} cases`, () => {
      for (const v of mac.tests) {
        const out = hex(hmacSha256(keyOf(h(v.key)), h(v.msg)))
        if (v.result === 'valid') assert.equal(out, v.tag, `tcId ${v.tcId}`)
        else assert.notEqual(out, v.tag, `tcId ${v.tcId}`)
      }
    })
    it('RFC 4231 test cases 1-7', () => {
      const rfc = load('rfc4231-hmac-sha256.json') as { tests: { case: number; key: string; data: string; hmac_sha256: string; truncate_to_bytes?: number }[] }
      assert.equal(rfc.tests.length, 7)
      for (const v of rfc.tests) {
        const out = hmacSha256(keyOf(h(v.key)), h(v.data))
        assert.equal(hex(out.subarray(0, v.truncate_to_bytes ?? 32)), v.hmac_sha256, `case ${v.case}`)
      }
    })
    it('FIPS 197 AES-128 block examples, both directions', () => {
      for (const v of load('fips197-aes128.json').tests as { name: string; key: string; plaintext: string; ciphertext: string }[]) {
        const key = keyOf(h(v.key))
        assert.equal(hex(aesEcbEncrypt(key, h(v.plaintext), { padding: false })), v.ciphertext, v.name)
        assert.equal(hex(aesEcbDecrypt(key, h(v.ciphertext), { padding: false })), v.plaintext, v.name)
      }
    })
  })
}

describe('standard vectors (hashes)', () => {
  it('FIPS 180-4 SHA-256 examples and NIST CAVP SHA256ShortMsg', () => {
    const nist = load('nist-sha256.json') as { fips180_4_examples: { text: string; md: string }[]; cavp_short_msg: { len_bits: number; msg: string; md: string }[] }
    for (const v of nist.fips180_4_examples) assert.equal(hex(sha256(utf8ToBytes(v.text))), v.md, v.text)
    assert.ok(nist.cavp_short_msg.length >= 50)
    for (const v of nist.cavp_short_msg) assert.equal(hex(sha256(h(v.msg).subarray(0, v.len_bits / 8))), v.md, `Len = ${v.len_bits}`)
  })
  it('RFC 1321 MD5 test suite', () => {
    const suite = load('rfc1321-md5.json').tests as { text: string; md5: string }[]
    assert.equal(suite.length, 7)
    for (const v of suite) assert.equal(hex(md5(utf8ToBytes(v.text))), v.md5, JSON.stringify(v.text))
  })
})
