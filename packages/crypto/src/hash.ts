import { hmac } from '@noble/hashes/hmac.js'
import { md5 as nobleMd5 } from '@noble/hashes/legacy.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { assertBytes } from './bytes.ts'

/**
 * HMAC-SHA256 of `message` under `key` (32 bytes out): the 3.4 frame trailer and the
 * 3.4/3.5 handshake proofs.
 */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  assertBytes(key, 'key')
  assertBytes(message, 'message')
  return hmac(sha256, key, message)
}

/**
 * A reusable HMAC-SHA256 keyed once: `update` parts, then `digest`. Saves re-hashing
 * the key pads for every frame of a session.
 */
export function createHmacSha256(key: Uint8Array): { mac(...parts: Uint8Array[]): Uint8Array } {
  assertBytes(key, 'key')
  const base = hmac.create(sha256, key)
  return {
    mac(...parts) {
      const h = base.clone()
      for (const p of parts) h.update(p)
      return h.digest()
    },
  }
}

/** MD5 of `data` (16 bytes). Used by 3.1 signatures and the discovery key; not for security. */
export function md5(data: Uint8Array): Uint8Array {
  assertBytes(data, 'data')
  return nobleMd5(data)
}
