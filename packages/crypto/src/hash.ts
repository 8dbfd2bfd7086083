import { getCryptoBackend, type CryptoBackend } from './backend.ts'
import { assertBytes } from './bytes.ts'
import { md5Digest } from './md5.ts'

/**
 * HMAC-SHA256 of `message` under `key` (32 bytes out): the 3.4 frame trailer and the
 * 3.4/3.5 handshake proofs.
 */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  assertBytes(key, 'key')
  assertBytes(message, 'message')
  return getCryptoBackend().hmacSha256(key)([message])
}

/**
 * A reusable HMAC-SHA256 keyed once: `mac(...parts)` is the MAC of their concatenation.
 * Saves re-hashing the key pads for every frame of a session.
 */
export function createHmacSha256(key: Uint8Array): { mac(...parts: Uint8Array[]): Uint8Array } {
  assertBytes(key, 'key')
  const copy = key.slice()
  let keyedBy: CryptoBackend | undefined
  let keyed: (parts: readonly Uint8Array[]) => Uint8Array = () => new Uint8Array(0)
  return {
    mac(...parts) {
      for (const p of parts) assertBytes(p, 'part')
      // Re-key lazily when the backend was swapped after this context was made.
      const current = getCryptoBackend()
      if (keyedBy !== current) {
        keyed = current.hmacSha256(copy)
        keyedBy = current
      }
      return keyed(parts)
    },
  }
}

/** MD5 of `data` (16 bytes). Used by 3.1 signatures and the discovery key; not for security. */
export function md5(data: Uint8Array): Uint8Array {
  assertBytes(data, 'data')
  return md5Digest(data)
}
