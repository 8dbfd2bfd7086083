/**
 * What a crypto backend is: a factory of {@link CipherKey}s, one per key, each holding
 * everything derived from its key (AES round keys, the GHASH key table, keyed HMAC states)
 * for as long as its owner keeps it, and wiping it on `destroy()`. Argument checks, padding
 * and errors stay in the public functions (aes.ts, hash.ts), so every backend behaves the
 * same; a backend only moves bytes.
 */
import { NobleCipherKey } from './noble-key.ts'

/**
 * One key imported into a backend. Inputs are already validated by the caller: AES keys
 * are 16 bytes (a key of another length may only be used for HMAC), IVs 12 bytes, ECB
 * inputs whole blocks. Outputs are fresh arrays with their own ArrayBuffer.
 *
 * A CipherKey is not safe to use from inside one of its own calls (it reuses scratch
 * state between calls); JavaScript's single thread makes that the ordinary case.
 */
export interface CipherKey {
  /** AES-128-ECB of whole blocks; `blocks` is a fresh array the key may encrypt in place (and return). */
  ecbEncrypt(blocks: Uint8Array): Uint8Array
  /** AES-128-ECB decryption of whole blocks into a new array (`blocks` is the caller's: left alone). */
  ecbDecrypt(blocks: Uint8Array): Uint8Array
  /**
   * AES-128-GCM with a 12-byte IV: `ciphertext || 16-byte tag`, in `into` when given (exactly
   * 16 bytes longer than the plaintext; it may start at the plaintext itself, so a frame can
   * be sealed in place), else in a new array.
   */
  gcmEncrypt(iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array | undefined, into?: Uint8Array): Uint8Array
  /** AES-128-GCM: the plaintext, or `undefined` when the tag does not verify (nothing is decrypted then). */
  gcmDecrypt(iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array | undefined): Uint8Array | undefined
  /** HMAC-SHA256 of `message` under this key, 32 bytes. */
  hmacSha256(message: Uint8Array): Uint8Array
  /** Wipes what the key holds (as far as the backend can: see the README) and makes later calls throw. */
  destroy(): void
}

/** A source of {@link CipherKey}s: {@link nobleBackend}, or `nodeCryptoBackend` from `@tuya/crypto/node`. */
export interface CryptoBackend {
  /** Shown in benchmarks and errors. */
  readonly name: string
  /**
   * Imports a key. The backend keeps its own copy: the caller may change or wipe `key` afterwards.
   * @param key - 16 bytes for AES (and HMAC); any length for a key used only for HMAC
   */
  importKey(key: Uint8Array): CipherKey
}

/**
 * The default backend: `@noble/ciphers` (AES, GHASH) and `@noble/hashes` (SHA-256, HMAC),
 * pure JS, no `node:` imports, runs everywhere.
 *
 * @example
 * const key = nobleBackend.importKey(sessionKey) // expands the key once, for every frame of a connection
 * key.destroy() // when the connection closes
 */
export const nobleBackend: CryptoBackend = Object.freeze({
  name: 'noble',
  importKey: (key: Uint8Array): CipherKey => new NobleCipherKey(key),
})

/**
 * Checks that `value` is a backend.
 * @throws TypeError naming `name` when it is not
 */
export function assertBackend(value: unknown, name: string): asserts value is CryptoBackend {
  const b = value as CryptoBackend | null
  if (typeof b !== 'object' || b === null || typeof b.importKey !== 'function' || typeof b.name !== 'string') {
    throw new TypeError(`${name} must be a CryptoBackend such as nobleBackend (from @tuya/crypto) or nodeCryptoBackend (from @tuya/crypto/node)`)
  }
}
