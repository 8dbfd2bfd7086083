/**
 * Timer slack for fleets: timers fire on a shared grid, so the heartbeats (and deadlines) of
 * many devices that fall due close together are handled in one wake-up of the process
 * instead of one each. The same idea as the kernel's timer slack.
 */
import { startTimer, systemClock, type Timer } from '@tuya/platform'
import type { SetTimer } from './types.ts'

/** The timers due at one grid point, and the system timer that fires them. */
interface Bucket {
  callbacks: Array<(() => void) | undefined>
  /** Callbacks neither run nor cancelled: at 0 the bucket's timer is cancelled. */
  live: number
  timer: Timer
}

/**
 * A {@link SetTimer} whose timers fire at the first multiple of `slackMs` (on the
 * `Date.now()` clock) at or after their due time: never early, at most `slackMs` late, and
 * all timers due at one grid point fire from one system timer.
 *
 * @param slackMs - the grid, in milliseconds (> 0)
 * @returns the timer function
 * @throws RangeError when `slackMs` is not a finite number > 0
 */
export function coalescingSetTimer(slackMs: number): SetTimer {
  if (typeof slackMs !== 'number' || !Number.isFinite(slackMs) || slackMs <= 0) throw new RangeError(`slackMs must be a finite number > 0 (milliseconds), got ${String(slackMs)}`)
  const buckets = new Map<number, Bucket>()
  const fire = (at: number): void => {
    const bucket = buckets.get(at)
    if (bucket === undefined) return
    // Timers run on the event loop's clock, which may be a little behind Date.now().
    const early = at - systemClock.now()
    if (early > 0) {
      bucket.timer = startTimer(early, () => fire(at))
      return
    }
    buckets.delete(at)
    const { callbacks } = bucket
    for (let i = 0; i < callbacks.length; i++) {
      const callback = callbacks[i]
      if (callback === undefined) continue
      callbacks[i] = undefined
      try {
        callback()
      } catch (error) {
        // As a throwing setTimeout callback would: reported, without starving the others.
        queueMicrotask(() => {
          throw error
        })
      }
    }
  }
  return (callback, delayMs) => {
    const now = systemClock.now()
    const at = Math.ceil((now + Math.max(0, delayMs)) / slackMs) * slackMs
    let bucket = buckets.get(at)
    if (bucket === undefined) {
      bucket = { callbacks: [], live: 0, timer: startTimer(at - now, () => fire(at)) }
      buckets.set(at, bucket)
    }
    const held = bucket
    const index = held.callbacks.push(callback) - 1
    held.live++
    return () => {
      if (held.callbacks[index] === undefined) return
      held.callbacks[index] = undefined
      // Nothing left to fire: let the timer go, so that it does not keep the process alive.
      if (--held.live === 0 && buckets.get(at) === held) {
        held.timer.cancel()
        buckets.delete(at)
      }
    }
  }
}
