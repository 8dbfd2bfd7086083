/**
 * The small-table AES block functions and key expansion against FIPS 197's worked example and
 * against @noble/ciphers' own key expansion and block functions (random keys and blocks).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { unsafe } from '@noble/ciphers/aes.js'
import fc from 'fast-check'
import { blockOut, decryptBlock, encryptBlock, expandKeyInto, invertKeyInto } from '../src/aes-round.ts'

const le = (b: Uint8Array, i: number): number => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)
const hex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g)!, (h) => parseInt(h, 16))

/** Our encryption round keys at 0 and decryption round keys at 44, in one array. */
function schedules(key: Uint8Array): Int32Array {
  const xk = new Int32Array(88)
  expandKeyInto(key, xk)
  invertKeyInto(xk, 44)
  return xk
}
const i32 = (u: Uint32Array): number[] => [...new Int32Array(u.buffer, u.byteOffset, u.length)]

function outBytes(): Uint8Array {
  return new Uint8Array(Int32Array.from(blockOut).buffer)
}

describe('AES block functions (aes-round.ts)', () => {
  it('FIPS 197 appendix C.1 (AES-128), both directions', () => {
    const key = hex('000102030405060708090a0b0c0d0e0f')
    const plain = hex('00112233445566778899aabbccddeeff')
    const cipher = '69c4e0d86a7b0430d8cdb78070b4c55a'
    const xk = schedules(key)
    // FIPS 197 appendix A.1 (a different key): the last round key of the expansion.
    const a1 = schedules(hex('2b7e151628aed2a6abf7158809cf4f3c'))
    assert.deepEqual([...a1.subarray(40, 44)].map((w) => (w >>> 0).toString(16)), ['a8f914d0', '8925eec9', 'c80c3fe1', 'a60c63b6'])
    encryptBlock(xk, le(plain, 0), le(plain, 4), le(plain, 8), le(plain, 12))
    assert.deepEqual(outBytes(), hex(cipher))
    const c = hex(cipher)
    decryptBlock(xk, 44, le(c, 0), le(c, 4), le(c, 8), le(c, 12))
    assert.deepEqual(outBytes(), plain)
  })

  it('expands keys exactly as @noble/ciphers expandKeyLE / expandKeyDecLE', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 0, max: 3 }), (key, shift) => {
        const big = new Uint8Array(19)
        big.set(key, shift)
        const xk = schedules(big.subarray(shift, shift + 16))
        assert.deepEqual([...xk.subarray(0, 44)], i32(unsafe.expandKeyLE(key)))
        assert.deepEqual([...xk.subarray(44)], i32(unsafe.expandKeyDecLE(key)))
      }),
      { numRuns: 500 },
    )
  })

  it('agrees with @noble/ciphers unsafe.encrypt / decrypt on random keys and blocks', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.array(fc.integer(), { minLength: 4, maxLength: 4 }), (key, [a, b, c, d]) => {
        const s = [a! | 0, b! | 0, c! | 0, d! | 0] as const
        const xk = unsafe.expandKeyLE(key)
        const theirs = unsafe.encrypt(xk, ...s)
        encryptBlock(new Int32Array(xk.buffer), ...s)
        assert.deepEqual([...blockOut], [theirs.s0 | 0, theirs.s1 | 0, theirs.s2 | 0, theirs.s3 | 0])
        const dk = unsafe.expandKeyDecLE(key)
        const back = unsafe.decrypt(dk, ...s)
        decryptBlock(new Int32Array(dk.buffer), 0, ...s)
        assert.deepEqual([...blockOut], [back.s0 | 0, back.s1 | 0, back.s2 | 0, back.s3 | 0])
      }),
      { numRuns: 2000 },
    )
  })
})
