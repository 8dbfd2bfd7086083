/**
 * Reconnect delays: exponential backoff with jitter (pure; randomness passed in).
 */

/** Reconnect settings (all in ms). */
export interface BackoffOptions {
  /** Delay before the first retry. */
  initialDelayMs: number
  /** Ceiling; also the delay after a wrong key or version. */
  maxDelayMs: number
  /** Growth per consecutive failure. */
  factor: number
  /** Fraction of the delay taken off at random (0 = none, 0.5 = between half and all of it). */
  jitter: number
}

/**
 * The delay before reconnect attempt `failures` (1 = after the first failure).
 *
 * @param options - backoff settings
 * @param failures - consecutive failed or short-lived connections so far (>= 1)
 * @param isConfigError - a wrong key/version: wait the maximum instead of hammering
 * @param random - a number in [0, 1)
 * @returns milliseconds to wait
 */
export function backoffDelay(options: BackoffOptions, failures: number, isConfigError: boolean, random: number): number {
  const exponent = Math.min(Math.max(0, failures - 1), 30)
  const base = isConfigError ? options.maxDelayMs : Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** exponent)
  return Math.round(base * (1 - options.jitter * random))
}
