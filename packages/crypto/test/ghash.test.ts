/**
 * GHASH's two table kinds (ghash.ts): 4-bit tables for most keys, 8-bit tables for keys that
 * are busy. Both must give node:crypto's AES-128-GCM bytes; which keys turn hot is checked
 * for the traffic shapes it was made for (one busy connection, a fleet of idle ones).
 */
import assert from 'node:assert/strict'
import { createCipheriv, createDecipheriv } from 'node:crypto'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { aesGcmDecrypt, aesGcmEncrypt, AuthenticationError } from '../src/index.ts'
import { HOT_AFTER_USES, isHot } from '../src/ghash.ts'
import { encMaterial } from '../src/key-material.ts'

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')

function nodeSeal(key: Uint8Array, iv: Uint8Array, data: Uint8Array, aad: Uint8Array | undefined): string {
  const c = createCipheriv('aes-128-gcm', key, iv)
  if (aad !== undefined) c.setAAD(aad)
  const head = c.update(data)
  const tail = c.final()
  return hex(head) + hex(tail) + hex(c.getAuthTag())
}

function nodeOpen(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array | undefined): string {
  const d = createDecipheriv('aes-128-gcm', key, iv)
  if (aad !== undefined) d.setAAD(aad)
  d.setAuthTag(sealed.subarray(sealed.length - 16))
  return hex(d.update(sealed.subarray(0, sealed.length - 16))) + hex(d.final())
}

/** A key no other test uses (distinct bytes per call). */
let serial = 0
function freshKey(): Uint8Array {
  const key = new Uint8Array(16)
  new DataView(key.buffer).setUint32(0, ++serial)
  key[15] = 0xa5
  return key
}

const iv = Uint8Array.from({ length: 12 }, (_, i) => 3 * i + 1)

describe('GHASH tables (ghash.ts)', () => {
  it('a key used once or twice stays on the 4-bit table and matches node:crypto', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 100 }), fc.option(fc.uint8Array({ maxLength: 40 }), { nil: undefined }), (key, data, aad) => {
      const sealed = aesGcmEncrypt(key, iv, data, aad)
      assert.equal(hex(sealed), nodeSeal(key, iv, data, aad))
      assert.equal(hex(aesGcmDecrypt(key, iv, sealed, aad)), hex(data))
      assert.equal(isHot(encMaterial(key)), false)
    }), { numRuns: 300 })
  })

  it(`a busy key gets 8-bit tables after ${HOT_AFTER_USES} uses, and the bytes do not change`, () => {
    const key = freshKey()
    let hotAt = -1
    for (let i = 0; i < 3 * HOT_AFTER_USES; i++) {
      const data = Uint8Array.from({ length: i * 3 }, (_, j) => (i * 31 + j) & 0xff)
      const aad = i % 2 === 0 ? data.subarray(0, i % 20) : undefined
      const sealed = aesGcmEncrypt(key, iv, data, aad)
      assert.equal(hex(sealed), nodeSeal(key, iv, data, aad), `seal ${i}`)
      assert.equal(hex(aesGcmDecrypt(key, iv, sealed, aad)), nodeOpen(key, iv, sealed, aad), `open ${i}`)
      if (hotAt < 0 && isHot(encMaterial(key))) hotAt = i
    }
    // Two uses per round (seal, open): hot during round HOT_AFTER_USES / 2 - 1, or a few rounds
    // later if the periodic halving of the use counts (every 64 cold uses, process-wide) fell in between.
    assert.ok(hotAt >= HOT_AFTER_USES / 2 - 1 && hotAt < HOT_AFTER_USES, `hot at round ${hotAt}`)
  })

  it('two connections in turn both turn hot; a tampered tag fails on either table', () => {
    const [a, b] = [freshKey(), freshKey()]
    const data = new Uint8Array(64).fill(7)
    for (let i = 0; i < 2 * HOT_AFTER_USES; i++) for (const key of [a, b]) aesGcmEncrypt(key, iv, data, undefined)
    assert.ok(isHot(encMaterial(a)) && isHot(encMaterial(b)))
    const cold = freshKey()
    for (const key of [a, cold]) {
      const sealed = aesGcmEncrypt(key, iv, data, undefined)
      sealed[sealed.length - 1]! ^= 1
      assert.throws(() => aesGcmDecrypt(key, iv, sealed, undefined), AuthenticationError)
    }
    assert.equal(isHot(encMaterial(cold)), false)
  })

  it('a fleet of idle devices (100 keys, each sealing and opening in turn) never builds 8-bit tables', () => {
    const keys = Array.from({ length: 100 }, freshKey)
    const data = new Uint8Array(20).fill(1)
    for (let round = 0; round < 20; round++) {
      for (const key of keys) {
        const sealed = aesGcmEncrypt(key, iv, data, data.subarray(0, 14))
        assert.equal(hex(aesGcmDecrypt(key, iv, sealed, data.subarray(0, 14))), hex(data))
      }
    }
    assert.equal(keys.filter((k) => isHot(encMaterial(k))).length, 0)
  })
})
