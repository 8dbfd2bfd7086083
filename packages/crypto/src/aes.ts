import { allocBytes } from './alloc.ts'
import { getCryptoBackend } from './backend.ts'
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
  assertBytes(key, 'key', 16)
  assertBytes(data, 'data')
  const padding = options.padding ?? true
  if (!padding && data.length % AES_BLOCK_BYTES !== 0) {
    throw new RangeError(`data must be a multiple of 16 bytes without padding, got ${data.length}`)
  }
  const full = data.length - (data.length % AES_BLOCK_BYTES)
  const out = allocBytes(padding ? full + AES_BLOCK_BYTES : full)
  out.set(data)
  if (padding) out.fill(out.length - data.length, data.length)
  return getCryptoBackend().ecbEncrypt(key, out)
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
  assertBytes(key, 'key', 16)
  assertBytes(data, 'data')
  if (data.length % AES_BLOCK_BYTES !== 0) {
    throw new DecryptError(`AES-ECB ciphertext must be a multiple of 16 bytes, got ${data.length}: wrong key, wrong version, or not ciphertext`)
  }
  const out = data.length === 0 ? allocBytes(0) : getCryptoBackend().ecbDecrypt(key, data)
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
  return getCryptoBackend().gcmEncrypt(key, iv, plaintext, aad)
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
  const plaintext = getCryptoBackend().gcmDecrypt(key, iv, sealed, aad)
  if (plaintext === undefined) throw new AuthenticationError('AES-GCM tag does not verify: wrong key or wrong protocol version (or damaged bytes)')
  return plaintext
}
