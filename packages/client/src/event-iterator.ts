/**
 * Events of an EventTarget as an async iterator with a bounded buffer: the machinery behind
 * a handle's `updates()` and a fleet's `updates()`.
 */

/** What {@link eventIterator} listens to and how it ends. */
export interface EventIteratorOptions<T> {
  target: EventTarget
  /** The event types to yield. */
  types: readonly string[]
  /** Turns an event into the yielded value. */
  toValue: (event: Event) => T
  /** Ends the iteration; the pending `next()` rejects with its reason. */
  signal: AbortSignal | undefined
  /** Values kept for a slow consumer; the oldest are dropped beyond it. */
  bufferSize: number
  /** Called with a function that ends the iteration (on close); returns the unregister function. */
  register: (end: () => void) => () => void
}

/**
 * Iterates the events `types` of `target` from now on.
 * @returns the iterator; `return()` (a `break` in `for await`) stops listening
 */
export function eventIterator<T>(options: EventIteratorOptions<T>): AsyncIterableIterator<T> {
  const { target, types, toValue, signal, bufferSize, register } = options
  const buffer: T[] = []
  let waiting: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined
  let isDone = false
  let failure: { reason: unknown } | undefined
  const listener = {
    handleEvent(event: Event): void {
      const value = toValue(event)
      if (waiting !== undefined) {
        const w = waiting
        waiting = undefined
        w.resolve({ value, done: false })
        return
      }
      buffer.push(value)
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

  const iterator: AsyncIterableIterator<T> = {
    next(): Promise<IteratorResult<T>> {
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
    return(): Promise<IteratorResult<T>> {
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
