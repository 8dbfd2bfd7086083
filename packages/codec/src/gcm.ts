/**
 * AES-128-GCM for 6699 frames with per-key state (NIST SP 800-38D, 96-bit IVs only).
 *
 * Why it is here: `@tuya/crypto`'s aesGcmEncrypt/Decrypt (noble) rebuild the GHASH tables on
 * every call, which costs more than the whole rest of a frame (about 4x OpenSSL for a
 * 100-byte frame). A Tuya connection uses one key for thousands of frames, so this module
 * keeps H's multiplication tables per key and gets the AES keystream from @tuya/crypto's
 * AES-ECB (whose key schedule is cached there too). It reads AAD and ciphertext in place
 * and writes the ciphertext straight into the frame. Tests cross-check it against
 * @tuya/crypto and node:crypto. Candidate for a `createAesGcm(key)` in @tuya/crypto.
 */
import { aesEcbEncrypt, AuthenticationError } from '@tuya/crypto'
import { readU32, writeU32 } from './bytes.ts'

const BLOCK = 16

/**
 * GHASH multiplication tables of one key: for byte position i (0..15) and byte value b,
 * T[(i * 256 + b) * 4 .. +4] = (b at position i) · H as four big-endian 32-bit words.
 * 64 KB per key, built once (PROTOCOL.md: one key per connection).
 */
interface GcmKey {
  readonly copy: Uint8Array
  readonly key: Uint8Array
  readonly table: Uint32Array
}

const keys = new WeakMap<Uint8Array, GcmKey>()

function gcmKey(key: Uint8Array): GcmKey {
  const hit = keys.get(key)
  if (hit !== undefined && sameBytes(hit.copy, key)) return hit
  const h = aesEcbEncrypt(key, new Uint8Array(BLOCK), { padding: false })
  const entry: GcmKey = { copy: key.slice(), key, table: buildTable(h) }
  keys.set(key, entry)
  return entry
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (a[i] !== b[i]) return false
  return a.length === b.length
}

function buildTable(h: Uint8Array): Uint32Array {
  // P[k] = H · x^k for k = 0..127; multiplying by x is a right shift in GCM's bit order,
  // with the reduction polynomial folded in as 0xE1 in the top byte.
  const p = new Uint32Array(128 * 4)
  let w0 = readU32(h, 0)
  let w1 = readU32(h, 4)
  let w2 = readU32(h, 8)
  let w3 = readU32(h, 12)
  for (let k = 0; k < 128; k++) {
    p[k * 4] = w0
    p[k * 4 + 1] = w1
    p[k * 4 + 2] = w2
    p[k * 4 + 3] = w3
    const carry = w3 & 1
    w3 = ((w3 >>> 1) | (w2 << 31)) >>> 0
    w2 = ((w2 >>> 1) | (w1 << 31)) >>> 0
    w1 = ((w1 >>> 1) | (w0 << 31)) >>> 0
    w0 = (w0 >>> 1) ^ (carry ? 0xe1000000 : 0)
  }
  const t = new Uint32Array(16 * 256 * 4)
  for (let i = 0; i < 16; i++) {
    const base = i * 256 * 4
    for (let b = 1; b < 256; b++) {
      const low = b & -b // lowest set bit: coefficient x^(8i + 7 - log2(low))
      const j = 8 * i + 7 - (31 - Math.clz32(low))
      const rest = base + (b ^ low) * 4
      const at = base + b * 4
      t[at] = t[rest]! ^ p[j * 4]!
      t[at + 1] = t[rest + 1]! ^ p[j * 4 + 1]!
      t[at + 2] = t[rest + 2]! ^ p[j * 4 + 2]!
      t[at + 3] = t[rest + 3]! ^ p[j * 4 + 3]!
    }
  }
  return t
}

/** GHASH state: Y as four big-endian words. */
class Ghash {
  y0 = 0
  y1 = 0
  y2 = 0
  y3 = 0
  readonly t: Uint32Array
  constructor(t: Uint32Array) {
    this.t = t
  }

  /** Absorbs `data[start:end]`, zero-padded to whole blocks. */
  update(data: Uint8Array, start: number, end: number): void {
    let i = start
    for (; i + BLOCK <= end; i += BLOCK) this.#mul(readU32(data, i), readU32(data, i + 4), readU32(data, i + 8), readU32(data, i + 12))
    if (i < end) {
      const last = new Uint8Array(BLOCK)
      last.set(data.subarray(i, end))
      this.#mul(readU32(last, 0), readU32(last, 4), readU32(last, 8), readU32(last, 12))
    }
  }

  /** Absorbs the length block: bit lengths of AAD and ciphertext (both < 2^32 bytes here). */
  lengths(aadBytes: number, ctBytes: number): void {
    this.#mul(Math.floor(aadBytes / 0x20000000), (aadBytes * 8) >>> 0, Math.floor(ctBytes / 0x20000000), (ctBytes * 8) >>> 0)
  }

  /** Y = (Y ^ X) · H: one table lookup per byte of Y ^ X (unrolled: this is the hot loop). */
  #mul(x0: number, x1: number, x2: number, x3: number): void {
    const t = this.t
    const a = this.y0 ^ x0
    const b = this.y1 ^ x1
    const c = this.y2 ^ x2
    const d = this.y3 ^ x3
    let z0 = 0
    let z1 = 0
    let z2 = 0
    let z3 = 0
    let p = 0
    p = (a >>> 24) << 2
    z0 ^= t[p]!; z1 ^= t[p + 1]!; z2 ^= t[p + 2]!; z3 ^= t[p + 3]!
    p = (256 + ((a >>> 16) & 255)) << 2
    z0 ^= t[p]!; z1 ^= t[p + 1]!; z2 ^= t[p + 2]!; z3 ^= t[p + 3]!
    p = (512 + ((a >>> 8) & 255)) << 2
    z0 ^= t[p]!; z1 ^= t[p + 1]!; z2 ^= t[p + 2]!; z3 ^= t[p + 3]!
    p = (768 + (a & 255)) << 2
    z0 ^= t[p]!; z1 ^= t[p + 1]!; z2 ^= t[p + 2]!; z3 ^= t[p + 3]!
    p = (1024 + (b >>> 24)) << 2
    z0 ^= t[p]!; z1 ^= t[p + 1]!; z2 ^= t[p + 2]!; z3 ^= t[p + 3]!
    p = (1280 + ((b >>> 16) & 255)) << 2
    z0 ^= t[p]!; z1 ^= t[p + 1]!; z2 ^= t[p + 2]!; z3 ^= t[p + 3]!
    p = (1536 + ((b >>> 8) & 255)) << 2
    z0 ^= t[p]!; z1 ^= t[p + 1]!; z2 ^= t[p + 2]!; z3 ^= t[p + 3]!
    p = (1792 + (b & 255)) << 2
    z0 ^= t[p]!; z1 ^= t[p + 1]!; z2 ^= t[p + 2]!; z3 ^= t[p + 3]!
    p = (2048 + (c >>> 24)) << 2
    z0 ^= t[p]!; z1 ^= t[p + 1]!; z2 ^= t[p + 2]!; z3 ^= t[p + 3]!
    p = (2304 + ((c >>> 16) & 255)) << 2
    z0 ^= t[p]!; z1 ^= t[p + 1]!; z2 ^= t[p + 2]!; z3 ^= t[p + 3]!
    p = (2560 + ((c >>> 8) & 255)) << 2
    z0 ^= t[p]!; z1 ^= t[p + 1]!; z2 ^= t[p + 2]!; z3 ^= t[p + 3]!
    p = (2816 + (c & 255)) << 2
    z0 ^= t[p]!; z1 ^= t[p + 1]!; z2 ^= t[p + 2]!; z3 ^= t[p + 3]!
    p = (3072 + (d >>> 24)) << 2
    z0 ^= t[p]!; z1 ^= t[p + 1]!; z2 ^= t[p + 2]!; z3 ^= t[p + 3]!
    p = (3328 + ((d >>> 16) & 255)) << 2
    z0 ^= t[p]!; z1 ^= t[p + 1]!; z2 ^= t[p + 2]!; z3 ^= t[p + 3]!
    p = (3584 + ((d >>> 8) & 255)) << 2
    z0 ^= t[p]!; z1 ^= t[p + 1]!; z2 ^= t[p + 2]!; z3 ^= t[p + 3]!
    p = (3840 + (d & 255)) << 2
    z0 ^= t[p]!; z1 ^= t[p + 1]!; z2 ^= t[p + 2]!; z3 ^= t[p + 3]!
    this.y0 = z0 >>> 0
    this.y1 = z1 >>> 0
    this.y2 = z2 >>> 0
    this.y3 = z3 >>> 0
  }
}

/** AES(K, J0) followed by the keystream for `n` bytes: counter blocks IV||2, IV||3, … */
function keystream(k: GcmKey, iv: Uint8Array, n: number): Uint8Array {
  const blocks = 1 + Math.ceil(n / BLOCK)
  const counters = new Uint8Array(blocks * BLOCK)
  for (let b = 0; b < blocks; b++) {
    counters.set(iv, b * BLOCK)
    writeU32(counters, b * BLOCK + 12, (b + 1) >>> 0)
  }
  return aesEcbEncrypt(k.key, counters, { padding: false })
}

function tag(k: GcmKey, ks: Uint8Array, aad: Uint8Array, ct: Uint8Array, ctStart: number, ctEnd: number, out: Uint8Array, at: number): void {
  const g = new Ghash(k.table)
  g.update(aad, 0, aad.length)
  g.update(ct, ctStart, ctEnd)
  g.lengths(aad.length, ctEnd - ctStart)
  writeU32(out, at, (g.y0 ^ readU32(ks, 0)) >>> 0)
  writeU32(out, at + 4, (g.y1 ^ readU32(ks, 4)) >>> 0)
  writeU32(out, at + 8, (g.y2 ^ readU32(ks, 8)) >>> 0)
  writeU32(out, at + 12, (g.y3 ^ readU32(ks, 12)) >>> 0)
}

/**
 * Encrypts `plain` (given as up to three parts, so the caller never concatenates them) into
 * `out[at : at + n]` and writes the 16-byte tag right after it.
 */
export function gcmSealInto(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, parts: readonly Uint8Array[], out: Uint8Array, at: number): void {
  const k = gcmKey(key)
  let n = 0
  for (const p of parts) n += p.length
  const ks = keystream(k, iv, n)
  let o = at
  let s = BLOCK
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) out[o++] = p[i]! ^ ks[s++]!
  }
  tag(k, ks, aad, out, at, at + n, out, at + n)
}

/**
 * Verifies the tag of `sealed[start:end]` (ciphertext || tag) and returns the plaintext.
 *
 * @throws AuthenticationError when the tag does not verify (nothing is decrypted then)
 */
export function gcmOpen(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, sealed: Uint8Array, start: number, end: number): Uint8Array {
  const k = gcmKey(key)
  const ctEnd = end - BLOCK
  const ks = keystream(k, iv, ctEnd - start)
  const expected = new Uint8Array(BLOCK)
  tag(k, ks, aad, sealed, start, ctEnd, expected, 0)
  let diff = 0
  for (let i = 0; i < BLOCK; i++) diff |= expected[i]! ^ sealed[ctEnd + i]!
  if (diff !== 0) throw new AuthenticationError('AES-GCM tag does not verify: wrong key or wrong protocol version (or damaged bytes)')
  const plain = new Uint8Array(ctEnd - start)
  for (let i = 0; i < plain.length; i++) plain[i] = sealed[start + i]! ^ ks[BLOCK + i]!
  return plain
}
