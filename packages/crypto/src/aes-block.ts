/**
 * AES-128 on whole blocks in pure JS: @noble/ciphers' key expansion (cached per key array)
 * and the small-table block functions of aes-round.ts, driven over 32-bit views of the data
 * instead of byte by byte.
 */
import { unsafe } from '@noble/ciphers/aes.js'
import { blockOut, decryptBlock, encryptBlock } from './aes-round.ts'
import { allocBytes } from './alloc.ts'

/** What is cached for one key: its expanded schedules and (lazily) its GCM hash table. */
export interface KeySchedule {
  /** A copy of the key bytes, to notice a caller that mutates its key array. */
  readonly key: Uint8Array
  readonly enc: Uint32Array
  dec?: Uint32Array
  ghash?: Int32Array
}

// Expanding an AES key costs more than encrypting a 100-byte frame, and a Tuya peer uses
// one key for many frames. Cache by key object, and re-check the bytes on every hit so a
// caller that mutates its key array still gets the right answer.
const schedules = new WeakMap<Uint8Array, KeySchedule>()

/** The cached schedule of a 16-byte key (the caller has checked the length). */
export function scheduleFor(key: Uint8Array): KeySchedule {
  // A one-entry memo in front of the WeakMap: consecutive frames nearly always share a key.
  const hit = key === lastKey ? last : schedules.get(key)
  if (hit !== undefined && sameKey(hit.key, key)) {
    lastKey = key
    last = hit
    return hit
  }
  const entry: KeySchedule = { key: key.slice(), enc: unsafe.expandKeyLE(key) }
  schedules.set(key, entry)
  lastKey = key
  last = entry
  return entry
}

// Strong references to one key and its schedule (the WeakMap holds the rest weakly).
let lastKey: Uint8Array | undefined
let last: KeySchedule | undefined

/** The decryption schedule of a key. */
export function decScheduleFor(key: Uint8Array): Uint32Array {
  const entry = scheduleFor(key)
  return (entry.dec ??= unsafe.expandKeyDecLE(entry.key))
}

function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false
  return true
}

/** noble's block functions take and return little-endian words. */
export const IS_LE = /* @__PURE__ */ new Uint8Array(new Uint32Array([0x01020304]).buffer)[0] === 0x04

/** A 32-bit view of `b` when the platform is little-endian and `b` is 4-byte aligned. */
export function words(b: Uint8Array): Uint32Array | undefined {
  if (!IS_LE || (b.byteOffset & 3) !== 0) return undefined
  return new Uint32Array(b.buffer, b.byteOffset, b.length >>> 2)
}

/** Little-endian word of `b` at `i`. */
export function le32(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)
}

/** Writes a little-endian word. */
export function putLe32(out: Uint8Array, i: number, w: number): void {
  out[i] = w
  out[i + 1] = w >>> 8
  out[i + 2] = w >>> 16
  out[i + 3] = w >>> 24
}

// The block functions leave their result in `blockOut`: nothing is allocated per block. The
// encrypt and decrypt loops are written out twice so that each calls its block function
// directly (a function passed in would make the call site polymorphic and stop V8 inlining it).

/** AES-128-ECB encryption of whole blocks (`b.length % 16 === 0`), in place. */
export function ecbEncryptInPlace(key: Uint8Array, b: Uint8Array): Uint8Array {
  const xk = scheduleFor(key).enc
  const w = words(b)
  if (w !== undefined) {
    for (let i = 0; i < w.length; i += 4) {
      encryptBlock(xk, w[i]!, w[i + 1]!, w[i + 2]!, w[i + 3]!)
      w[i] = blockOut[0]!
      w[i + 1] = blockOut[1]!
      w[i + 2] = blockOut[2]!
      w[i + 3] = blockOut[3]!
    }
    return b
  }
  for (let i = 0; i < b.length; i += 16) {
    encryptBlock(xk, le32(b, i), le32(b, i + 4), le32(b, i + 8), le32(b, i + 12))
    putLe32(b, i, blockOut[0]!)
    putLe32(b, i + 4, blockOut[1]!)
    putLe32(b, i + 8, blockOut[2]!)
    putLe32(b, i + 12, blockOut[3]!)
  }
  return b
}

/** AES-128-ECB decryption of whole blocks into a new array (`data` is left alone). */
export function ecbDecrypt(key: Uint8Array, data: Uint8Array): Uint8Array {
  const xk = decScheduleFor(key)
  const out = allocBytes(data.length)
  out.set(data)
  const w = words(out)
  if (w !== undefined) {
    for (let i = 0; i < w.length; i += 4) {
      decryptBlock(xk, w[i]!, w[i + 1]!, w[i + 2]!, w[i + 3]!)
      w[i] = blockOut[0]!
      w[i + 1] = blockOut[1]!
      w[i + 2] = blockOut[2]!
      w[i + 3] = blockOut[3]!
    }
    return out
  }
  for (let i = 0; i < out.length; i += 16) {
    decryptBlock(xk, le32(out, i), le32(out, i + 4), le32(out, i + 8), le32(out, i + 12))
    putLe32(out, i, blockOut[0]!)
    putLe32(out, i + 4, blockOut[1]!)
    putLe32(out, i + 8, blockOut[2]!)
    putLe32(out, i + 12, blockOut[3]!)
  }
  return out
}
