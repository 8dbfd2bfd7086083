/**
 * `@tuya/crypto/node`: an optional {@link CryptoBackend} on node:crypto (OpenSSL), for
 * servers that decode many large 3.4/3.5 frames. Also works on Bun and Deno through their
 * node:crypto. The main entry never imports this file, so browsers and bundles stay free
 * of `node:` imports.
 *
 * @example
 * ```ts
 * import { setCryptoBackend } from '@tuya/crypto'
 * import { nodeCryptoBackend } from '@tuya/crypto/node'
 *
 * setCryptoBackend(nodeCryptoBackend) // every @tuya/* package now uses OpenSSL for AES and HMAC
 * ```
 * @packageDocumentation
 */
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, type Cipher, type Decipher, type KeyObject } from 'node:crypto'
import { allocBytes } from './alloc.ts'
import { nobleBackend, type CryptoBackend } from './backend.ts'
import { ecbMaterial, encMaterial, hmacPadsOf } from './key-material.ts'
import { HMAC_PAD_WORDS, hmacWithPads } from './sha256.ts'

const TAG_BYTES = 16

// Below these sizes the pure-JS code is faster than a call into OpenSSL (context setup and
// the C++ boundary cost ~1-3 us; measured on Node 20 with bench/backends.bench.ts), so
// small frames stay in JS and only large ones go native. The output is identical either way.
const NATIVE_MIN_BYTES = 256
const GCM_NATIVE_MIN_BYTES = 512

/** A Buffer as a plain Uint8Array view (no copy), so no Buffer leaks out of the package. */
function plain(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
}

interface NativeKey {
  /** OpenSSL's copy of the key: createCipheriv with a KeyObject skips re-importing it. */
  readonly secret: KeyObject
  enc?: Cipher
  dec?: Decipher
}

// ECB without padding keeps no state between blocks, so one cipher context per key serves
// every frame (update() only, final() never): no per-frame OpenSSL context setup. Kept per
// key material (key-material.ts), which holds the key bytes and re-checks the caller's array
// against them, so a NativeKey needs no copy of its own.
const keys = new WeakMap<Int32Array, NativeKey>()

/** The key bytes held in words 0-3 of a material. */
function keyBytes(m: Int32Array): Uint8Array {
  const k = new Uint8Array(16)
  for (let i = 0; i < 16; i++) k[i] = m[i >>> 2]! >>> ((i & 3) << 3)
  return k
}

function nativeOf(m: Int32Array): NativeKey {
  let entry = keys.get(m)
  if (entry === undefined) {
    const k = keyBytes(m)
    entry = { secret: createSecretKey(k) }
    k.fill(0)
    keys.set(m, entry)
  }
  return entry
}

function hmacFactory(key: Uint8Array): (parts: readonly Uint8Array[]) => Uint8Array {
  const pads = hmacPadsOf(key)
  const at = pads.length - HMAC_PAD_WORDS
  // Imported into OpenSSL only when a large input comes (most never do): a key used for AES
  // shares the KeyObject of its material; a key with pads of its own keeps a copy until then.
  const copy = at === 0 ? key.slice() : undefined
  let secret: KeyObject | undefined
  return (parts) => {
    let n = 0
    for (const p of parts) n += p.length
    if (n < NATIVE_MIN_BYTES) return hmacWithPads(pads, at, parts)
    secret ??= copy === undefined ? nativeOf(pads).secret : createSecretKey(copy)
    const h = createHmac('sha256', secret)
    for (const p of parts) h.update(p)
    return plain(h.digest())
  }
}

/**
 * AES-ECB, AES-GCM and HMAC-SHA256 on node:crypto for inputs of 256 bytes and more (GCM:
 * 512), the pure-JS default below that; byte-identical to the default backend.
 */
export const nodeCryptoBackend: CryptoBackend = Object.freeze({
  name: 'node:crypto',
  ecbEncrypt(key: Uint8Array, blocks: Uint8Array): Uint8Array {
    if (blocks.length < NATIVE_MIN_BYTES) return nobleBackend.ecbEncrypt(key, blocks)
    const c = nativeOf(ecbMaterial(key))
    c.enc ??= createCipheriv('aes-128-ecb', c.secret, null).setAutoPadding(false)
    return plain(c.enc.update(blocks))
  },
  ecbDecrypt(key: Uint8Array, blocks: Uint8Array): Uint8Array {
    if (blocks.length < NATIVE_MIN_BYTES) return nobleBackend.ecbDecrypt(key, blocks)
    const c = nativeOf(ecbMaterial(key))
    c.dec ??= createDecipheriv('aes-128-ecb', c.secret, null).setAutoPadding(false)
    return plain(c.dec.update(blocks))
  },
  gcmEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array | undefined): Uint8Array {
    if (plaintext.length < GCM_NATIVE_MIN_BYTES) return nobleBackend.gcmEncrypt(key, iv, plaintext, aad)
    const c = createCipheriv('aes-128-gcm', nativeOf(encMaterial(key)).secret, iv)
    if (aad !== undefined) c.setAAD(aad)
    const out = allocBytes(plaintext.length + TAG_BYTES)
    out.set(c.update(plaintext))
    c.final()
    out.set(c.getAuthTag(), plaintext.length)
    return out
  },
  gcmDecrypt(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array | undefined): Uint8Array | undefined {
    const n = sealed.length - TAG_BYTES
    if (n < GCM_NATIVE_MIN_BYTES) return nobleBackend.gcmDecrypt(key, iv, sealed, aad)
    const d = createDecipheriv('aes-128-gcm', nativeOf(encMaterial(key)).secret, iv)
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
    return plain(out)
  },
  hmacSha256: hmacFactory,
})
