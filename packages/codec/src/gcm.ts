/**
 * AES-128-GCM for 6699 frames (NIST SP 800-38D, 96-bit IVs), on @tuya/crypto.
 *
 * @tuya/crypto keeps the expanded key and the GHASH tables per key (a Tuya connection uses
 * one key for thousands of frames), and goes through its swappable backend, so
 * `setCryptoBackend(nodeCryptoBackend)` speeds up 3.5 frames as well. This module only
 * adapts the frame's layout: plaintext in parts, ciphertext at an offset of the frame.
 */
import { aesGcmDecrypt, aesGcmEncrypt, allocBytes } from '@tuya/crypto'

/**
 * Encrypts the concatenation of `parts` into `out[at : at + n]` and writes the 16-byte tag
 * right after it.
 */
export function gcmSealInto(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, parts: readonly Uint8Array[], out: Uint8Array, at: number): void {
  let plain: Uint8Array
  const nonEmpty = parts.filter((p) => p.length > 0)
  if (nonEmpty.length === 1) plain = nonEmpty[0]!
  else {
    let n = 0
    for (const p of parts) n += p.length
    plain = allocBytes(n)
    let o = 0
    for (const p of parts) {
      plain.set(p, o)
      o += p.length
    }
  }
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
