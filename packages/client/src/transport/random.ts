/**
 * The default randomness of the client: `crypto.getRandomValues` read 4 KiB at a time and
 * handed out in copies. A 3.5 connection needs a fresh 12-byte GCM IV per frame, and one
 * getRandomValues call per IV costs more than the AES work. One pool per process, not per device.
 */
import { defaultRandom, type RandomSource } from '@tuya/crypto'

const POOL_BYTES = 4096
let pool: Uint8Array = new Uint8Array(0)
let offset = 0

/**
 * A {@link RandomSource} over a pooled CSPRNG: the same quality as `crypto.getRandomValues`
 * (each byte is used once), fewer calls.
 * @param length - how many bytes
 * @returns fresh random bytes (a copy; never a view into the pool)
 */
export const pooledRandom: RandomSource = (length) => {
  if (length > POOL_BYTES / 4) return defaultRandom(length)
  if (offset + length > pool.length) {
    pool = defaultRandom(POOL_BYTES)
    offset = 0
  }
  const out = pool.slice(offset, offset + length)
  // Wipe what was handed out, so the pool never holds a copy of a nonce in use.
  pool.fill(0, offset, offset + length)
  offset += length
  return out
}
