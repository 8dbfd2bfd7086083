/**
 * AES-128-GCM (NIST SP 800-38D) for Tuya 3.5 frames, in pure JS: CTR on the small-table
 * block function of aes-round.ts, GHASH from ghash.ts (8-bit tables for busy keys, 4-bit
 * ones for the rest), so a frame costs its blocks and not a key setup. noble's `gcm()`
 * rebuilds both on every call, which dominated the cost of a 100-byte frame.
 * Cross-checked against node:crypto in the tests.
 */
import { blockOut, encryptBlock } from './aes-round.ts'
import { le32, putLe32, words } from './aes-block.ts'
import { allocBytes } from './alloc.ts'
import { ghash, ghashTable } from './ghash.ts'
import { encMaterial } from './key-material.ts'

const TAG_BYTES = 16

const bswap = (w: number): number => ((w & 0xff) << 24) | ((w & 0xff00) << 8) | ((w >>> 8) & 0xff00) | (w >>> 24)

/**
 * XORs the CTR keystream for counter blocks `iv || 2`, `iv || 3`, ... (inc32 of J0 = iv || 1)
 * into `b[0, length)`, in place.
 */
function ctrInPlace(xk: Int32Array, iv: Uint8Array, b: Uint8Array, length: number): void {
  const c0 = le32(iv, 0)
  const c1 = le32(iv, 4)
  const c2 = le32(iv, 8)
  const full = length & ~15
  const w = words(b)
  let counter = 2
  if (w !== undefined) {
    for (let i = 0; i < full >>> 2; i += 4) {
      encryptBlock(xk, c0, c1, c2, bswap(counter++))
      w[i] ^= blockOut[0]!
      w[i + 1] ^= blockOut[1]!
      w[i + 2] ^= blockOut[2]!
      w[i + 3] ^= blockOut[3]!
    }
  } else {
    for (let i = 0; i < full; i += 16) {
      encryptBlock(xk, c0, c1, c2, bswap(counter++))
      putLe32(b, i, le32(b, i) ^ blockOut[0]!)
      putLe32(b, i + 4, le32(b, i + 4) ^ blockOut[1]!)
      putLe32(b, i + 8, le32(b, i + 8) ^ blockOut[2]!)
      putLe32(b, i + 12, le32(b, i + 12) ^ blockOut[3]!)
    }
  }
  if (full < length) {
    encryptBlock(xk, c0, c1, c2, bswap(counter))
    putLe32(scratch, 0, blockOut[0]!)
    putLe32(scratch, 4, blockOut[1]!)
    putLe32(scratch, 8, blockOut[2]!)
    putLe32(scratch, 12, blockOut[3]!)
    for (let i = full; i < length; i++) b[i]! ^= scratch[i - full]!
  }
}

const scratch = new Uint8Array(16)
const state = new Int32Array(4)
const lengths = new Uint8Array(16)

/** GHASH(aad, ct) XOR E_K(J0), written to `out[at, at + 16)` (SP 800-38D §7.1 steps 5-6). */
function tagInto(xk: Int32Array, t: Int32Array, iv: Uint8Array, aad: Uint8Array | undefined, ct: Uint8Array, ctLength: number, out: Uint8Array, at: number): void {
  state.fill(0)
  const aadLength = aad === undefined ? 0 : aad.length
  if (aad !== undefined) ghash(t, state, aad, 0, aadLength)
  ghash(t, state, ct, 0, ctLength)
  // len(A) || len(C) in bits, each a 64-bit big-endian integer.
  putBe32(lengths, 0, Math.floor(aadLength / 0x20000000))
  putBe32(lengths, 4, aadLength * 8)
  putBe32(lengths, 8, Math.floor(ctLength / 0x20000000))
  putBe32(lengths, 12, ctLength * 8)
  ghash(t, state, lengths, 0, 16)
  encryptBlock(xk, le32(iv, 0), le32(iv, 4), le32(iv, 8), 0x01000000)
  putBe32(out, at, state[0]! ^ bswap(blockOut[0]!))
  putBe32(out, at + 4, state[1]! ^ bswap(blockOut[1]!))
  putBe32(out, at + 8, state[2]! ^ bswap(blockOut[2]!))
  putBe32(out, at + 12, state[3]! ^ bswap(blockOut[3]!))
}

function putBe32(b: Uint8Array, i: number, w: number): void {
  b[i] = w >>> 24
  b[i + 1] = w >>> 16
  b[i + 2] = w >>> 8
  b[i + 3] = w
}

/** AES-128-GCM encryption with a 12-byte IV: `ciphertext || tag` in one new array. */
export function gcmSeal(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array | undefined): Uint8Array {
  const xk = encMaterial(key)
  const t = ghashTable(xk)
  const n = plaintext.length
  const out = allocBytes(n + TAG_BYTES)
  out.set(plaintext)
  ctrInPlace(xk, iv, out, n)
  tagInto(xk, t, iv, aad, out, n, out, n)
  return out
}

const expected = new Uint8Array(TAG_BYTES)

/**
 * AES-128-GCM decryption: the tag is checked (in constant time) before any plaintext is
 * produced (SP 800-38D §7.2); `undefined` when it does not verify.
 */
export function gcmOpen(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array | undefined): Uint8Array | undefined {
  const xk = encMaterial(key)
  const t = ghashTable(xk)
  const n = sealed.length - TAG_BYTES
  tagInto(xk, t, iv, aad, sealed, n, expected, 0)
  let diff = 0
  for (let i = 0; i < TAG_BYTES; i++) diff |= expected[i]! ^ sealed[n + i]!
  if (diff !== 0) return undefined
  const out = allocBytes(n)
  // A loop, not set(subarray): no view object per frame (frames are small).
  for (let i = 0; i < n; i++) out[i] = sealed[i]!
  ctrInPlace(xk, iv, out, n)
  return out
}
