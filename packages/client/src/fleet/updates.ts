/**
 * `fleet.updates()`: the merged events of every device as one async iterator, with a bounded
 * buffer (the oldest are dropped for a consumer that falls behind).
 */
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
  const buffer: FleetUpdate[] = []
  let waiting: { resolve: (r: IteratorResult<FleetUpdate>) => void; reject: (e: unknown) => void } | undefined
  let isDone = false
  let failure: { reason: unknown } | undefined
  const listener = {
    handleEvent(event: Event): void {
      const update = { type: event.type, ...(event as CustomEvent<object>).detail } as FleetUpdate
      if (waiting !== undefined) {
        const w = waiting
        waiting = undefined
        w.resolve({ value: update, done: false })
        return
      }
      buffer.push(update)
      if (buffer.length > bufferSize) buffer.shift()
    },
  }
  const end = (reason?: { reason: unknown }): void => {
    if (isDone) return
    isDone = true
    failure = reason
    for (const type of types) target.removeEventListener(type, listener)
    signal?.removeEventListener('abort', onAbort)
    unregister()
    const w = waiting
    waiting = undefined
    if (w === undefined) return
    if (reason === undefined) w.resolve({ value: undefined, done: true })
    else w.reject(reason.reason)
  }
  const onAbort = (): void => end({ reason: signal!.reason })
  const unregister = register(() => end())
  for (const type of types) target.addEventListener(type, listener)
  signal?.addEventListener('abort', onAbort, { once: true })
  if (signal?.aborted === true) end({ reason: signal.reason })

  const iterator: AsyncIterableIterator<FleetUpdate> = {
    next(): Promise<IteratorResult<FleetUpdate>> {
      if (buffer.length > 0) return Promise.resolve({ value: buffer.shift()!, done: false })
      if (isDone) {
        if (failure !== undefined) {
          const { reason } = failure
          failure = undefined
          return Promise.reject(reason)
        }
        return Promise.resolve({ value: undefined, done: true })
      }
      return new Promise((resolve, reject) => (waiting = { resolve, reject }))
    },
    return(): Promise<IteratorResult<FleetUpdate>> {
      end()
      buffer.length = 0
      return Promise.resolve({ value: undefined, done: true })
    },
    [Symbol.asyncIterator]() {
      return iterator
    },
  }
  return iterator
}
