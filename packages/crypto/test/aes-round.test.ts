/**
 * The small-table AES block functions against FIPS 197's worked example and against
 * @noble/ciphers' own block functions on the same expanded keys (random keys and blocks).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { unsafe } from '@noble/ciphers/aes.js'
import fc from 'fast-check'
import { blockOut, decryptBlock, encryptBlock } from '../src/aes-round.ts'

const le = (b: Uint8Array, i: number): number => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)
const hex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g)!, (h) => parseInt(h, 16))

function outBytes(): Uint8Array {
  return new Uint8Array(Int32Array.from(blockOut).buffer)
}

describe('AES block functions (aes-round.ts)', () => {
  it('FIPS 197 appendix C.1 (AES-128), both directions', () => {
    const key = hex('000102030405060708090a0b0c0d0e0f')
    const plain = hex('00112233445566778899aabbccddeeff')
    const cipher = '69c4e0d86a7b0430d8cdb78070b4c55a'
    encryptBlock(unsafe.expandKeyLE(key), le(plain, 0), le(plain, 4), le(plain, 8), le(plain, 12))
    assert.deepEqual(outBytes(), hex(cipher))
    const c = hex(cipher)
    decryptBlock(unsafe.expandKeyDecLE(key), le(c, 0), le(c, 4), le(c, 8), le(c, 12))
    assert.deepEqual(outBytes(), plain)
  })

  it('agrees with @noble/ciphers unsafe.encrypt / decrypt on random keys and blocks', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.array(fc.integer(), { minLength: 4, maxLength: 4 }), (key, [a, b, c, d]) => {
        const s = [a! | 0, b! | 0, c! | 0, d! | 0] as const
        const xk = unsafe.expandKeyLE(key)
        const theirs = unsafe.encrypt(xk, ...s)
        encryptBlock(xk, ...s)
        assert.deepEqual([...blockOut], [theirs.s0 | 0, theirs.s1 | 0, theirs.s2 | 0, theirs.s3 | 0])
        const dk = unsafe.expandKeyDecLE(key)
        const back = unsafe.decrypt(dk, ...s)
        decryptBlock(dk, ...s)
        assert.deepEqual([...blockOut], [back.s0 | 0, back.s1 | 0, back.s2 | 0, back.s3 | 0])
      }),
      { numRuns: 2000 },
    )
  })
})
