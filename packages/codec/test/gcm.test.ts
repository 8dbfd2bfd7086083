/**
 * The codec's AES-GCM (src/gcm.ts, under an imported key) against @tuya/crypto's
 * aesGcmEncrypt/Decrypt and node:crypto, on random keys, IVs, AAD and plaintexts, including
 * tampering, on both backends.
 */
import assert from 'node:assert/strict'
import { createCipheriv } from 'node:crypto'
import { describe, it } from 'node:test'
import { aesGcmDecrypt, aesGcmEncrypt, AuthenticationError, concatBytes, createKeyring, hexToBytes, nobleBackend } from '@tuya/crypto'
import { nodeCryptoBackend } from '@tuya/crypto/node'
import fc from 'fast-check'
import { gcmOpen, gcmSealInPlace } from '../src/gcm.ts'
import { hex, loadVector, runs } from './helpers.ts'

// Every key through one keyring per backend, as a connection holds its key.
const keyrings = [createKeyring({ backend: nobleBackend }), createKeyring({ backend: nodeCryptoBackend })]

function seal(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((s, p) => s + p.length, 0)
  const outs = keyrings.map((keyring) => {
    // The plaintext at an odd offset of a larger array, sealed where it lies, as in a frame.
    const buf = new Uint8Array(3 + n + 16 + 4).fill(0xee)
    buf.set(concatBytes(...parts), 3)
    gcmSealInPlace(keyring.key(key), iv, aad, buf, 3, n)
    assert.ok(buf.subarray(0, 3).every((b) => b === 0xee) && buf.subarray(3 + n + 16).every((b) => b === 0xee), 'writes only its range')
    return hex(buf.subarray(3, 3 + n + 16))
  })
  assert.equal(outs[1], outs[0])
  return hexToBytes(outs[0]!)
}

function open(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array {
  const outs = keyrings.map((keyring) => gcmOpen(keyring.key(key), iv, aad, sealed, 0, sealed.length))
  assert.equal(hex(outs[1]!), hex(outs[0]!))
  return outs[0]!
}

const input = fc.record({
  key: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  iv: fc.uint8Array({ minLength: 12, maxLength: 12 }),
  aad: fc.uint8Array({ maxLength: 40 }),
  parts: fc.array(fc.uint8Array({ maxLength: 70 }), { minLength: 1, maxLength: 3 }),
})

describe('keyed AES-GCM', () => {
  it('NIST SP 800-38D test case 4 (with AAD) and the shared crypto.json GCM vectors', () => {
    const key = hexToBytes('feffe9928665731c6d6a8f9467308308')
    const iv = hexToBytes('cafebabefacedbaddecaf888')
    const aad = hexToBytes('feedfacedeadbeeffeedfacedeadbeefabaddad2')
    const pt = hexToBytes('d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39')
    assert.equal(
      hex(seal(key, iv, aad, [pt])),
      '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091' + '5bc94fbc3221a5db94fae95ae7121a47',
    )
    const vectors = loadVector('crypto').aes_128_gcm as { key_hex: string; iv_hex: string; aad_hex: string; plaintext_hex: string; ciphertext_hex: string; tag_hex: string }[]
    assert.ok(vectors.length > 0)
    for (const v of vectors) {
      const sealed = seal(hexToBytes(v.key_hex), hexToBytes(v.iv_hex), hexToBytes(v.aad_hex), [hexToBytes(v.plaintext_hex)])
      assert.equal(hex(sealed), v.ciphertext_hex + v.tag_hex)
    }
  })
  it('agrees with @tuya/crypto and node:crypto, in both directions', () => {
    fc.assert(
      fc.property(input, ({ key, iv, aad, parts }) => {
        const pt = concatBytes(...parts)
        const ours = seal(key, iv, aad, parts)
        assert.equal(hex(ours), hex(aesGcmEncrypt(key, iv, pt, aad)))
        const node = createCipheriv('aes-128-gcm', key, iv)
        node.setAAD(aad)
        assert.equal(hex(ours), hex(concatBytes(node.update(pt), node.final(), node.getAuthTag())))
        assert.equal(hex(open(key, iv, aad, ours)), hex(pt))
        assert.equal(hex(aesGcmDecrypt(key, iv, ours, aad)), hex(pt))
      }),
      { numRuns: runs(200) },
    )
  })
  it('any flipped bit of ciphertext, tag or AAD fails authentication', () => {
    fc.assert(
      fc.property(input, fc.nat(), fc.nat({ max: 7 }), fc.boolean(), ({ key, iv, aad, parts }, at, bit, inAad) => {
        const sealed = seal(key, iv, aad, parts)
        const a = aad.slice()
        const s = sealed.slice()
        if (inAad && a.length > 0) a[at % a.length]! ^= 1 << bit
        else s[at % s.length]! ^= 1 << bit
        for (const keyring of keyrings) assert.throws(() => gcmOpen(keyring.key(key), iv, a, s, 0, s.length), AuthenticationError)
      }),
      { numRuns: runs(200) },
    )
  })
  it('keys are found by value: a key array changed in place gets its own imported key', () => {
    const key = new Uint8Array(16).fill(1)
    const iv = new Uint8Array(12)
    const first = seal(key, iv, new Uint8Array(0), [Uint8Array.of(1, 2, 3)])
    key[0] = 2
    const second = seal(key, iv, new Uint8Array(0), [Uint8Array.of(1, 2, 3)])
    assert.equal(hex(second), hex(aesGcmEncrypt(key, iv, Uint8Array.of(1, 2, 3))))
    assert.notEqual(hex(first), hex(second))
  })
})
