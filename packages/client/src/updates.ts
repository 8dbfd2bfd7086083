/**
 * `updates()`: the `dps` events of a handle as an async iterator, with a bounded buffer.
 */
import type { DpsDetail } from './core/events.ts'
import { eventIterator } from './event-iterator.ts'
import type { DeviceEventTarget } from './events.ts'

/**
 * Iterates the `dps` events of `target` from now on.
 * @param target - the handle
 * @param signal - ends the iteration (the pending next() rejects with its reason)
 * @param bufferSize - reports kept for a slow consumer (oldest dropped beyond)
 * @param register - called with a function that ends the iteration (the handle calls it on close)
 */
export function iterateUpdates(target: DeviceEventTarget, signal: AbortSignal | undefined, bufferSize: number, register: (end: () => void) => () => void): AsyncIterableIterator<DpsDetail> {
  return eventIterator({ target, types: ['dps'], toValue: (event) => (event as CustomEvent<DpsDetail>).detail, signal, bufferSize, register })
}
