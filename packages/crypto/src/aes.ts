import { gcm, unsafe } from '@noble/ciphers/aes.js'
import { assertBytes } from './bytes.ts'
import { AuthenticationError, BadPaddingError, DecryptError } from './errors.ts'

/** AES block size in bytes. */
export const AES_BLOCK_BYTES = 16
/** AES-GCM nonce (IV) length used by Tuya 3.5, in bytes. */
export const GCM_IV_BYTES = 12
/** AES-GCM tag length used by Tuya 3.5, in bytes. */
export const GCM_TAG_BYTES = 16

/** Options for AES-ECB. */
export interface EcbOptions {
  /** Add (encrypt) or check and remove (decrypt) PKCS#7 padding. Default `true`. */
  padding?: boolean
}

interface ExpandedKey {
  readonly key: Uint8Array
  readonly enc: Uint32Array
  dec?: Uint32Array
}

// Expanding an AES key costs more than encrypting a 100-byte frame, and a Tuya peer uses
// one key for many frames. Cache by key object, and re-check the bytes on every hit so a
// caller that mutates its key array still gets the right answer.
const expanded = new WeakMap<Uint8Array, ExpandedKey>()

function expand(key: Uint8Array): ExpandedKey {
  assertBytes(key, 'key', 16)
  const hit = expanded.get(key)
  if (hit !== undefined && sameKey(hit.key, key)) return hit
  const entry: ExpandedKey = { key: key.slice(), enc: unsafe.expandKeyLE(key) }
  expanded.set(key, entry)
  return entry
}

function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false
  return true
}

function word(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)
}

function put(out: Uint8Array, i: number, w: number): void {
  out[i] = w
  out[i + 1] = w >>> 8
  out[i + 2] = w >>> 16
  out[i + 3] = w >>> 24
}

/**
 * AES-128-ECB encryption, PKCS#7-padded unless `padding: false` (then the input must be
 * whole blocks). Padding is always added: 16 bytes in, 32 bytes out.
 *
 * ECB leaks equal blocks; it is here only because Tuya 3.1-3.4 use it.
 *
 * @param key - 16-byte AES key (for a device, the ASCII bytes of its local key)
 * @param data - plaintext
 * @returns ciphertext, a multiple of 16 bytes
 * @throws RangeError if the key is not 16 bytes, or unpadded data is not whole blocks
 * @example aesEcbEncrypt(utf8ToBytes('4a5e1f0c9b2d7e38'), utf8ToBytes('{"dps":{}}'))
 */
export function aesEcbEncrypt(key: Uint8Array, data: Uint8Array, options: EcbOptions = {}): Uint8Array {
  const { enc } = expand(key)
  assertBytes(data, 'data')
  const padding = options.padding ?? true
  if (!padding && data.length % AES_BLOCK_BYTES !== 0) {
    throw new RangeError(`data must be a multiple of 16 bytes without padding, got ${data.length}`)
  }
  const full = data.length - (data.length % AES_BLOCK_BYTES)
  const out = new Uint8Array(padding ? full + AES_BLOCK_BYTES : full)
  out.set(data)
  if (padding) out.fill(out.length - data.length, data.length)
  for (let i = 0; i < out.length; i += AES_BLOCK_BYTES) {
    const r = unsafe.encrypt(enc, word(out, i), word(out, i + 4), word(out, i + 8), word(out, i + 12))
    put(out, i, r.s0)
    put(out, i + 4, r.s1)
    put(out, i + 8, r.s2)
    put(out, i + 12, r.s3)
  }
  return out
}

/**
 * AES-128-ECB decryption; checks and removes PKCS#7 padding unless `padding: false`.
 *
 * @param key - 16-byte AES key
 * @param data - ciphertext, a multiple of 16 bytes
 * @returns plaintext
 * @throws DecryptError if the ciphertext is not whole blocks; BadPaddingError if the
 *   padding is invalid (on the wire: a wrong key or protocol version)
 */
export function aesEcbDecrypt(key: Uint8Array, data: Uint8Array, options: EcbOptions = {}): Uint8Array {
  const entry = expand(key)
  assertBytes(data, 'data')
  if (data.length % AES_BLOCK_BYTES !== 0) {
    throw new DecryptError(`AES-ECB ciphertext must be a multiple of 16 bytes, got ${data.length}: wrong key, wrong version, or not ciphertext`)
  }
  const dec = (entry.dec ??= unsafe.expandKeyDecLE(entry.key))
  const out = new Uint8Array(data.length)
  for (let i = 0; i < data.length; i += AES_BLOCK_BYTES) {
    const r = unsafe.decrypt(dec, word(data, i), word(data, i + 4), word(data, i + 8), word(data, i + 12))
    put(out, i, r.s0)
    put(out, i + 4, r.s1)
    put(out, i + 8, r.s2)
    put(out, i + 12, r.s3)
  }
  if (options.padding ?? true) return out.subarray(0, out.length - padLength(out))
  return out
}

function padLength(plain: Uint8Array): number {
  if (plain.length === 0) throw new BadPaddingError('AES-ECB ciphertext is empty, so it has no PKCS#7 padding: wrong key or version')
  const p = plain[plain.length - 1]!
  let bad = p === 0 || p > AES_BLOCK_BYTES ? 1 : 0
  for (let i = 1; i <= AES_BLOCK_BYTES && bad === 0; i++) {
    if (i <= p && plain[plain.length - i] !== p) bad = 1
  }
  if (bad) throw new BadPaddingError('AES-ECB plaintext has invalid PKCS#7 padding: the key or the protocol version is wrong')
  return p
}

/**
 * AES-128-GCM encryption with a 12-byte IV and a 16-byte tag.
 *
 * Never reuse an IV under one key: take it from a {@link RandomSource}.
 *
 * @param key - 16-byte key
 * @param iv - 12-byte nonce
 * @param plaintext - data to encrypt
 * @param aad - additional authenticated data (Tuya 3.5: frame bytes 4..18)
 * @returns `ciphertext || tag` (plaintext length + 16 bytes)
 * @throws RangeError for a wrong key or IV length
 */
export function aesGcmEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
  assertBytes(key, 'key', 16)
  assertBytes(iv, 'iv', GCM_IV_BYTES)
  assertBytes(plaintext, 'plaintext')
  if (aad !== undefined) assertBytes(aad, 'aad')
  return gcm(key, iv, aad).encrypt(plaintext)
}

/**
 * AES-128-GCM decryption. The tag is verified before any plaintext is produced
 * (NIST SP 800-38D §7.2); on failure nothing is released.
 *
 * @param key - 16-byte key
 * @param iv - 12-byte nonce
 * @param sealed - `ciphertext || tag`
 * @param aad - additional authenticated data
 * @returns plaintext
 * @throws AuthenticationError when the tag does not verify (wrong key or wrong version);
 *   DecryptError when `sealed` is shorter than a tag
 */
export function aesGcmDecrypt(key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array {
  assertBytes(key, 'key', 16)
  assertBytes(iv, 'iv', GCM_IV_BYTES)
  assertBytes(sealed, 'sealed')
  if (aad !== undefined) assertBytes(aad, 'aad')
  if (sealed.length < GCM_TAG_BYTES) {
    throw new DecryptError(`AES-GCM input is ${sealed.length} bytes, shorter than its 16-byte tag`)
  }
  try {
    return gcm(key, iv, aad).decrypt(sealed)
  } catch (cause) {
    throw new AuthenticationError('AES-GCM tag does not verify: wrong key or wrong protocol version (or damaged bytes)', { cause })
  }
}
