/**
 * The swappable implementation behind AES-ECB, AES-GCM and HMAC-SHA256. The default is
 * pure JS (our AES rounds, GHASH and SHA-256); `@tuya/crypto/node` ships one on
 * node:crypto (OpenSSL) for servers that want native speed on large 3.4/3.5 frames.
 * Argument checks, padding and errors stay in the public functions, so every backend
 * behaves the same; a backend only moves bytes.
 */
import { ecbDecrypt, ecbEncryptInPlace } from './aes-block.ts'
import { gcmOpen, gcmSeal } from './gcm.ts'
import { hmacPadsOf } from './key-material.ts'
import { HMAC_PAD_WORDS, hmacWithPads } from './sha256.ts'

/**
 * The primitives a backend provides. Keys are 16 bytes (HMAC keys: any length), IVs 12
 * bytes, and every input is already validated. Outputs must be plain `Uint8Array`s that the
 * backend no longer uses (a Node `Buffer` is a Uint8Array; a backend may return one).
 */
export interface CryptoBackend {
  /** Shown in benchmarks and errors. */
  readonly name: string
  /** AES-128-ECB of whole blocks; `blocks` is a fresh array the backend may encrypt in place. */
  ecbEncrypt(key: Uint8Array, blocks: Uint8Array): Uint8Array
  /** AES-128-ECB decryption of whole blocks into a new array (`blocks` is the caller's: leave it alone). */
  ecbDecrypt(key: Uint8Array, blocks: Uint8Array): Uint8Array
  /** AES-128-GCM: `ciphertext || 16-byte tag`. */
  gcmEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array | undefined): Uint8Array
  /** AES-128-GCM: the plaintext, or `undefined` when the tag does not verify (release nothing then). */
  gcmDecrypt(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array | undefined): Uint8Array | undefined
  /** An HMAC-SHA256 keyed once, returning the 32-byte MAC of the concatenation of `parts`. */
  hmacSha256(key: Uint8Array): (parts: readonly Uint8Array[]) => Uint8Array
}

/** The default backend: pure JS, no `node:` imports, runs everywhere. */
export const nobleBackend: CryptoBackend = Object.freeze({
  name: 'noble',
  ecbEncrypt: ecbEncryptInPlace,
  ecbDecrypt,
  gcmEncrypt: gcmSeal,
  gcmDecrypt: gcmOpen,
  hmacSha256(key: Uint8Array) {
    const pads = hmacPadsOf(key)
    const at = pads.length - HMAC_PAD_WORDS
    return (parts: readonly Uint8Array[]) => hmacWithPads(pads, at, parts)
  },
})

const METHODS = ['ecbEncrypt', 'ecbDecrypt', 'gcmEncrypt', 'gcmDecrypt', 'hmacSha256'] as const

let current: CryptoBackend = nobleBackend

/**
 * Chooses the implementation of AES-ECB, AES-GCM and HMAC-SHA256 for this copy of
 * `@tuya/crypto` (and so for `@tuya/codec` and everything above it). Results are
 * byte-identical whatever the backend; only speed differs.
 *
 * @param next - a backend such as `nodeCryptoBackend` from `@tuya/crypto/node`, or
 *   `undefined` to go back to the pure-JS default
 * @returns the backend that was in use before
 * @throws TypeError when `next` lacks one of the methods
 * @example
 * import { setCryptoBackend } from '@tuya/crypto'
 * import { nodeCryptoBackend } from '@tuya/crypto/node'
 * setCryptoBackend(nodeCryptoBackend) // OpenSSL for AES and HMAC, on Node
 */
export function setCryptoBackend(next: CryptoBackend | undefined): CryptoBackend {
  const previous = current
  if (next === undefined) {
    current = nobleBackend
    return previous
  }
  if (typeof next !== 'object' || next === null) throw new TypeError('backend must be a CryptoBackend object or undefined')
  for (const m of METHODS) {
    if (typeof next[m] !== 'function') throw new TypeError(`backend.${m} must be a function`)
  }
  current = next
  return previous
}

/**
 * The backend in use.
 *
 * @returns the current backend (`nobleBackend` unless {@link setCryptoBackend} chose another)
 */
export function getCryptoBackend(): CryptoBackend {
  return current
}
