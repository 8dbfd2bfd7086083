/**
 * AES-128-GCM for 6699 frames (NIST SP 800-38D, 96-bit IVs), on @tuya/crypto, under a key
 * imported into the caller's keyring (its backend, its expanded key and GHASH table). This
 * module only adapts the frame's layout: ciphertext at an offset of the frame.
 */
import { aesGcmDecrypt, type CipherKey } from '@tuya/crypto'

/**
 * Encrypts the plaintext at `buf[at : at + n]` in place and writes the 16-byte tag right after
 * it (the frame is built with its plaintext where the ciphertext goes: no plaintext array of
 * its own, no result array to copy back).
 */
export function gcmSealInPlace(key: CipherKey, iv: Uint8Array, aad: Uint8Array, buf: Uint8Array, at: number, n: number): void {
  const into = buf.subarray(at, at + n + 16)
  const sealed = key.gcmEncrypt(iv, buf.subarray(at, at + n), aad, into)
  // A backend written before `into` existed returns a new array and leaves the plaintext in place.
  if (sealed !== into) into.set(sealed)
}

/**
 * Verifies the tag of `sealed[start:end]` (ciphertext || tag) and returns the plaintext.
 *
 * @throws AuthenticationError when the tag does not verify (nothing is decrypted then)
 */
export function gcmOpen(key: CipherKey, iv: Uint8Array, aad: Uint8Array, sealed: Uint8Array, start: number, end: number): Uint8Array {
  return aesGcmDecrypt(key, iv, sealed.subarray(start, end), aad)
}
