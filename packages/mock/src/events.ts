/**
 * A typed `EventTarget` for mock devices (STYLE.md: EventTarget, not node:events), plus a
 * promise helper for tests that wait for one event.
 */
import { startTimer } from './transport/timers.ts'
import type { MockDeviceEventDetails, MockDeviceEventType } from './types.ts'

/** The event object of a mock device event: a `CustomEvent` whose `detail` is typed. */
export type MockDeviceEvent<K extends MockDeviceEventType> = CustomEvent<MockDeviceEventDetails[K]>

/** A listener of one mock device event type. */
export type MockDeviceListener<K extends MockDeviceEventType> = (event: MockDeviceEvent<K>) => void

/** Options of {@link MockEventTarget.waitFor}. */
export interface WaitForOptions<K extends MockDeviceEventType> {
  /** Only resolve for details that pass this test. */
  filter?: (detail: MockDeviceEventDetails[K]) => boolean
  /** Reject with a TimeoutError-named error after this many ms. Default 5000. */
  timeoutMs?: number
  signal?: AbortSignal
}

type AnyListener = ((event: Event) => void) | { handleEvent(event: Event): void }
type AddOptions = boolean | { capture?: boolean; once?: boolean; passive?: boolean; signal?: AbortSignal }
type RemoveOptions = boolean | { capture?: boolean }

/** `EventTarget` with typed listeners for the events in {@link MockDeviceEventDetails}. */
export class MockEventTarget extends EventTarget {
  /** Adds a typed listener (same semantics as `EventTarget.addEventListener`). */
  override addEventListener<K extends MockDeviceEventType>(type: K, listener: MockDeviceListener<K> | null, options?: AddOptions): void
  override addEventListener(type: string, listener: AnyListener | null, options?: AddOptions): void
  override addEventListener(type: string, listener: unknown, options?: AddOptions): void {
    if (listener === null) return
    ;(this.#heard ??= new Set()).add(type)
    super.addEventListener(type, listener as AnyListener, options)
  }

  // Event types that ever had a listener: the others are not dispatched (a CustomEvent and its
  // dispatch cost 1-2 µs, several times per request: 'frame' in and out, 'command', ...).
  #heard: Set<string> | undefined

  /** Removes a listener added with {@link addEventListener}. */
  override removeEventListener<K extends MockDeviceEventType>(type: K, listener: MockDeviceListener<K> | null, options?: RemoveOptions): void
  override removeEventListener(type: string, listener: AnyListener | null, options?: RemoveOptions): void
  override removeEventListener(type: string, listener: unknown, options?: RemoveOptions): void {
    if (listener !== null) super.removeEventListener(type, listener as AnyListener, options)
  }

  /**
   * Resolves with the detail of the next `type` event that passes `filter`.
   * @param type - event name
   * @param options - filter, timeoutMs (default 5000), signal
   * @returns the event detail
   * @throws an Error named `TimeoutError` after `timeoutMs`, or the signal's reason
   * @example
   * const { dps } = await mock.waitFor('change', { filter: (d) => d.source === 'client' })
   */
  waitFor<K extends MockDeviceEventType>(type: K, options: WaitForOptions<K> = {}): Promise<MockDeviceEventDetails[K]> {
    const { filter, timeoutMs = 5000, signal } = options
    return new Promise((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(signal.reason)
        return
      }
      const cleanup = () => {
        timer.cancel()
        this.removeEventListener(type, listener)
        signal?.removeEventListener('abort', onAbort)
      }
      const listener = (event: MockDeviceEvent<K>) => {
        if (filter !== undefined && !filter(event.detail)) return
        cleanup()
        resolve(event.detail)
      }
      const onAbort = () => {
        cleanup()
        reject(signal?.reason)
      }
      const timer = startTimer(timeoutMs, () => {
        cleanup()
        const error = new Error(`no '${type}' event within ${timeoutMs} ms`)
        error.name = 'TimeoutError'
        reject(error)
      }, true)
      this.addEventListener(type, listener)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** Whether `type` has ever had a listener (else {@link emit} dispatches nothing). */
  protected hears(type: MockDeviceEventType): boolean {
    return this.#heard?.has(type) === true
  }

  /** Dispatches a typed event (to nobody, if `type` never had a listener). */
  protected emit<K extends MockDeviceEventType>(type: K, detail: MockDeviceEventDetails[K]): void {
    if (this.hears(type)) this.dispatchEvent(new CustomEvent(type, { detail }))
  }
}
