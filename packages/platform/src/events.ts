/**
 * One typed `EventTarget` for every package that emits events (STYLE.md: EventTarget, not
 * node:events), and a promise for the next matching event.
 */
import { startTimer } from './clock.ts'

/** A listener of event `K` of the event map `M` (event name to `detail` type). */
export type TypedListener<M, K extends keyof M> = (event: CustomEvent<M[K]>) => void

type AnyListener = ((event: Event) => void) | { handleEvent(event: Event): void }

/** The options `EventTarget.addEventListener` takes. */
export type AddListenerOptions = boolean | { capture?: boolean; once?: boolean; passive?: boolean; signal?: AbortSignal }

/** The options `EventTarget.removeEventListener` takes. */
export type RemoveListenerOptions = boolean | { capture?: boolean }

/**
 * An `EventTarget` whose listeners and `emit` are typed by an event map (event name to the
 * type of its `detail`). Subclasses emit with {@link TypedEventTarget.emit}; listeners get a
 * `CustomEvent` whose `detail` has the map's type.
 * @example
 * class Lamp extends TypedEventTarget<{ change: { isOn: boolean } }> {
 *   turnOn() { this.emit('change', { isOn: true }) }
 * }
 * const lamp = new Lamp()
 * lamp.addEventListener('change', (event) => console.log(event.detail.isOn))
 */
export class TypedEventTarget<M> extends EventTarget {
  // The event types that have ever had a listener. An event of any other type is not built:
  // a CustomEvent and its dispatch cost 1-2 µs, and a busy device emits several per request.
  #heard: Set<string> | undefined

  /** Adds a typed listener (the semantics of `EventTarget.addEventListener`). */
  override addEventListener<K extends keyof M & string>(type: K, listener: TypedListener<M, K> | null, options?: AddListenerOptions): void
  override addEventListener(type: string, listener: AnyListener | null, options?: AddListenerOptions): void
  override addEventListener(type: string, listener: unknown, options?: AddListenerOptions): void {
    if (listener === null) return
    ;(this.#heard ??= new Set()).add(type)
    super.addEventListener(type, listener as AnyListener, options)
  }

  /** Removes a listener added with {@link TypedEventTarget.addEventListener}. */
  override removeEventListener<K extends keyof M & string>(type: K, listener: TypedListener<M, K> | null, options?: RemoveListenerOptions): void
  override removeEventListener(type: string, listener: AnyListener | null, options?: RemoveListenerOptions): void
  override removeEventListener(type: string, listener: unknown, options?: RemoveListenerOptions): void {
    if (listener !== null) super.removeEventListener(type, listener as AnyListener, options)
  }

  /**
   * Whether `type` has ever had a listener; if not, {@link TypedEventTarget.emit} builds
   * nothing, so a caller can skip building the detail too.
   */
  protected hears(type: string): boolean {
    return this.#heard?.has(type) === true
  }

  /** Dispatches a `CustomEvent` of `type` with `detail` (nothing, if `type` never had a listener). */
  protected emit<K extends keyof M & string>(type: K, detail: M[K]): void {
    if (this.#heard?.has(type) === true) this.dispatchEvent(new CustomEvent(type, { detail }))
  }
}

function defaultTimeoutError(type: string): (timeoutMs: number) => Error {
  return (timeoutMs) => {
    const error = new Error(`no '${type}' event within ${timeoutMs} ms`)
    error.name = 'TimeoutError'
    return error
  }
}

/** Options of {@link waitForEvent}. */
export interface WaitForEventOptions<D> {
  /** Only resolve for details that pass this test. */
  filter?: (detail: D) => boolean
  /** Reject after this many ms (`Infinity`: never). Default 5000. */
  timeoutMs?: number
  /** The error to reject with on timeout; default an Error named `TimeoutError` (as `AbortSignal.timeout`'s). */
  timeoutError?: (timeoutMs: number) => Error
  /** Rejects with the signal's reason when aborted. */
  signal?: AbortSignal
}

/**
 * Resolves with the `detail` of the next `type` event of `target` that passes `filter`.
 * The listener, the timer and the abort listener are all removed when it settles.
 * @param target - what emits the event
 * @param type - event name
 * @param options - filter, timeoutMs (default 5000), signal
 * @returns the event's detail
 * @throws RangeError (synchronously) for a negative or non-numeric `timeoutMs`
 * @throws (rejects) `timeoutError(timeoutMs)`, by default an Error named `TimeoutError`, after `timeoutMs`, or the signal's reason
 * @example
 * const { isOn } = await waitForEvent(lamp, 'change', { filter: (d) => d.isOn, timeoutMs: 1000 })
 */
export function waitForEvent<M, K extends keyof M & string>(target: TypedEventTarget<M>, type: K, options: WaitForEventOptions<M[K]> = {}): Promise<M[K]> {
  const { filter, timeoutMs = 5000, signal, timeoutError = defaultTimeoutError(type) } = options
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
    throw new RangeError(`timeoutMs must be a number of ms >= 0 (or Infinity), got ${String(timeoutMs)}`)
  }
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason)
      return
    }
    const cleanup = () => {
      timer?.cancel()
      target.removeEventListener(type, listener)
      signal?.removeEventListener('abort', onAbort)
    }
    const listener = (event: CustomEvent<M[K]>) => {
      if (filter !== undefined && !filter(event.detail)) return
      cleanup()
      resolve(event.detail)
    }
    const onAbort = () => {
      cleanup()
      reject(signal?.reason)
    }
    // Kept referenced: something awaits it.
    const timer = timeoutMs === Infinity ? undefined : startTimer(timeoutMs, () => {
      cleanup()
      reject(timeoutError(timeoutMs))
    })
    target.addEventListener(type, listener)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
