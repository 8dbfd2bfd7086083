/**
 * @packageDocumentation
 * The cryptographic primitives of the Tuya LAN protocol: AES-128-ECB (PKCS#7 or unpadded),
 * AES-128-GCM, HMAC-SHA256, SHA-256 and MD5 on the audited `@noble/ciphers` and
 * `@noble/hashes`, CRC32, plus byte helpers and an injectable random source.
 * Uint8Array in, Uint8Array out; no Buffer, no `node:` imports; runs on Node, Bun, Deno
 * and browsers. Keys are imported into a backend (noble by default; OpenSSL from
 * `@tuya/crypto/node`) and held in a {@link Keyring} by whoever owns them.
 *
 * @example
 * ```ts
 * import { aesEcbEncrypt, aesEcbDecrypt, createKeyring, crc32, utf8ToBytes, bytesToHex } from '@tuya/crypto'
 *
 * const key = utf8ToBytes('4a5e1f0c9b2d7e38') // a local key is ASCII, never hex
 * const sealed = aesEcbEncrypt(key, utf8ToBytes('{"dps":{"1":true}}'))
 * console.log(bytesToHex(sealed).length / 2) // 32: PKCS#7 always pads
 * const keyring = createKeyring() // reuse the expanded key across calls
 * console.log(new TextDecoder().decode(aesEcbDecrypt(keyring.key(key), sealed)))
 * keyring.clear() // wipe it when done
 * console.log(crc32(utf8ToBytes('123456789')).toString(16)) // cbf43926
 * ```
 */
export { aesEcbDecrypt, aesEcbEncrypt, aesGcmDecrypt, aesGcmEncrypt, AES_BLOCK_BYTES, GCM_IV_BYTES, GCM_TAG_BYTES } from './aes.ts'
export type { EcbOptions, KeyOrCipher } from './aes.ts'
export { nobleBackend } from './backend.ts'
export type { CipherKey, CryptoBackend } from './backend.ts'
export { createKeyring } from './keyring.ts'
export type { Keyring, KeyringOptions } from './keyring.ts'
export { assertBytes, bytesToHex, bytesToUtf8, concatBytes, equalBytes, hexToBytes, isBytes, utf8ToBytes } from './bytes.ts'
export { crc32 } from './crc32.ts'
export { AuthenticationError, BadPaddingError, DecryptError, TuyaError } from './errors.ts'
export { hmacSha256, md5, sha256 } from './hash.ts'
export { defaultRandom, randomBytes } from './random.ts'
export type { RandomSource } from './random.ts'
