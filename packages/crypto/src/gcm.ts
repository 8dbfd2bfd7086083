/**
 * AES-128-GCM (NIST SP 800-38D) for Tuya 3.5 frames, in pure JS: CTR on the small-table
 * block function of aes-round.ts, and GHASH with per-key 8-bit tables (16 tables of 256 products, 64 KB)
 * cached for the most recently used keys, so a frame costs its blocks and not a key setup. noble's
 * `gcm()` rebuilds both on every call, which dominated the cost of a 100-byte frame.
 * Cross-checked against node:crypto in the tests.
 */
import { blockOut, encryptBlock } from './aes-round.ts'
import { le32, putLe32, words } from './aes-block.ts'
import { allocBytes } from './alloc.ts'
import { encMaterial } from './key-material.ts'

const TAG_BYTES = 16

const bswap = (w: number): number => ((w & 0xff) << 24) | ((w & 0xff00) << 8) | ((w >>> 8) & 0xff00) | (w >>> 24)

/**
 * The GHASH tables of H = E_K(0^128): entry (j, b) is H times the block whose only
 * non-zero byte is b at position j, as four big-endian words. GCM numbers bits from the
 * most significant bit of byte 0 (x^0), so multiplying by x is a right shift, reduced
 * with R = 0xE1 || 0^120 (SP 800-38D §6.3).
 */
function ghashTable(xk: Int32Array): Int32Array {
  encryptBlock(xk, 0, 0, 0, 0)
  let h0 = bswap(blockOut[0]!)
  let h1 = bswap(blockOut[1]!)
  let h2 = bswap(blockOut[2]!)
  let h3 = bswap(blockOut[3]!)
  const t = new Int32Array(16 * 256 * 4)
  for (let n = 0; n < 128; n++) {
    // H * x^n goes to byte position n / 8, bit value 0x80 >> (n % 8).
    const at = (((n >>> 3) << 8) | (0x80 >>> (n & 7))) << 2
    t[at] = h0
    t[at + 1] = h1
    t[at + 2] = h2
    t[at + 3] = h3
    const carry = h3 & 1
    h3 = (h3 >>> 1) | (h2 << 31)
    h2 = (h2 >>> 1) | (h1 << 31)
    h1 = (h1 >>> 1) | (h0 << 31)
    h0 = (h0 >>> 1) ^ (-carry & 0xe1000000)
  }
  // Multiplication is linear: every other byte value is the sum of its lowest bit and the rest.
  for (let j = 0; j < 16; j++) {
    for (let b = 3; b < 256; b++) {
      const low = b & -b
      if (low === b) continue
      const z = ((j << 8) | b) << 2
      const x = ((j << 8) | (b ^ low)) << 2
      const y = ((j << 8) | low) << 2
      t[z] = t[x]! ^ t[y]!
      t[z + 1] = t[x + 1]! ^ t[y + 1]!
      t[z + 2] = t[x + 2]! ^ t[y + 2]!
      t[z + 3] = t[x + 3]! ^ t[y + 3]!
    }
  }
  return t
}

const scratch = new Uint8Array(16)

/** Absorbs `p[pos, end)` into the GHASH state `z` (four big-endian words), zero-padding the last block. */
function ghash(t: Int32Array, z: Int32Array, p: Uint8Array, pos: number, end: number): void {
  let z0 = z[0]!
  let z1 = z[1]!
  let z2 = z[2]!
  let z3 = z[3]!
  let x0: number, x1: number, x2: number, x3: number, i: number
  while (pos < end) {
    let b = p
    let at = pos
    if (end - pos < 16) {
      scratch.fill(0).set(p.subarray(pos, end))
      b = scratch
      at = 0
    }
    x0 = z0 ^ ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!)
    x1 = z1 ^ ((b[at + 4]! << 24) | (b[at + 5]! << 16) | (b[at + 6]! << 8) | b[at + 7]!)
    x2 = z2 ^ ((b[at + 8]! << 24) | (b[at + 9]! << 16) | (b[at + 10]! << 8) | b[at + 11]!)
    x3 = z3 ^ ((b[at + 12]! << 24) | (b[at + 13]! << 16) | (b[at + 14]! << 8) | b[at + 15]!)
      i = ((x0 >>> 24) << 2)
      z0 = t[i]!
      z1 = t[i + 1]!
      z2 = t[i + 2]!
      z3 = t[i + 3]!
      i = 1024 | (((x0 >>> 16) & 255) << 2)
      z0 ^= t[i]!
      z1 ^= t[i + 1]!
      z2 ^= t[i + 2]!
      z3 ^= t[i + 3]!
      i = 2048 | (((x0 >>> 8) & 255) << 2)
      z0 ^= t[i]!
      z1 ^= t[i + 1]!
      z2 ^= t[i + 2]!
      z3 ^= t[i + 3]!
      i = 3072 | ((x0 & 255) << 2)
      z0 ^= t[i]!
      z1 ^= t[i + 1]!
      z2 ^= t[i + 2]!
      z3 ^= t[i + 3]!
      i = 4096 | ((x1 >>> 24) << 2)
      z0 ^= t[i]!
      z1 ^= t[i + 1]!
      z2 ^= t[i + 2]!
      z3 ^= t[i + 3]!
      i = 5120 | (((x1 >>> 16) & 255) << 2)
      z0 ^= t[i]!
      z1 ^= t[i + 1]!
      z2 ^= t[i + 2]!
      z3 ^= t[i + 3]!
      i = 6144 | (((x1 >>> 8) & 255) << 2)
      z0 ^= t[i]!
      z1 ^= t[i + 1]!
      z2 ^= t[i + 2]!
      z3 ^= t[i + 3]!
      i = 7168 | ((x1 & 255) << 2)
      z0 ^= t[i]!
      z1 ^= t[i + 1]!
      z2 ^= t[i + 2]!
      z3 ^= t[i + 3]!
      i = 8192 | ((x2 >>> 24) << 2)
      z0 ^= t[i]!
      z1 ^= t[i + 1]!
      z2 ^= t[i + 2]!
      z3 ^= t[i + 3]!
      i = 9216 | (((x2 >>> 16) & 255) << 2)
      z0 ^= t[i]!
      z1 ^= t[i + 1]!
      z2 ^= t[i + 2]!
      z3 ^= t[i + 3]!
      i = 10240 | (((x2 >>> 8) & 255) << 2)
      z0 ^= t[i]!
      z1 ^= t[i + 1]!
      z2 ^= t[i + 2]!
      z3 ^= t[i + 3]!
      i = 11264 | ((x2 & 255) << 2)
      z0 ^= t[i]!
      z1 ^= t[i + 1]!
      z2 ^= t[i + 2]!
      z3 ^= t[i + 3]!
      i = 12288 | ((x3 >>> 24) << 2)
      z0 ^= t[i]!
      z1 ^= t[i + 1]!
      z2 ^= t[i + 2]!
      z3 ^= t[i + 3]!
      i = 13312 | (((x3 >>> 16) & 255) << 2)
      z0 ^= t[i]!
      z1 ^= t[i + 1]!
      z2 ^= t[i + 2]!
      z3 ^= t[i + 3]!
      i = 14336 | (((x3 >>> 8) & 255) << 2)
      z0 ^= t[i]!
      z1 ^= t[i + 1]!
      z2 ^= t[i + 2]!
      z3 ^= t[i + 3]!
      i = 15360 | ((x3 & 255) << 2)
      z0 ^= t[i]!
      z1 ^= t[i + 1]!
      z2 ^= t[i + 2]!
      z3 ^= t[i + 3]!
    pos += 16
  }
  z[0] = z0
  z[1] = z1
  z[2] = z2
  z[3] = z3
}

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

// A GHASH table is 64 KB, so caching one per key for good would cost a fleet of 3.5 devices
// 128 KB per device (a local key and a session key each). At most MAX_TABLES keys hold one at
// a time (2 MB in all); the oldest gives its table up and rebuilds it when used again, which
// costs a few tens of µs: nothing for a device that sends a frame every few seconds. Tables
// belong to a key's material (key-material.ts), in insertion order: the first is the oldest.
// A material that grew (a 3.5 local key gains its HMAC pads during the handshake), or another
// array holding the same key, shares the table instead of building a second one.
const MAX_TABLES = 32
const tables = new Map<Int32Array, Int32Array>()
let lastOwner: Int32Array | undefined
let lastTable: Int32Array | undefined

/** The GHASH table of the key whose round keys are `xk`. */
function tableFor(xk: Int32Array): Int32Array {
  if (xk === lastOwner) return lastTable!
  let t = tables.get(xk)
  if (t === undefined) {
    t = sameKeyTable(xk) ?? ghashTable(xk)
    tables.set(xk, t)
    if (tables.size > MAX_TABLES) tables.delete(tables.keys().next().value!)
  }
  lastOwner = xk
  lastTable = t
  return t
}

/** The cached table of another material with the same key (words 0-3), if any. */
function sameKeyTable(xk: Int32Array): Int32Array | undefined {
  for (const [m, t] of tables) {
    if (m[0] === xk[0] && m[1] === xk[1] && m[2] === xk[2] && m[3] === xk[3]) return t
  }
  return undefined
}

/** AES-128-GCM encryption with a 12-byte IV: `ciphertext || tag` in one new array. */
export function gcmSeal(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array | undefined): Uint8Array {
  const xk = encMaterial(key)
  const t = tableFor(xk)
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
  const t = tableFor(xk)
  const n = sealed.length - TAG_BYTES
  tagInto(xk, t, iv, aad, sealed, n, expected, 0)
  let diff = 0
  for (let i = 0; i < TAG_BYTES; i++) diff |= expected[i]! ^ sealed[n + i]!
  if (diff !== 0) return undefined
  const out = allocBytes(n)
  out.set(sealed.subarray(0, n))
  ctrInPlace(xk, iv, out, n)
  return out
}
