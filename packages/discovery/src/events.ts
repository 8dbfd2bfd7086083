/**
 * A typed `EventTarget` for discovery events (STYLE.md: EventTarget, not node:events).
 */
import type { DiscoveryEventDetails, DiscoveryEventType } from './types.ts'

/** The event object of a discovery event: a `CustomEvent` whose `detail` is typed. */
export type DiscoveryEvent<K extends DiscoveryEventType> = CustomEvent<DiscoveryEventDetails[K]>

/** A listener of one discovery event type. */
export type DiscoveryListener<K extends DiscoveryEventType> = (event: DiscoveryEvent<K>) => void

type AnyListener = ((event: Event) => void) | { handleEvent(event: Event): void }
type AddOptions = boolean | { capture?: boolean; once?: boolean; passive?: boolean; signal?: AbortSignal }
type RemoveOptions = boolean | { capture?: boolean }

/** `EventTarget` with typed listeners for the events in {@link DiscoveryEventDetails}. */
export class DiscoveryEventTarget extends EventTarget {
  /** Adds a typed listener (same semantics as `EventTarget.addEventListener`). */
  override addEventListener<K extends DiscoveryEventType>(type: K, listener: DiscoveryListener<K> | null, options?: AddOptions): void
  override addEventListener(type: string, listener: AnyListener | null, options?: AddOptions): void
  override addEventListener(type: string, listener: unknown, options?: AddOptions): void {
    if (listener !== null) super.addEventListener(type, listener as AnyListener, options)
  }

  /** Removes a listener added with {@link addEventListener}. */
  override removeEventListener<K extends DiscoveryEventType>(type: K, listener: DiscoveryListener<K> | null, options?: RemoveOptions): void
  override removeEventListener(type: string, listener: AnyListener | null, options?: RemoveOptions): void
  override removeEventListener(type: string, listener: unknown, options?: RemoveOptions): void {
    if (listener !== null) super.removeEventListener(type, listener as AnyListener, options)
  }

  /** Dispatches a typed event. */
  protected emit<K extends DiscoveryEventType>(type: K, detail: DiscoveryEventDetails[K]): void {
    this.dispatchEvent(new CustomEvent(type, { detail }))
  }
}
