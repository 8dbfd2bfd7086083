/**
 * The system clock and timers: the one place the packages built on this one read the time or
 * start a timer. Every function hands back a handle to cancel (Deno's test sanitizer fails on
 * a timer left behind), and says whether a pending timer keeps the process alive.
 */

/** A started timer; `cancel()` may be called any number of times. */
export interface Timer {
  cancel(): void
}

/** Time and timers, injectable so tests can drive time. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
  /** Runs `fn` once after `ms`; keeps the process alive while pending (something awaits it). */
  startTimer(ms: number, fn: () => void): Timer
  /** Runs `fn` every `ms`; does not keep the process alive on its own. */
  startInterval(ms: number, fn: () => void): Timer
}

/** Options of {@link startTimer} and {@link startInterval}. */
export interface TimerOptions {
  /**
   * Whether the pending timer keeps the process alive (Node and Bun `ref`, Deno `refTimer`).
   * Default true, as with `setTimeout`; pass false for housekeeping nobody waits for.
   */
  keepAlive?: boolean
}

// setTimeout fires at once for delays it cannot hold (above 2^31 - 1 ms, 24.8 days).
const MAX_DELAY_MS = 2 ** 31 - 1

type Handle = ReturnType<typeof setTimeout>

function clampDelay(ms: number): number {
  return Math.min(Math.max(0, ms), MAX_DELAY_MS)
}

function release(handle: Handle, options: TimerOptions | undefined): void {
  // Node, Bun and Deno 2 return handle objects with unref(); a runtime whose handles lack it
  // keeps the timer referenced, which only delays exit.
  if (options?.keepAlive === false) (handle as { unref?: () => void }).unref?.()
}

/**
 * Runs `fn` once after `ms` (a negative delay runs it on the next turn; one longer than 24.8
 * days is shortened to that).
 * @param ms - delay in milliseconds
 * @param fn - what to run
 * @param options - keepAlive (default true)
 * @returns a handle to cancel it
 * @example
 * const timer = startTimer(1000, () => console.log('late'), { keepAlive: false })
 * timer.cancel()
 */
export function startTimer(ms: number, fn: () => void, options?: TimerOptions): Timer {
  const handle = setTimeout(fn, clampDelay(ms))
  release(handle, options)
  return { cancel: () => clearTimeout(handle) }
}

/**
 * Runs `fn` every `ms` until cancelled.
 * @param ms - period in milliseconds
 * @param fn - what to run
 * @param options - keepAlive (default true)
 * @returns a handle to cancel it
 */
export function startInterval(ms: number, fn: () => void, options?: TimerOptions): Timer {
  const handle = setInterval(fn, clampDelay(ms))
  release(handle, options)
  return { cancel: () => clearInterval(handle) }
}

/**
 * Resolves after `ms` (kept referenced: something awaits it).
 * @param ms - delay in milliseconds
 * @param signal - rejects early, with its reason, when aborted
 * @returns a promise of nothing
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason)
      return
    }
    const onAbort = () => {
      timer.cancel()
      reject(signal?.reason)
    }
    const timer = startTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    })
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * A monotonic clock for elapsed times (timeouts, idle times): unaffected by changes to the
 * wall clock.
 * @returns milliseconds, with a fraction, since an arbitrary origin
 */
export function monotonicNow(): number {
  return performance.now()
}

/** The real clock: `Date.now`, `setTimeout` (kept referenced), `setInterval` (not kept referenced). */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  startTimer: (ms: number, fn: () => void): Timer => startTimer(ms, fn),
  startInterval: (ms: number, fn: () => void): Timer => startInterval(ms, fn, { keepAlive: false }),
})
