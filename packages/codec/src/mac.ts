/**
 * HMAC-SHA256 for 3.4 frames through the crypto backend, keyed once per key instead of once
 * per frame: `hmacSha256(key, msg)` builds a keyed closure and a one-element parts array for
 * every call, and a 3.4 peer MACs every frame with the same key.
 */
import { getCryptoBackend, type CryptoBackend } from '@tuya/crypto'
import { NO_BYTES } from './bytes.ts'

type KeyedMac = (parts: readonly Uint8Array[]) => Uint8Array

// One-entry memo: the key array, a copy of its bytes (a caller may change its array), the
// backend it was keyed for (setCryptoBackend may swap it) and the keyed function.
let memoKey: Uint8Array | undefined
const memoBytes = new Uint8Array(16)
let memoBackend: CryptoBackend | undefined
let memoMac: KeyedMac | undefined
const parts: Uint8Array[] = [NO_BYTES]

/**
 * HMAC-SHA256(key, message), 32 bytes.
 * @param key - a 16-byte key (resolveKey has checked it)
 */
export function hmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  const backend = getCryptoBackend()
  let mac = memoMac
  if (mac === undefined || key !== memoKey || backend !== memoBackend || !sameBytes(key, memoBytes)) {
    mac = backend.hmacSha256(key)
    memoKey = key
    memoBytes.set(key)
    memoBackend = backend
    memoMac = mac
  }
  parts[0] = message
  try {
    return mac(parts)
  } finally {
    parts[0] = NO_BYTES
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Constant-time comparison of `mac` with `b[at : at + mac.length]` (no view of `b` needed). */
export function macMatches(mac: Uint8Array, b: Uint8Array, at: number): boolean {
  let diff = 0
  for (let i = 0; i < mac.length; i++) diff |= mac[i]! ^ b[at + i]!
  return diff === 0
}
