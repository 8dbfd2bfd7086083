/**
 * A keyring: the keys one owner (a device handle, a session, a simulated device's
 * connection) works with, imported once into the owner's backend and kept until the owner
 * drops them. Nothing is cached at module level: what a keyring holds goes with it.
 */
import { assertBackend, nobleBackend, type CipherKey, type CryptoBackend } from './backend.ts'
import { assertBytes } from './bytes.ts'

/** Options of {@link createKeyring}. */
export interface KeyringOptions {
  /** What runs the cryptography; default {@link nobleBackend}. */
  backend?: CryptoBackend
  /** How many keys to keep; the least recently used one is destroyed to make room. Default 4. */
  maxKeys?: number
}

/** The keys of one owner, by value. See {@link createKeyring}. */
export interface Keyring {
  /** The backend every key of this keyring is imported into. */
  readonly backend: CryptoBackend
  /** The most keys it holds at once. */
  readonly maxKeys: number
  /** How many keys it holds now. */
  readonly size: number
  /**
   * The imported key with these bytes, imported now if it is not held (the keyring keeps its
   * own copy of the bytes, so the caller may change or wipe `key`).
   * @throws TypeError if `key` is not a Uint8Array
   */
  key(key: Uint8Array): CipherKey
  /** Destroys the key with these bytes, if held. @returns whether it was held */
  delete(key: Uint8Array): boolean
  /** Destroys every key (call it when the owner closes). */
  clear(): void
}

interface Entry {
  bytes: Uint8Array
  cipher: CipherKey
  lastUse: number
}

/** Equal contents, in time that depends only on the lengths. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}

class KeyringImpl implements Keyring {
  readonly backend: CryptoBackend
  readonly maxKeys: number
  readonly #entries: Entry[] = []
  #uses = 0

  constructor(backend: CryptoBackend, maxKeys: number) {
    this.backend = backend
    this.maxKeys = maxKeys
  }

  get size(): number {
    return this.#entries.length
  }

  key(key: Uint8Array): CipherKey {
    assertBytes(key, 'key')
    const entries = this.#entries
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!
      if (sameBytes(e.bytes, key)) {
        e.lastUse = ++this.#uses
        return e.cipher
      }
    }
    if (entries.length >= this.maxKeys) this.#evict()
    const cipher = this.backend.importKey(key)
    entries.push({ bytes: new Uint8Array(key), cipher, lastUse: ++this.#uses })
    return cipher
  }

  delete(key: Uint8Array): boolean {
    assertBytes(key, 'key')
    const i = this.#entries.findIndex((e) => sameBytes(e.bytes, key))
    if (i < 0) return false
    destroy(this.#entries.splice(i, 1)[0]!)
    return true
  }

  clear(): void {
    for (const e of this.#entries.splice(0)) destroy(e)
  }

  #evict(): void {
    let oldest = 0
    for (let i = 1; i < this.#entries.length; i++) if (this.#entries[i]!.lastUse < this.#entries[oldest]!.lastUse) oldest = i
    destroy(this.#entries.splice(oldest, 1)[0]!)
  }
}

function destroy(e: Entry): void {
  e.cipher.destroy()
  e.bytes.fill(0)
}

/**
 * Creates a keyring: the imported keys of one owner, kept by value (a lookup compares bytes,
 * so a fresh array with the same key finds the same imported key), at most `maxKeys` of them.
 * Pass it to `@tuya/codec`'s `encodeFrame`/`decodeFrame` (`keyring` option) so that a
 * connection's frames reuse one key setup, and `clear()` it when the owner is done.
 *
 * @param options - backend (default noble), maxKeys (default 4)
 * @returns an empty keyring
 * @throws TypeError for a backend that is not a CryptoBackend; RangeError for a bad maxKeys
 * @example
 * const keyring = createKeyring({ backend: nodeCryptoBackend, maxKeys: 2 })
 * decodeFrame(frame, { version: '3.5', key: sessionKey, keyring }) // later frames reuse the expanded key
 * keyring.clear() // the connection closed: wipe its keys
 */
export function createKeyring(options: KeyringOptions = {}): Keyring {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object: { backend?, maxKeys? }')
  const backend = options.backend ?? nobleBackend
  assertBackend(backend, 'options.backend')
  const maxKeys = options.maxKeys ?? 4
  if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new RangeError(`options.maxKeys must be an integer >= 1, got ${String(maxKeys)}`)
  return new KeyringImpl(backend, maxKeys)
}
