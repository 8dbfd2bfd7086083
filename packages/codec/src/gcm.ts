/**
 * AES-128-GCM for 6699 frames (NIST SP 800-38D, 96-bit IVs), on @tuya/crypto.
 *
 * @tuya/crypto keeps the expanded key and the GHASH tables per key (a Tuya connection uses
 * one key for thousands of frames), and goes through its swappable backend, so
 * `setCryptoBackend(nodeCryptoBackend)` speeds up 3.5 frames as well. This module only
 * adapts the frame's layout: ciphertext at an offset of the frame.
 */
import { aesGcmDecrypt, aesGcmEncrypt } from '@tuya/crypto'

/** Encrypts `plain` into `out[at : at + plain.length]` and writes the 16-byte tag right after it. */
export function gcmSealInto(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, plain: Uint8Array, out: Uint8Array, at: number): void {
  out.set(aesGcmEncrypt(key, iv, plain, aad), at)
}

/**
 * Verifies the tag of `sealed[start:end]` (ciphertext || tag) and returns the plaintext.
 *
 * @throws AuthenticationError when the tag does not verify (nothing is decrypted then)
 */
export function gcmOpen(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, sealed: Uint8Array, start: number, end: number): Uint8Array {
  return aesGcmDecrypt(key, iv, sealed.subarray(start, end), aad)
}
