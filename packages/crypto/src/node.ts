/**
 * `@tuya/crypto/node`: an optional {@link CryptoBackend} on node:crypto (OpenSSL, with the
 * CPU's AES and SHA instructions), for servers that handle many 3.x frames. Also works on
 * Bun and Deno through their node:crypto. The main entry never imports this file, so
 * browsers and bundles stay free of `node:` imports.
 *
 * @example
 * ```ts
 * import { createDevice } from '@tuya/client'
 * import { nodeCryptoBackend } from '@tuya/crypto/node'
 *
 * const plug = createDevice({ id, key, host, version: '3.5', cryptoBackend: nodeCryptoBackend })
 * ```
 * @packageDocumentation
 */
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, type Cipher, type Decipher, type KeyObject } from 'node:crypto'
import type { CipherKey, CryptoBackend } from './backend.ts'

const TAG_BYTES = 16

/**
 * A Buffer as a plain Uint8Array with an ArrayBuffer of its own: Node gives such Buffers
 * (a view, no copy); Bun and Deno may carve them from a shared pool, so those are copied out
 * and their pooled bytes wiped, and no other data is reachable through `.buffer`.
 */
function own(b: Uint8Array): Uint8Array {
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength) return new Uint8Array(b.buffer, 0, b.byteLength)
  const copy = new Uint8Array(b)
  b.fill(0)
  return copy
}

/**
 * A key on OpenSSL. Its bytes live in a KeyObject, which JavaScript cannot wipe: `destroy()`
 * drops it (and the ECB contexts) for the garbage collector, which frees OpenSSL's copy.
 */
class NodeCipherKey implements CipherKey {
  #secret: KeyObject | undefined
  readonly #length: number
  // ECB without padding keeps no state between blocks, so one cipher context per direction
  // serves every frame (update() only, final() never): no per-frame OpenSSL context setup.
  #enc: Cipher | undefined
  #dec: Decipher | undefined

  constructor(key: Uint8Array) {
    // createSecretKey copies the bytes into OpenSSL: wipe the copy handed to it.
    const copy = new Uint8Array(key)
    this.#secret = createSecretKey(copy)
    copy.fill(0)
    this.#length = key.length
  }

  #key(): KeyObject {
    if (this.#secret === undefined) throw new TypeError('this key was destroyed (its owner closed): import the key again')
    return this.#secret
  }

  #aesKey(): KeyObject {
    if (this.#length !== 16) throw new RangeError(`an AES-128 key must be 16 bytes, got ${this.#length}`)
    return this.#key()
  }

  ecbEncrypt(blocks: Uint8Array): Uint8Array {
    this.#enc ??= createCipheriv('aes-128-ecb', this.#aesKey(), null).setAutoPadding(false)
    return own(this.#enc.update(blocks))
  }

  ecbDecrypt(blocks: Uint8Array): Uint8Array {
    this.#dec ??= createDecipheriv('aes-128-ecb', this.#aesKey(), null).setAutoPadding(false)
    return own(this.#dec.update(blocks))
  }

  gcmEncrypt(iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array | undefined, into?: Uint8Array): Uint8Array {
    const n = plaintext.length
    const c = createCipheriv('aes-128-gcm', this.#aesKey(), iv)
    if (aad !== undefined) c.setAAD(aad)
    // update() has read all of the plaintext before `into` (maybe the same bytes) is written.
    const ct = c.update(plaintext)
    c.final()
    const out = into ?? new Uint8Array(n + TAG_BYTES)
    out.set(ct)
    out.set(c.getAuthTag(), n)
    return out
  }

  gcmDecrypt(iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array | undefined): Uint8Array | undefined {
    const n = sealed.length - TAG_BYTES
    const d = createDecipheriv('aes-128-gcm', this.#aesKey(), iv)
    if (aad !== undefined) d.setAAD(aad)
    d.setAuthTag(sealed.subarray(n))
    // OpenSSL checks the tag only in final(): keep update()'s output private until it passes.
    const out = d.update(sealed.subarray(0, n))
    try {
      d.final()
    } catch {
      out.fill(0)
      return undefined
    }
    return own(out)
  }

  hmacSha256(message: Uint8Array): Uint8Array {
    return own(createHmac('sha256', this.#key()).update(message).digest())
  }

  destroy(): void {
    this.#secret = undefined
    this.#enc = undefined
    this.#dec = undefined
  }
}

/**
 * AES-ECB, AES-GCM and HMAC-SHA256 on node:crypto (OpenSSL) at every size (an OpenSSL call
 * beats noble even on a 100-byte frame: bench/backends.bench.ts); byte-identical to
 * {@link nobleBackend}. Choose it per owner: `createKeyring({ backend: nodeCryptoBackend })`,
 * or the `cryptoBackend` option of `@tuya/session`, `@tuya/client` and `@tuya/mock`.
 */
export const nodeCryptoBackend: CryptoBackend = Object.freeze({
  name: 'node:crypto',
  importKey: (key: Uint8Array): CipherKey => new NodeCipherKey(key),
})
