/**
 * `updates()`: the `dps` events of a handle as an async iterator, with a bounded buffer.
 */
import type { DpsDetail } from './core/events.ts'
import type { DeviceEventTarget } from './events.ts'

/**
 * Iterates the `dps` events of `target` from now on.
 * @param target - the handle
 * @param signal - ends the iteration (the pending next() rejects with its reason)
 * @param bufferSize - reports kept for a slow consumer (oldest dropped beyond)
 * @param register - called with a function that ends the iteration (the handle calls it on close)
 */
export function iterateUpdates(target: DeviceEventTarget, signal: AbortSignal | undefined, bufferSize: number, register: (end: () => void) => () => void): AsyncIterableIterator<DpsDetail> {
  const buffer: DpsDetail[] = []
  let waiting: { resolve: (r: IteratorResult<DpsDetail>) => void; reject: (e: unknown) => void } | undefined
  let isDone = false
  let failure: { reason: unknown } | undefined
  const onDps = (event: CustomEvent<DpsDetail>): void => {
    if (waiting !== undefined) {
      const w = waiting
      waiting = undefined
      w.resolve({ value: event.detail, done: false })
      return
    }
    buffer.push(event.detail)
    if (buffer.length > bufferSize) buffer.shift()
  }
  const end = (reason?: { reason: unknown }): void => {
    if (isDone) return
    isDone = true
    failure = reason
    target.removeEventListener('dps', onDps)
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
  target.addEventListener('dps', onDps)
  signal?.addEventListener('abort', onAbort, { once: true })
  if (signal?.aborted === true) end({ reason: signal.reason })

  const iterator: AsyncIterableIterator<DpsDetail> = {
    next(): Promise<IteratorResult<DpsDetail>> {
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
    return(): Promise<IteratorResult<DpsDetail>> {
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
