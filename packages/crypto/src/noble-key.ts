/**
 * A key on the noble backend. The per-key work noble's one-shot `ecb()`/`gcm()`/`hmac()`
 * redo on every call (AES key expansion, the GHASH table of H = E_K(0^128), the HMAC pad
 * states) is done once, lazily, with noble's own building blocks, and kept here, in the
 * object its owner holds, until `destroy()`:
 *
 * - `unsafe.expandKeyLE` / `expandKeyDecLE` and the block functions `unsafe.encrypt` /
 *   `decrypt` of `@noble/ciphers/aes.js` for ECB;
 * - `unsafe.ctr32` (GCTR, SP 800-38D §6.5) and the `GHASH` class of `_polyval.js` for GCM,
 *   composed as noble's own `gcm()` composes them (tag verified before CTR, §7.2);
 * - `hmac.create(sha256, key)` of `@noble/hashes`, cloned into a reused state per message.
 *
 * These exports are semi-public (noble marks them unsafe or internal), so
 * test/noble-exports.test.ts pins their shape and behaviour against noble's public API.
 */
import { unsafe } from '@noble/ciphers/aes.js'
import { GHASH } from '@noble/ciphers/_polyval.js'
import { hmac, type _HMAC } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import type { CipherKey } from './backend.ts'

const BLOCK = 16
const TAG = 16
const ZERO_BLOCK = /* @__PURE__ */ new Uint8Array(BLOCK)
/** The block functions work on little-endian words. */
const IS_LE = /* @__PURE__ */ new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

// GHASH's table size follows the message length it is told to expect (noble `estimateWindow`):
// up to 1 KB a 2-bit window (256 entries, about 17 KB per key), above that a 4-bit one (32 KB,
// about half the work per block). Tuya frames are 100 B to 1 KB, so the small table.
const GHASH_EXPECTED_BYTES = 1024

/**
 * noble's GHASH with a reset: the keyed table is built once per key and the accumulator is
 * cleared per message (noble's `gcm()` builds a new GHASH for each one).
 */
export class ReusableGhash extends GHASH {
  /** Clears the accumulator (not the key table) for the next message. */
  reset(): this {
    this.s0 = 0
    this.s1 = 0
    this.s2 = 0
    this.s3 = 0
    this.finished = false
    return this
  }
}

/** A little-endian word of `b` at `i` (for arrays the 32-bit view cannot cover). */
function le32(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)
}

function putLe32(b: Uint8Array, i: number, w: number): void {
  b[i] = w
  b[i + 1] = w >>> 8
  b[i + 2] = w >>> 16
  b[i + 3] = w >>> 24
}

/** `b` as little-endian words, in place, when the platform and the alignment allow it. */
function wordsOf(b: Uint8Array): Uint32Array | undefined {
  return IS_LE && (b.byteOffset & 3) === 0 ? new Uint32Array(b.buffer, b.byteOffset, b.length >>> 2) : undefined
}

type BlockFunction = typeof unsafe.encrypt

/** Runs `fn` (noble's encrypt or decrypt) under `xk` over the whole blocks of `b`, in place. */
function blocksInPlace(fn: BlockFunction, xk: Uint32Array, b: Uint8Array): void {
  const w = wordsOf(b)
  if (w !== undefined) {
    for (let i = 0; i < w.length; i += 4) {
      const o = fn(xk, w[i]!, w[i + 1]!, w[i + 2]!, w[i + 3]!)
      w[i] = o.s0
      w[i + 1] = o.s1
      w[i + 2] = o.s2
      w[i + 3] = o.s3
    }
    return
  }
  for (let i = 0; i < b.length; i += BLOCK) {
    const o = fn(xk, le32(b, i), le32(b, i + 4), le32(b, i + 8), le32(b, i + 12))
    putLe32(b, i, o.s0)
    putLe32(b, i + 4, o.s1)
    putLe32(b, i + 8, o.s2)
    putLe32(b, i + 12, o.s3)
  }
}

/** The noble backend's {@link CipherKey}. */
export class NobleCipherKey implements CipherKey {
  #key: Uint8Array | undefined
  #enc: Uint32Array | undefined
  #dec: Uint32Array | undefined
  #ghash: ReusableGhash | undefined
  #hmac: _HMAC<any> | undefined
  #hmacWork: _HMAC<any> | undefined
  // GCM scratch: the counter block, E_K(J0), the length block and the raw GHASH output.
  readonly #counter = new Uint8Array(BLOCK)
  readonly #tagMask = new Uint8Array(BLOCK)
  readonly #lengths = new Uint8Array(BLOCK)
  readonly #tag = new Uint8Array(BLOCK)

  /** @param key - copied: the caller may wipe its array */
  constructor(key: Uint8Array) {
    this.#key = new Uint8Array(key)
  }

  #keyBytes(): Uint8Array {
    if (this.#key === undefined) throw new TypeError('this key was destroyed (its owner closed): import the key again')
    return this.#key
  }

  #aesKey(): Uint8Array {
    const key = this.#keyBytes()
    if (key.length !== 16) throw new RangeError(`an AES-128 key must be 16 bytes, got ${key.length}`)
    return key
  }

  #encKey(): Uint32Array {
    return (this.#enc ??= unsafe.expandKeyLE(this.#aesKey()))
  }

  ecbEncrypt(blocks: Uint8Array): Uint8Array {
    blocksInPlace(unsafe.encrypt, this.#encKey(), blocks)
    return blocks
  }

  ecbDecrypt(blocks: Uint8Array): Uint8Array {
    const xk = (this.#dec ??= unsafe.expandKeyDecLE(this.#aesKey()))
    const out = new Uint8Array(blocks)
    blocksInPlace(unsafe.decrypt, xk, out)
    return out
  }

  gcmEncrypt(iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array | undefined, into?: Uint8Array): Uint8Array {
    const n = plaintext.length
    // ctr32 works on 32-bit views, so the work array is a fresh (aligned) one.
    const out = new Uint8Array(n + TAG)
    out.set(plaintext)
    const body = out.subarray(0, n)
    this.#startCounter(iv)
    unsafe.ctr32(this.#encKey(), false, this.#counter, body, body)
    this.#tagInto(aad, body, out, n)
    if (into === undefined) return out
    into.set(out)
    return into
  }

  gcmDecrypt(iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array | undefined): Uint8Array | undefined {
    const n = sealed.length - TAG
    const ct = sealed.subarray(0, n)
    this.#startCounter(iv)
    const expected = this.#tag
    this.#tagInto(aad, ct, expected, 0)
    let diff = 0
    for (let i = 0; i < TAG; i++) diff |= expected[i]! ^ sealed[n + i]!
    expected.fill(0)
    if (diff !== 0) {
      this.#counter.fill(0)
      return undefined
    }
    const out = new Uint8Array(ct)
    unsafe.ctr32(this.#encKey(), false, this.#counter, out, out)
    this.#counter.fill(0)
    return out
  }

  /**
   * J0 = IV || 0^31 || 1 for a 96-bit IV (SP 800-38D §7.1 step 2); leaves E_K(J0) in the tag
   * mask and inc32(J0), the first CTR block, in the counter.
   */
  #startCounter(iv: Uint8Array): void {
    const counter = this.#counter
    counter.set(iv)
    counter[12] = 0
    counter[13] = 0
    counter[14] = 0
    counter[15] = 1
    unsafe.ctr32(this.#encKey(), false, counter, ZERO_BLOCK, this.#tagMask)
  }

  /** GHASH(aad, ct, lengths) XOR E_K(J0) into `out[at, at + 16)` (§7.1 steps 5-6). */
  #tagInto(aad: Uint8Array | undefined, ct: Uint8Array, out: Uint8Array, at: number): void {
    const g = this.#ghashKey().reset()
    const aadLength = aad === undefined ? 0 : aad.length
    if (aad !== undefined) g.update(aad)
    g.update(ct)
    // len(A) || len(C) in bits, each a 64-bit big-endian integer.
    const lengths = new DataView(this.#lengths.buffer)
    lengths.setUint32(0, Math.floor(aadLength / 0x20000000))
    lengths.setUint32(4, (aadLength * 8) >>> 0)
    lengths.setUint32(8, Math.floor(ct.length / 0x20000000))
    lengths.setUint32(12, (ct.length * 8) >>> 0)
    g.update(this.#lengths)
    const raw = this.#tag
    g.digestInto(raw)
    const mask = this.#tagMask
    for (let i = 0; i < TAG; i++) out[at + i] = raw[i]! ^ mask[i]!
    if (raw !== out) raw.fill(0)
    mask.fill(0)
  }

  #ghashKey(): ReusableGhash {
    if (this.#ghash === undefined) {
      const h = new Uint8Array(BLOCK)
      unsafe.encryptBlock(this.#encKey(), h)
      this.#ghash = new ReusableGhash(h, GHASH_EXPECTED_BYTES)
      h.fill(0)
    }
    return this.#ghash
  }

  hmacSha256(message: Uint8Array): Uint8Array {
    const base = (this.#hmac ??= hmac.create(sha256, this.#keyBytes()))
    const work = (this.#hmacWork ??= base.clone())
    base._cloneInto(work)
    work.update(message)
    const out = new Uint8Array(32)
    work.digestInto(out)
    return out
  }

  destroy(): void {
    this.#key?.fill(0)
    this.#enc?.fill(0)
    this.#dec?.fill(0)
    this.#ghash?.destroy()
    this.#hmac?.destroy()
    this.#hmacWork?.destroy()
    this.#key = this.#enc = this.#dec = undefined
    this.#ghash = undefined
    this.#hmac = this.#hmacWork = undefined
    this.#counter.fill(0)
    this.#tagMask.fill(0)
  }
}
