/**
 * GHASH (NIST SP 800-38D §6.4) for gcm.ts, with two kinds of per-key tables of H = E_K(0^128):
 *
 * - hot keys get 8-bit tables (16 tables of 256 products, 64 KB: 16 lookups per block),
 *   kept for at most {@link MAX_HOT_TABLES} keys at a time;
 * - every other key is hashed with a 4-bit table (16 products, 256 bytes: 32 lookups and
 *   shifts per block) built per call in a scratch array, which costs about as much as one
 *   AES block and leaves nothing behind.
 *
 * A key turns hot once it is used again and again in a short span (a busy connection): it
 * has a table built for it then. A fleet of idle 3.5 devices, each sealing a heartbeat
 * every few seconds, stays on 4-bit tables: building and dropping a 64 KB table per frame
 * (what a plain most-recently-used cache does once there are more keys than tables) would
 * cost more than the frame and churn the garbage collector.
 *
 * Words are big-endian: word 0 holds bytes 0-3 of a block. GCM numbers bits from the most
 * significant bit of byte 0 (x^0), so multiplying by x is a right shift, reduced with
 * R = 0xE1 || 0^120 (SP 800-38D §6.3).
 */
import { blockOut, encryptBlock } from './aes-round.ts'

/** How many keys hold a 64 KB table at a time (2 MB in all). */
export const MAX_HOT_TABLES = 32
/** Uses of one key within a short span that make it hot (see {@link isBusy}). */
export const HOT_AFTER_USES = 16

const bswap = (w: number): number => ((w & 0xff) << 24) | ((w & 0xff00) << 8) | ((w >>> 8) & 0xff00) | (w >>> 24)

/**
 * The GHASH tables of H = E_K(0^128): entry (j, b) is H times the block whose only
 * non-zero byte is b at position j, as four big-endian words. GCM numbers bits from the
 * most significant bit of byte 0 (x^0), so multiplying by x is a right shift, reduced
 * with R = 0xE1 || 0^120 (SP 800-38D §6.3).
 */
function table8(xk: Int32Array): Int32Array {
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


// The 4-bit table of the key in use (entry n = H times the nibble n, placed as the high
// nibble of byte 0), and the reduction of the four bits a 4-bit right shift drops.
const cold = new Int32Array(16 * 4)
const REDUCE4 = Int32Array.from([0x0000, 0x1c20, 0x3840, 0x2460, 0x7080, 0x6ca0, 0x48c0, 0x54e0, 0xe100, 0xfd20, 0xd940, 0xc560, 0x9180, 0x8da0, 0xa9c0, 0xb5e0], (r) => r << 16)

/** Fills {@link cold} with the 4-bit table of the key whose round keys are `xk`. */
function table4(xk: Int32Array): Int32Array {
  encryptBlock(xk, 0, 0, 0, 0)
  const t = cold
  // Entry 8 (bit x^0) is H; 4, 2 and 1 are H*x, H*x^2, H*x^3; the rest are sums of those.
  t[32] = bswap(blockOut[0]!)
  t[33] = bswap(blockOut[1]!)
  t[34] = bswap(blockOut[2]!)
  t[35] = bswap(blockOut[3]!)
  for (let n = 4; n > 0; n >>>= 1) {
    const from = n << 3
    const to = n << 2
    const carry = t[from + 3]! & 1
    t[to + 3] = (t[from + 3]! >>> 1) | (t[from + 2]! << 31)
    t[to + 2] = (t[from + 2]! >>> 1) | (t[from + 1]! << 31)
    t[to + 1] = (t[from + 1]! >>> 1) | (t[from]! << 31)
    t[to] = (t[from]! >>> 1) ^ (-carry & 0xe1000000)
  }
  for (let n = 3; n < 16; n++) {
    const low = n & -n
    if (low === n) continue
    const z = n << 2
    const x = (n ^ low) << 2
    const y = low << 2
    t[z] = t[x]! ^ t[y]!
    t[z + 1] = t[x + 1]! ^ t[y + 1]!
    t[z + 2] = t[x + 2]! ^ t[y + 2]!
    t[z + 3] = t[x + 3]! ^ t[y + 3]!
  }
  return t
}

/** {@link ghash} with a 4-bit table: Shoup's method, nibbles from the last to the first. */
function ghash4(t: Int32Array, z: Int32Array, p: Uint8Array, pos: number, end: number): void {
  let z0 = z[0]!
  let z1 = z[1]!
  let z2 = z[2]!
  let z3 = z[3]!
  while (pos < end) {
    let b = p
    let at = pos
    if (end - pos < 16) {
      lastBlock(p, pos, end)
      b = scratch
      at = 0
    }
    x[0] = z0 ^ ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!)
    x[1] = z1 ^ ((b[at + 4]! << 24) | (b[at + 5]! << 16) | (b[at + 6]! << 8) | b[at + 7]!)
    x[2] = z2 ^ ((b[at + 8]! << 24) | (b[at + 9]! << 16) | (b[at + 10]! << 8) | b[at + 11]!)
    x[3] = z3 ^ ((b[at + 12]! << 24) | (b[at + 13]! << 16) | (b[at + 14]! << 8) | b[at + 15]!)
    z0 = z1 = z2 = z3 = 0
    for (let w = 3; w >= 0; w--) {
      const word = x[w]!
      for (let shift = 0; shift < 32; shift += 4) {
        // z = z * x^4 (a 4-bit right shift, reduced), then + H * nibble.
        const i = ((word >>> shift) & 15) << 2
        const r = REDUCE4[z3 & 15]!
        z3 = ((z3 >>> 4) | (z2 << 28)) ^ t[i + 3]!
        z2 = ((z2 >>> 4) | (z1 << 28)) ^ t[i + 2]!
        z1 = ((z1 >>> 4) | (z0 << 28)) ^ t[i + 1]!
        z0 = ((z0 >>> 4) ^ r) ^ t[i]!
      }
    }
    pos += 16
  }
  z[0] = z0
  z[1] = z1
  z[2] = z2
  z[3] = z3
}

const scratch = new Uint8Array(16)

/** Copies a partial last block `p[pos, end)` into the zeroed scratch (no view per call). */
function lastBlock(p: Uint8Array, pos: number, end: number): void {
  scratch.fill(0)
  for (let i = 0; pos < end; i++, pos++) scratch[i] = p[pos]!
}
const x = new Int32Array(4)

/**
 * Absorbs `p[pos, end)` into the GHASH state `z` (four big-endian words), zero-padding the
 * last block, with a table from {@link ghashTable}.
 */
export function ghash(t: Int32Array, z: Int32Array, p: Uint8Array, pos: number, end: number): void {
  if (t === cold) ghash4(t, z, p, pos, end)
  else ghash8(t, z, p, pos, end)
}

// Hot tables belong to a key's material (key-material.ts), in insertion order: the first is
// the oldest. A material that grew (a 3.5 local key gains its HMAC pads during the
// handshake), or another array holding the same key, shares the table instead of building
// a second one.
const hot = new Map<Int32Array, Int32Array>()
let lastOwner: Int32Array | undefined
let lastTable: Int32Array | undefined

/**
 * The GHASH table for the key whose round keys are `xk`: its 8-bit tables if it is hot,
 * else the 4-bit table, valid until the next call.
 */
export function ghashTable(xk: Int32Array): Int32Array {
  if (xk === lastOwner) return lastTable!
  let t = hot.get(xk)
  if (t === undefined) {
    if (!isBusy(xk)) return table4(xk)
    t = sameKeyTable(xk) ?? table8(xk)
    hot.set(xk, t)
    if (hot.size > MAX_HOT_TABLES) hot.delete(hot.keys().next().value!)
  }
  lastOwner = xk
  lastTable = t
  return t
}

/** Whether the key whose round keys are `xk` has its 8-bit tables now (for tests). */
export function isHot(xk: Int32Array): boolean {
  return hot.has(xk)
}

/** The hot table of another material with the same key (words 0-3), if any. */
function sameKeyTable(xk: Int32Array): Int32Array | undefined {
  for (const [m, t] of hot) if (sameKey(m, xk)) return t
  return undefined
}

const sameKey = (a: Int32Array, b: Int32Array): boolean => a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3]

// Use counts of the last few keys hashed on 4-bit tables, halved every DECAY_EVERY such
// uses: a key reaches HOT_AFTER_USES only while it is a good part of the recent traffic. A
// key not counted yet takes the slot with the fewest uses (the least recent among equals).
const SLOTS = 8
const DECAY_EVERY = 64
const slotKeys: Array<Int32Array | undefined> = new Array<Int32Array | undefined>(SLOTS).fill(undefined)
const slotUses = new Int32Array(SLOTS)
const slotSeen = new Float64Array(SLOTS)
let coldUses = 0

/** Counts a 4-bit use of `xk`; true once the key has been busy enough to earn 8-bit tables. */
function isBusy(xk: Int32Array): boolean {
  if (++coldUses % DECAY_EVERY === 0) for (let i = 0; i < SLOTS; i++) slotUses[i]! >>= 1
  let least = 0
  for (let i = 0; i < SLOTS; i++) {
    const k = slotKeys[i]
    if (k !== undefined && (k === xk || sameKey(k, xk))) {
      slotSeen[i] = coldUses
      if (++slotUses[i]! < HOT_AFTER_USES) return false
      slotKeys[i] = undefined
      slotUses[i] = 0
      return true
    }
    if (slotUses[i]! < slotUses[least]! || (slotUses[i] === slotUses[least] && slotSeen[i]! < slotSeen[least]!)) least = i
  }
  slotKeys[least] = xk
  slotUses[least] = 1
  slotSeen[least] = coldUses
  return false
}

/** {@link ghash} with an 8-bit table set (16 x 256 products: 16 lookups per block). */
function ghash8(t: Int32Array, z: Int32Array, p: Uint8Array, pos: number, end: number): void {
  let z0 = z[0]!
  let z1 = z[1]!
  let z2 = z[2]!
  let z3 = z[3]!
  let x0: number, x1: number, x2: number, x3: number, i: number
  while (pos < end) {
    let b = p
    let at = pos
    if (end - pos < 16) {
      lastBlock(p, pos, end)
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
