import { assertBytes } from './bytes.ts'

/**
 * A source of random bytes: returns `length` fresh random bytes. Inject a deterministic
 * one in tests (nonces, GCM IVs); production code uses {@link defaultRandom}.
 */
export type RandomSource = (length: number) => Uint8Array

// A 3.5 connection needs a fresh 12-byte GCM IV for every frame, and on Node one
// getRandomValues call costs several times the AES-GCM work of a small frame (bench/README.md,
// "random source"). So the bytes are drawn 4 KiB at a time, handed out once each and wiped
// from the pool as they go: the pool never holds a copy of a nonce or IV in use.
const POOL_BYTES = 4096
// Larger requests (rare: no protocol value is longer than 16 bytes) skip the pool.
const MAX_POOLED_BYTES = 1024
let pool: Uint8Array = new Uint8Array(0)
let poolAt = 0

function fill(out: Uint8Array): Uint8Array {
  // getRandomValues fills at most 65536 bytes per call.
  for (let i = 0; i < out.length; i += 65536) globalThis.crypto.getRandomValues(out.subarray(i, Math.min(out.length, i + 65536)))
  return out
}

/**
 * The process's one CSPRNG source: `crypto.getRandomValues` (Node >= 20, Bun, Deno, browsers),
 * drawn 4 KiB at a time. Each byte is handed out once and then wiped from the pool; the result
 * is a copy with an `ArrayBuffer` of its own, never a view into the pool.
 * @param length - how many bytes
 * @returns `length` fresh random bytes
 * @example
 * const nonce = defaultRandom(16)
 */
export const defaultRandom: RandomSource = (length) => {
  if (length > MAX_POOLED_BYTES) return fill(new Uint8Array(length))
  if (poolAt + length > pool.length) {
    pool = fill(new Uint8Array(POOL_BYTES))
    poolAt = 0
  }
  const out = pool.slice(poolAt, poolAt + length)
  pool.fill(0, poolAt, poolAt + length)
  poolAt += length
  return out
}

/**
 * `length` random bytes from `source`, checked to be the length asked for.
 * @throws RangeError for a bad length; TypeError if the source returns something else
 */
export function randomBytes(length: number, source: RandomSource = defaultRandom): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`length must be a non-negative integer, got ${length}`)
  const out = source(length)
  assertBytes(out, 'random source output', length)
  return out
}
