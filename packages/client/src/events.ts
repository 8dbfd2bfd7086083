/**
 * The handle's typed `EventTarget` (STYLE.md: EventTarget, not node:events).
 */
import { TypedEventTarget, type TypedListener } from '@tuya/platform'
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
export type DeviceListener<K extends DeviceEventType> = TypedListener<DeviceEventMap, K>

/** `EventTarget` with typed listeners for {@link DeviceEventMap}. */
export class DeviceEventTarget extends TypedEventTarget<DeviceEventMap> {}
