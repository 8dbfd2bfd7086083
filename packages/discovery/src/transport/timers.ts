/**
 * The only place `@tuya/discovery` reads the clock or starts timers. Injectable (the `clock`
 * option) so tests can drive time; every handle is kept so it can be cleared (Deno's test
 * sanitizer fails on a timer left behind).
 */

/** A started timer; `cancel()` is idempotent. */
export interface Timer {
  cancel(): void
}

/** Time and timers, as the discovery uses them. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
  /** Runs `fn` once after `ms`; keeps the process alive while pending (something awaits it). */
  startTimer(ms: number, fn: () => void): Timer
  /** Runs `fn` every `ms`; does not keep the process alive on its own. */
  startInterval(ms: number, fn: () => void): Timer
}

/** The real clock: `Date.now`, `setTimeout`, `setInterval` (unref'd where the runtime allows). */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  startTimer(ms: number, fn: () => void): Timer {
    const handle = setTimeout(fn, ms)
    return { cancel: () => clearTimeout(handle) }
  },
  startInterval(ms: number, fn: () => void): Timer {
    const handle = setInterval(fn, ms)
    ;(handle as { unref?: () => void }).unref?.()
    return { cancel: () => clearInterval(handle) }
  },
})
