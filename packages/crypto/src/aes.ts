import { nobleBackend, type CipherKey } from './backend.ts'
import { assertBytes, isBytes } from './bytes.ts'
import { AuthenticationError, BadPaddingError, DecryptError } from './errors.ts'

/** AES block size in bytes. */
export const AES_BLOCK_BYTES = 16
/** AES-GCM nonce (IV) length used by Tuya 3.5, in bytes. */
export const GCM_IV_BYTES = 12
/** AES-GCM tag length used by Tuya 3.5, in bytes. */
export const GCM_TAG_BYTES = 16

/**
 * A key for the functions of this package: its bytes (imported into the noble backend for
 * this one call, and wiped after it), or a key already imported into a backend (from a
 * {@link Keyring} or `backend.importKey`), which is reused and keeps its owner's backend.
 */
export type KeyOrCipher = Uint8Array | CipherKey

/**
 * Runs `fn` with `key` as an imported key: the given one, or a fresh noble import that is
 * destroyed afterwards. Raw AES keys must be `aesBytes` long.
 */
export function withCipherKey<T>(key: KeyOrCipher, aesBytes: number | undefined, fn: (cipher: CipherKey) => T): T {
  if (!isBytes(key)) {
    if (typeof key !== 'object' || key === null || typeof (key as CipherKey).destroy !== 'function') {
      throw new TypeError('key must be a Uint8Array or a CipherKey (from a Keyring or backend.importKey)')
    }
    return fn(key)
  }
  assertBytes(key, 'key', aesBytes)
  const cipher = nobleBackend.importKey(key)
  try {
    return fn(cipher)
  } finally {
    cipher.destroy()
  }
}

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
 * @param key - 16-byte AES key (for a device, the ASCII bytes of its local key), or an imported key
 * @param data - plaintext
 * @returns ciphertext, a multiple of 16 bytes
 * @throws RangeError if the key is not 16 bytes, or unpadded data is not whole blocks
 * @example aesEcbEncrypt(utf8ToBytes('4a5e1f0c9b2d7e38'), utf8ToBytes('{"dps":{}}'))
 */
export function aesEcbEncrypt(key: KeyOrCipher, data: Uint8Array, options: EcbOptions = {}): Uint8Array {
  assertBytes(data, 'data')
  const padding = options.padding ?? true
  if (!padding && data.length % AES_BLOCK_BYTES !== 0) {
    throw new RangeError(`data must be a multiple of 16 bytes without padding, got ${data.length}`)
  }
  const full = data.length - (data.length % AES_BLOCK_BYTES)
  const out = new Uint8Array(padding ? full + AES_BLOCK_BYTES : full)
  out.set(data)
  if (padding) out.fill(out.length - data.length, data.length)
  return withCipherKey(key, 16, (cipher) => cipher.ecbEncrypt(out))
}

/**
 * AES-128-ECB decryption; checks and removes PKCS#7 padding unless `padding: false`.
 *
 * @param key - 16-byte AES key, or an imported key
 * @param data - ciphertext, a multiple of 16 bytes
 * @returns plaintext
 * @throws DecryptError if the ciphertext is not whole blocks; BadPaddingError if the
 *   padding is invalid (on the wire: a wrong key or protocol version)
 */
export function aesEcbDecrypt(key: KeyOrCipher, data: Uint8Array, options: EcbOptions = {}): Uint8Array {
  assertBytes(data, 'data')
  if (data.length % AES_BLOCK_BYTES !== 0) {
    throw new DecryptError(`AES-ECB ciphertext must be a multiple of 16 bytes, got ${data.length}: wrong key, wrong version, or not ciphertext`)
  }
  const out = data.length === 0 ? new Uint8Array(0) : withCipherKey(key, 16, (cipher) => cipher.ecbDecrypt(data))
  if (!(options.padding ?? true)) return out
  let pad: number
  try {
    pad = padLength(out)
  } catch (error) {
    out.fill(0)
    throw error
  }
  // The same ArrayBuffer, but only this plaintext's: the padding bytes are zeroed.
  out.fill(0, out.length - pad)
  return out.subarray(0, out.length - pad)
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
 * @param key - 16-byte key, or an imported key
 * @param iv - 12-byte nonce
 * @param plaintext - data to encrypt
 * @param aad - additional authenticated data (Tuya 3.5: frame bytes 4..18)
 * @returns `ciphertext || tag` (plaintext length + 16 bytes)
 * @throws RangeError for a wrong key or IV length
 */
export function aesGcmEncrypt(key: KeyOrCipher, iv: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
  assertBytes(iv, 'iv', GCM_IV_BYTES)
  assertBytes(plaintext, 'plaintext')
  if (aad !== undefined) assertBytes(aad, 'aad')
  return withCipherKey(key, 16, (cipher) => cipher.gcmEncrypt(iv, plaintext, aad))
}

/**
 * AES-128-GCM decryption. The tag is verified before any plaintext is produced
 * (NIST SP 800-38D §7.2); on failure nothing is released.
 *
 * @param key - 16-byte key, or an imported key
 * @param iv - 12-byte nonce
 * @param sealed - `ciphertext || tag`
 * @param aad - additional authenticated data
 * @returns plaintext
 * @throws AuthenticationError when the tag does not verify (wrong key or wrong version);
 *   DecryptError when `sealed` is shorter than a tag
 */
export function aesGcmDecrypt(key: KeyOrCipher, iv: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array {
  assertBytes(iv, 'iv', GCM_IV_BYTES)
  assertBytes(sealed, 'sealed')
  if (aad !== undefined) assertBytes(aad, 'aad')
  if (sealed.length < GCM_TAG_BYTES) {
    throw new DecryptError(`AES-GCM input is ${sealed.length} bytes, shorter than its 16-byte tag`)
  }
  const plaintext = withCipherKey(key, 16, (cipher) => cipher.gcmDecrypt(iv, sealed, aad))
  if (plaintext === undefined) throw new AuthenticationError('AES-GCM tag does not verify: wrong key or wrong protocol version (or damaged bytes)')
  return plaintext
}
