/**
 * The handle's typed `EventTarget` (STYLE.md: EventTarget, not node:events).
 */
import type { ConnectedDetail, DisconnectedDetail, DpsDetail, ErrorDetail, StateDetail } from './core/events.ts'

/** The events of a device handle and their `detail`. */
export interface DeviceEventMap {
  /** A connection is online (after the handshake or version probe). */
  connected: ConnectedDetail
  /** An online connection ended. */
  disconnected: DisconnectedDetail
  /** A connection problem: a failed attempt, a wrong key, a dead connection. Always carries an Error. */
  error: ErrorDetail
  /** DPs reported by a push or a reply; `state` is the merged state. */
  dps: DpsDetail
  /** The connection state changed. */
  state: StateDetail
}

/** Names of the handle's events. */
export type DeviceEventType = keyof DeviceEventMap

/** The event object: a `CustomEvent` with a typed `detail`. */
export type DeviceEvent<K extends DeviceEventType> = CustomEvent<DeviceEventMap[K]>

/** A listener of one event type. */
export type DeviceListener<K extends DeviceEventType> = (event: DeviceEvent<K>) => void

type AnyListener = ((event: Event) => void) | { handleEvent(event: Event): void }
type AddOptions = boolean | { capture?: boolean; once?: boolean; passive?: boolean; signal?: AbortSignal }
type RemoveOptions = boolean | { capture?: boolean }

/** A bit for each event type of the handle and the fleet (other types go to a Set). */
const TYPE_BITS = new Map(['dps', 'connected', 'disconnected', 'error', 'state', 'online', 'offline'].map((type, i) => [type, 1 << i]))

/**
 * An `EventTarget` whose listeners and `emit` are typed by an event map (event name to
 * `detail`); the handle and the fleet extend it.
 */
export class TypedEventTarget<M> extends EventTarget {
  /** Adds a typed listener (same semantics as `EventTarget.addEventListener`). */
  override addEventListener<K extends keyof M & string>(type: K, listener: ((event: CustomEvent<M[K]>) => void) | null, options?: AddOptions): void
  override addEventListener(type: string, listener: AnyListener | null, options?: AddOptions): void
  override addEventListener(type: string, listener: unknown, options?: AddOptions): void {
    if (listener === null) return
    const bit = TYPE_BITS.get(type)
    if (bit !== undefined) this.#heard |= bit
    else (this.#heardOthers ??= new Set()).add(type)
    super.addEventListener(type, listener as AnyListener, options)
  }

  // The event types that have ever had a listener: an event nobody ever listened for is not
  // built (a CustomEvent and its dispatch cost ~1-2 µs, on every reply of a busy device).
  // Bits for the known types: no Set per handle (~190 bytes each).
  #heard = 0
  #heardOthers: Set<string> | undefined

  /** Removes a listener. */
  override removeEventListener<K extends keyof M & string>(type: K, listener: ((event: CustomEvent<M[K]>) => void) | null, options?: RemoveOptions): void
  override removeEventListener(type: string, listener: AnyListener | null, options?: RemoveOptions): void
  override removeEventListener(type: string, listener: unknown, options?: RemoveOptions): void {
    if (listener !== null) super.removeEventListener(type, listener as AnyListener, options)
  }

  /** Whether `type` has ever had a listener (else {@link emit} dispatches nothing). */
  protected hears(type: string): boolean {
    const bit = TYPE_BITS.get(type)
    return bit !== undefined ? (this.#heard & bit) !== 0 : this.#heardOthers?.has(type) === true
  }

  /** Dispatches a typed event (to nobody, and without building it, if none was ever heard). */
  protected emit<K extends keyof M & string>(type: K, detail: M[K]): void {
    if (this.hears(type)) this.dispatchEvent(new CustomEvent(type, { detail }))
  }
}

/** `EventTarget` with typed listeners for {@link DeviceEventMap}. */
export class DeviceEventTarget extends TypedEventTarget<DeviceEventMap> {}
