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

/** A timer armed by {@link armTimer}: the system timer's handle, or the cancel function of an injected one. */
export type TimerHandle = ReturnType<typeof setTimeout> | (() => void)

/**
 * Arms `callback(arg)` after `delayMs` through `setTimer`. With the system timer no closure is
 * made (the argument rides along in `setTimeout`), which a handle that re-arms its timer on
 * every heartbeat, for its whole life, would otherwise keep allocating and holding.
 * @returns what {@link cancelTimer} takes
 */
export function armTimer<T>(setTimer: SetTimer, callback: (arg: T) => void, arg: T, delayMs: number): TimerHandle {
  if (setTimer === systemSetTimer) return setTimeout(callback, Math.max(0, delayMs), arg)
  return setTimer(() => callback(arg), delayMs)
}

/** Cancels a timer armed by {@link armTimer} with the same `setTimer`. */
export function cancelTimer(setTimer: SetTimer, handle: TimerHandle): void {
  if (setTimer === systemSetTimer) clearTimeout(handle as ReturnType<typeof setTimeout>)
  else (handle as () => void)()
}
