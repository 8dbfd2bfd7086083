import { assertBytes } from './bytes.ts'

/**
 * A source of random bytes: returns `length` fresh random bytes. Inject a deterministic
 * one in tests (nonces, GCM IVs); production code uses {@link defaultRandom}.
 */
export type RandomSource = (length: number) => Uint8Array

/** `crypto.getRandomValues`, available on Node >= 20, Bun, Deno and browsers. */
export const defaultRandom: RandomSource = (length) => {
  const out = new Uint8Array(length)
  // getRandomValues fills at most 65536 bytes per call.
  for (let i = 0; i < length; i += 65536) globalThis.crypto.getRandomValues(out.subarray(i, Math.min(length, i + 65536)))
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
