/**
 * AES-128 on whole blocks in pure JS: the small-table block functions of aes-round.ts over the
 * round keys cached per key array (key-material.ts), driven over 32-bit views of the data
 * instead of byte by byte.
 */
import { blockOut, decryptBlock, encryptBlock } from './aes-round.ts'
import { allocBytes } from './alloc.ts'
import { DEC_AT, ecbMaterial } from './key-material.ts'

/** The block functions take and return little-endian words. */
const IS_LE = /* @__PURE__ */ new Uint8Array(new Uint32Array([0x01020304]).buffer)[0] === 0x04

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
  const xk = ecbMaterial(key)
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
  const xk = ecbMaterial(key)
  const at = DEC_AT // a local: V8 re-reads an imported binding on every use
  const out = allocBytes(data.length)
  out.set(data)
  const w = words(out)
  if (w !== undefined) {
    for (let i = 0; i < w.length; i += 4) {
      decryptBlock(xk, at, w[i]!, w[i + 1]!, w[i + 2]!, w[i + 3]!)
      w[i] = blockOut[0]!
      w[i + 1] = blockOut[1]!
      w[i + 2] = blockOut[2]!
      w[i + 3] = blockOut[3]!
    }
    return out
  }
  for (let i = 0; i < out.length; i += 16) {
    decryptBlock(xk, at, le32(out, i), le32(out, i + 4), le32(out, i + 8), le32(out, i + 12))
    putLe32(out, i, blockOut[0]!)
    putLe32(out, i + 4, blockOut[1]!)
    putLe32(out, i + 8, blockOut[2]!)
    putLe32(out, i + 12, blockOut[3]!)
  }
  return out
}
