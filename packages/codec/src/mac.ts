/**
 * HMAC-SHA256 for 3.4 frames under the frame's imported key, whose keyed state (the hashed
 * pads) its keyring keeps between frames.
 */
import { hmacSha256, type CipherKey } from '@tuya/crypto'

/** HMAC-SHA256(key, message), 32 bytes. */
export function hmac(key: CipherKey, message: Uint8Array): Uint8Array {
  return hmacSha256(key, message)
}

/** Constant-time comparison of `mac` with `b[at : at + mac.length]` (no view of `b` needed). */
export function macMatches(mac: Uint8Array, b: Uint8Array, at: number): boolean {
  let diff = 0
  for (let i = 0; i < mac.length; i++) diff |= mac[i]! ^ b[at + i]!
  return diff === 0
}
