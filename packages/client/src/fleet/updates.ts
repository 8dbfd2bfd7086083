/**
 * `fleet.updates()`: the merged events of every device as one async iterator, with a bounded
 * buffer (the oldest are dropped for a consumer that falls behind).
 */
import { eventIterator } from '../event-iterator.ts'
import type { FleetEventTarget, FleetEventType, FleetUpdate } from './events.ts'

/**
 * Iterates the events `types` of `target` from now on.
 * @param target - the fleet
 * @param types - which events to yield
 * @param signal - ends the iteration (the pending next() rejects with its reason)
 * @param bufferSize - events kept for a slow consumer (oldest dropped beyond)
 * @param register - called with a function that ends the iteration (the fleet calls it on close); returns the unregister function
 * @returns the iterator
 */
export function iterateFleetUpdates(
  target: FleetEventTarget,
  types: readonly FleetEventType[],
  signal: AbortSignal | undefined,
  bufferSize: number,
  register: (end: () => void) => () => void,
): AsyncIterableIterator<FleetUpdate> {
  const toValue = (event: Event): FleetUpdate => ({ type: event.type, ...(event as CustomEvent<object>).detail }) as FleetUpdate
  return eventIterator({ target, types, toValue, signal, bufferSize, register })
}
