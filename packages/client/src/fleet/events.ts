/**
 * The fleet's merged, typed `EventTarget`: every device's events, each with the device id
 * (STYLE.md: EventTarget, not node:events).
 */
import { TypedEventTarget, type TypedListener } from '@tuya/platform'
import type { ConnectedDetail, ConnectionState, DisconnectedDetail, DpsDetail } from '../core/events.ts'

/** Detail of a fleet `dps` event: a device's `dps` event plus its id. */
export interface FleetDpsDetail extends DpsDetail {
  /** The fleet id of the device (its `id` option). */
  id: string
}

/** Detail of a fleet `online` event: a device's `connected` event plus its id. */
export interface FleetOnlineDetail extends ConnectedDetail {
  id: string
}

/** Detail of a fleet `offline` event: a device's `disconnected` event (an online connection ended) plus its id. */
export interface FleetOfflineDetail extends DisconnectedDetail {
  id: string
}

/** Detail of a fleet `error` event: a device's `error` event plus its id. Always carries an Error. */
export interface FleetErrorDetail {
  id: string
  error: Error
}

/** Detail of a fleet `state` event: a device's connection state changed. */
export interface FleetStateDetail {
  id: string
  state: ConnectionState
  previous: ConnectionState
}

/** The events of a fleet and their `detail`. */
export interface FleetEventMap {
  /** DPs reported by a device (push or reply). */
  dps: FleetDpsDetail
  /** A device came online (after its handshake or version probe), first time or reconnect. */
  online: FleetOnlineDetail
  /** An online device's connection ended (`willReconnect` says whether it is coming back). */
  offline: FleetOfflineDetail
  /** A connection problem of a device: failed attempt, wrong key, dead connection. */
  error: FleetErrorDetail
  /** A device's connection state changed (`idle`, `connecting`, `online`, `backoff`, `closed`). */
  state: FleetStateDetail
}

/** Names of the fleet's events. */
export type FleetEventType = keyof FleetEventMap

/** The event object: a `CustomEvent` with a typed `detail`. */
export type FleetEvent<K extends FleetEventType> = CustomEvent<FleetEventMap[K]>

/** A listener of one fleet event type. */
export type FleetListener<K extends FleetEventType> = TypedListener<FleetEventMap, K>

/** One merged event as `updates()` yields it: the detail plus its `type`. */
export type FleetUpdate = { [K in FleetEventType]: { type: K } & FleetEventMap[K] }[FleetEventType]

/** `EventTarget` with typed listeners for {@link FleetEventMap}. */
export class FleetEventTarget extends TypedEventTarget<FleetEventMap> {}
