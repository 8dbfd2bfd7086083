/**
 * A typed `EventTarget` for discovery events (STYLE.md: EventTarget, not node:events).
 */
import { TypedEventTarget, type TypedListener } from '@tuya/platform'
import type { DiscoveryEventDetails, DiscoveryEventType } from './types.ts'

/** The event object of a discovery event: a `CustomEvent` whose `detail` is typed. */
export type DiscoveryEvent<K extends DiscoveryEventType> = CustomEvent<DiscoveryEventDetails[K]>

/** A listener of one discovery event type. */
export type DiscoveryListener<K extends DiscoveryEventType> = TypedListener<DiscoveryEventDetails, K>

/** `EventTarget` with typed listeners for the events in {@link DiscoveryEventDetails}. */
export class DiscoveryEventTarget extends TypedEventTarget<DiscoveryEventDetails> {}
