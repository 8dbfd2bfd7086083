/**
 * The real clock and timers (the core gets them injected; only this file touches them).
 */
import type { SetTimer } from './types.ts'

/** `Date.now`. */
export const systemNow = (): number => Date.now()

/** `Math.random`, used only for reconnect jitter (not for anything cryptographic). */
export const systemJitter = (): number => Math.random()

/** `setTimeout`/`clearTimeout` as a {@link SetTimer}. */
export const systemSetTimer: SetTimer = (callback, delayMs) => {
  const handle = setTimeout(callback, Math.max(0, delayMs))
  return () => clearTimeout(handle)
}
