/**
 * The only place the mock starts timers. Every timer is unref'd where the runtime allows it,
 * so an idle timer never keeps a process alive, and every caller keeps the handle to clear it
 * (Deno's test sanitizer fails on a timer left behind).
 */

/** A started timer; `cancel()` is idempotent. */
export interface Timer {
  cancel(): void
}

/**
 * Runs `fn` once after `ms`.
 * @param ms - delay in milliseconds
 * @param fn - what to run
 * @param isRef - keep the process alive while pending (default false)
 * @returns a handle to cancel it
 */
export function startTimer(ms: number, fn: () => void, isRef = false): Timer {
  const handle = setTimeout(fn, ms)
  if (!isRef) (handle as { unref?: () => void }).unref?.()
  return { cancel: () => clearTimeout(handle) }
}

/**
 * A monotonic clock for elapsed times (the idle timeout), unaffected by wall-clock changes.
 * @returns milliseconds, with a fraction, since an arbitrary origin
 */
export function monotonicMs(): number {
  return performance.now()
}

/**
 * Runs `fn` every `ms` until cancelled.
 * @param ms - period in milliseconds
 * @param fn - what to run
 * @returns a handle to cancel it
 */
export function startInterval(ms: number, fn: () => void): Timer {
  const handle = setInterval(fn, ms)
  ;(handle as { unref?: () => void }).unref?.()
  return { cancel: () => clearInterval(handle) }
}

/**
 * Resolves after `ms` (kept referenced: something awaits it).
 * @param ms - delay in milliseconds
 * @param signal - rejects early when aborted
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
    }, true)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
