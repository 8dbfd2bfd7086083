/**
 * @packageDocumentation
 * The cryptographic primitives of the Tuya LAN protocol, in pure JavaScript: AES-128-ECB
 * (PKCS#7 or unpadded), AES-128-GCM, HMAC-SHA256, MD5 and CRC32, plus byte helpers and an
 * injectable random source.
 * Uint8Array in, Uint8Array out; no Buffer, no `node:` imports; runs on Node, Bun, Deno
 * and browsers. AES and HMAC run on a swappable backend: `setCryptoBackend(nodeCryptoBackend)`
 * (from `@tuya/crypto/node`) moves large inputs to OpenSSL.
 *
 * @example
 * ```ts
 * import { aesEcbEncrypt, aesEcbDecrypt, crc32, utf8ToBytes, bytesToHex } from '@tuya/crypto'
 *
 * const key = utf8ToBytes('4a5e1f0c9b2d7e38') // a local key is ASCII, never hex
 * const sealed = aesEcbEncrypt(key, utf8ToBytes('{"dps":{"1":true}}'))
 * console.log(bytesToHex(sealed).length / 2) // 32: PKCS#7 always pads
 * console.log(new TextDecoder().decode(aesEcbDecrypt(key, sealed)))
 * console.log(crc32(utf8ToBytes('123456789')).toString(16)) // cbf43926
 * ```
 */
export { aesEcbDecrypt, aesEcbEncrypt, aesGcmDecrypt, aesGcmEncrypt, AES_BLOCK_BYTES, GCM_IV_BYTES, GCM_TAG_BYTES } from './aes.ts'
export type { EcbOptions } from './aes.ts'
export { allocBytes } from './alloc.ts'
export { getCryptoBackend, nobleBackend, setCryptoBackend } from './backend.ts'
export type { CryptoBackend } from './backend.ts'
export { assertBytes, bytesToHex, bytesToUtf8, concatBytes, equalBytes, hexToBytes, isBytes, utf8ToBytes } from './bytes.ts'
export { crc32 } from './crc32.ts'
export { AuthenticationError, BadPaddingError, DecryptError, TuyaError } from './errors.ts'
export { createHmacSha256, hmacSha256, md5 } from './hash.ts'
export { defaultRandom, randomBytes } from './random.ts'
export type { RandomSource } from './random.ts'
