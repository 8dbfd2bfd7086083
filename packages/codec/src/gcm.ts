/**
 * AES-128-GCM for 6699 frames (NIST SP 800-38D, 96-bit IVs), on @tuya/crypto, under a key
 * imported into the caller's keyring (its backend, its expanded key and GHASH table). This
 * module only adapts the frame's layout: ciphertext at an offset of the frame.
 */
import { aesGcmDecrypt, aesGcmEncrypt, type CipherKey } from '@tuya/crypto'

/** Encrypts `plain` into `out[at : at + plain.length]` and writes the 16-byte tag right after it. */
export function gcmSealInto(key: CipherKey, iv: Uint8Array, aad: Uint8Array, plain: Uint8Array, out: Uint8Array, at: number): void {
  out.set(aesGcmEncrypt(key, iv, plain, aad), at)
}

/**
 * Verifies the tag of `sealed[start:end]` (ciphertext || tag) and returns the plaintext.
 *
 * @throws AuthenticationError when the tag does not verify (nothing is decrypted then)
 */
export function gcmOpen(key: CipherKey, iv: Uint8Array, aad: Uint8Array, sealed: Uint8Array, start: number, end: number): Uint8Array {
  return aesGcmDecrypt(key, iv, sealed.subarray(start, end), aad)
}
