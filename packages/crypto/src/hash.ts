/**
 * SHA-256 and HMAC-SHA256 from `@noble/hashes/sha2.js` and `hmac.js`, MD5 from
 * `@noble/hashes/legacy.js`.
 */
import { md5 as nobleMd5 } from '@noble/hashes/legacy.js'
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { withCipherKey, type KeyOrCipher } from './aes.ts'
import { assertBytes } from './bytes.ts'

/**
 * HMAC-SHA256 of `message` under `key` (32 bytes out): the 3.4 frame trailer and the
 * 3.4/3.5 handshake proofs.
 *
 * @param key - the key bytes (any length), or an imported key (a Keyring's: its keyed state is reused)
 * @param message - the data to authenticate
 * @returns the 32-byte MAC
 * @throws TypeError for a key or message that is not bytes
 * @example hmacSha256(utf8ToBytes('4a5e1f0c9b2d7e38'), clientNonce) // the 3.4 RESP proof
 */
export function hmacSha256(key: KeyOrCipher, message: Uint8Array): Uint8Array {
  assertBytes(message, 'message')
  return withCipherKey(key, undefined, (cipher) => cipher.hmacSha256(message))
}

/**
 * SHA-256 of `data` (32 bytes, FIPS 180-4).
 * @throws TypeError for data that is not bytes
 * @example bytesToHex(sha256(utf8ToBytes('abc'))) // 'ba7816bf…'
 */
export function sha256(data: Uint8Array): Uint8Array {
  assertBytes(data, 'data')
  return nobleSha256(data)
}

/**
 * MD5 of `data` (16 bytes, RFC 1321). Used by 3.1 signatures and the discovery key; not for security.
 * @throws TypeError for data that is not bytes
 */
export function md5(data: Uint8Array): Uint8Array {
  assertBytes(data, 'data')
  return nobleMd5(data)
}
