/**
 * SHA-256 compression (FIPS 180-4 §6.2) and a keyed HMAC-SHA256 (RFC 2104) built on it for
 * the 3.4 frame trailer. The key pads are compressed once per key; each MAC then runs the
 * message straight from the caller's arrays (no copy, no per-call hash objects), which is
 * what costs most for the ~100-byte frames Tuya devices send.
 * Cross-checked against node:crypto in the tests.
 */
import { allocBytes } from './alloc.ts'

// FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const K = /* @__PURE__ */ new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
])
// FIPS 180-4 §5.3.3: the initial hash value.
const IV = /* @__PURE__ */ new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19])

const BLOCK = 64
// Scratch space, shared: every function below runs to completion synchronously.
const W = new Int32Array(64)
const tail = new Uint8Array(2 * BLOCK)

/** Compresses the whole 64-byte blocks of `p[pos, end)` into `st`; returns where it stopped. */
function compress(st: Int32Array, p: Uint8Array, pos: number, end: number): number {
  let a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number
  let i: number, j: number, u: number, t1: number, t2: number
  while (end - pos >= BLOCK) {
    for (i = 0; i < 16; i++) {
      j = pos + 4 * i
      W[i] = (p[j]! << 24) | (p[j + 1]! << 16) | (p[j + 2]! << 8) | p[j + 3]!
    }
    for (i = 16; i < 64; i++) {
      u = W[i - 2]!
      t1 = ((u >>> 17) | (u << 15)) ^ ((u >>> 19) | (u << 13)) ^ (u >>> 10)
      u = W[i - 15]!
      t2 = ((u >>> 7) | (u << 25)) ^ ((u >>> 18) | (u << 14)) ^ (u >>> 3)
      W[i] = (t1 + W[i - 7]! + t2 + W[i - 16]!) | 0
    }
    a = st[0]!
    b = st[1]!
    c = st[2]!
    d = st[3]!
    e = st[4]!
    f = st[5]!
    g = st[6]!
    h = st[7]!
    for (i = 0; i < 64; i++) {
      // Ch and Maj in their 3-operation forms; the sums stay below 2^35, exact in a double.
      t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + K[i]! + W[i]!) | 0
      t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) ^ (c & (a ^ b)))) | 0
      h = g
      g = f
      f = e
      e = (d + t1) | 0
      d = c
      c = b
      b = a
      a = (t1 + t2) | 0
    }
    st[0] = (st[0]! + a) | 0
    st[1] = (st[1]! + b) | 0
    st[2] = (st[2]! + c) | 0
    st[3] = (st[3]! + d) | 0
    st[4] = (st[4]! + e) | 0
    st[5] = (st[5]! + f) | 0
    st[6] = (st[6]! + g) | 0
    st[7] = (st[7]! + h) | 0
    pos += BLOCK
  }
  return pos
}

/**
 * Hashes `parts` (after `prefixBlocks` whole blocks already in `st`) and writes the 32-byte
 * digest into `out`. `st` is consumed.
 */
function finish(st: Int32Array, prefixBlocks: number, parts: readonly Uint8Array[], out: Uint8Array): void {
  let buffered = 0
  let total = 0
  for (const p of parts) {
    total += p.length
    let pos = 0
    if (buffered > 0) {
      const take = Math.min(BLOCK - buffered, p.length)
      tail.set(take === p.length ? p : p.subarray(0, take), buffered)
      buffered += take
      pos = take
      if (buffered < BLOCK) continue
      compress(st, tail, 0, BLOCK)
      buffered = 0
    }
    pos = compress(st, p, pos, p.length)
    if (pos < p.length) {
      tail.set(pos === 0 ? p : p.subarray(pos), 0)
      buffered = p.length - pos
    }
  }
  // FIPS 180-4 §5.1.1: 0x80, zeros, then the message length in bits as a 64-bit big-endian integer.
  const padded = buffered + 9 <= BLOCK ? BLOCK : 2 * BLOCK
  tail[buffered] = 0x80
  tail.fill(0, buffered + 1, padded - 8)
  const bits = (prefixBlocks * BLOCK + total) * 8
  const hi = Math.floor(bits / 0x100000000)
  writeU32(tail, padded - 8, hi)
  writeU32(tail, padded - 4, bits >>> 0)
  compress(st, tail, 0, padded)
  for (let i = 0; i < 8; i++) writeU32(out, 4 * i, st[i]!)
}

function writeU32(b: Uint8Array, i: number, v: number): void {
  b[i] = v >>> 24
  b[i + 1] = v >>> 16
  b[i + 2] = v >>> 8
  b[i + 3] = v
}

/** SHA-256 of the concatenation of `parts` (32 bytes). */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(32)
  finish(IV.slice(), 0, parts, out)
  return out
}

/** Words of the HMAC-SHA256 pad states of one key: the compressed inner pad, then the outer. */
export const HMAC_PAD_WORDS = 16

/**
 * Compresses the HMAC-SHA256 inner and outer pads of `key` (RFC 2104 §2; any length, longer
 * than 64 bytes is hashed first) into `out[at, at + 16)`.
 */
export function hmacPadsInto(key: Uint8Array, out: Int32Array, at: number): void {
  const k = key.length > BLOCK ? sha256(key) : key
  padState(k, 0x36, out, at)
  padState(k, 0x5c, out, at + 8)
}

const state = new Int32Array(8)

/** The SHA-256 state after compressing the block `k XOR byte` (k zero-padded to 64 bytes), into `out[at, at + 8)`. */
function padState(k: Uint8Array, byte: number, out: Int32Array, at: number): void {
  const pad = tail.fill(0, 0, BLOCK)
  pad.set(k)
  for (let i = 0; i < BLOCK; i++) pad[i]! ^= byte
  state.set(IV)
  compress(state, pad, 0, BLOCK)
  pad.fill(0, 0, BLOCK)
  for (let i = 0; i < 8; i++) out[at + i] = state[i]!
}

/**
 * HMAC-SHA256 of the concatenation of `parts` under the pad states in `pads[at, at + 16)`
 * (see {@link hmacPadsInto}); 32 bytes.
 */
export function hmacWithPads(pads: Int32Array, at: number, parts: readonly Uint8Array[]): Uint8Array {
  const out = allocBytes(32)
  for (let i = 0; i < 8; i++) state[i] = pads[at + i]!
  finish(state, 1, parts, out)
  for (let i = 0; i < 8; i++) state[i] = pads[at + 8 + i]!
  finish(state, 1, [out], out)
  return out
}
