/**
 * Timer slack for fleets: timers fire on a shared grid, so the heartbeats (and deadlines) of
 * many devices that fall due close together are handled in one wake-up of the process
 * instead of one each. The same idea as the kernel's timer slack.
 */
import type { SetTimer } from './types.ts'

type Bucket = Array<(() => void) | undefined>

/**
 * A {@link SetTimer} whose timers fire at the first multiple of `slackMs` (on the
 * `Date.now()` clock) at or after their due time: never early, at most `slackMs` late, and
 * all timers due at one grid point fire from one `setTimeout`.
 *
 * @param slackMs - the grid, in milliseconds (> 0)
 * @returns the timer function
 * @throws RangeError when `slackMs` is not a finite number > 0
 */
export function coalescingSetTimer(slackMs: number): SetTimer {
  if (typeof slackMs !== 'number' || !Number.isFinite(slackMs) || slackMs <= 0) throw new RangeError(`slackMs must be a finite number > 0 (milliseconds), got ${String(slackMs)}`)
  const buckets = new Map<number, Bucket>()
  const fire = (at: number): void => {
    // setTimeout runs on the event loop's clock, which may be a little behind Date.now().
    const early = at - Date.now()
    if (early > 0) {
      setTimeout(fire, early, at)
      return
    }
    const bucket = buckets.get(at)
    buckets.delete(at)
    if (bucket === undefined) return
    for (const callback of bucket) {
      if (callback === undefined) continue
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
    const now = Date.now()
    const at = Math.ceil((now + Math.max(0, delayMs)) / slackMs) * slackMs
    let bucket = buckets.get(at)
    if (bucket === undefined) {
      bucket = []
      buckets.set(at, bucket)
      setTimeout(fire, at - now, at)
    }
    const held = bucket
    const index = held.push(callback) - 1
    return () => {
      held[index] = undefined
    }
  }
}
