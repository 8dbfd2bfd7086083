/**
 * The events of the engine (the handle re-dispatches them as typed DOM events).
 */
import type { Dps, ProtocolVersion } from '@tuya/codec'

/**
 * Where the connection stands:
 * `idle` (no connection and none wanted: before the first command, or after disconnect()),
 * `connecting` (TCP connect plus handshake or version probe), `online`,
 * `backoff` (waiting to reconnect after a failure), `closed` (close() was called).
 */
export type ConnectionState = 'idle' | 'connecting' | 'online' | 'backoff' | 'closed'

/**
 * Why a connection ended: `remote-close` (the device closed it: restart, idle timeout, another
 * client took over), `error` (socket error), `heartbeat-timeout` (no heartbeat reply in time),
 * `protocol-error` (corrupt frames), `wrong-key-or-version`, `disconnect` / `close` (you asked).
 */
export type DisconnectReason = 'remote-close' | 'error' | 'heartbeat-timeout' | 'protocol-error' | 'wrong-key-or-version' | 'disconnect' | 'close'

/** Detail of `connected`. */
export interface ConnectedDetail {
  /** The protocol version in use (the detected one with `version: 'auto'`). */
  version: ProtocolVersion
  /** A connection had been online before (this is a reconnect). */
  isReconnect: boolean
  /** The version was found on this connection by `version: 'auto'`. */
  isVersionDetected: boolean
}

/** Detail of `disconnected` (only after `connected`). */
export interface DisconnectedDetail {
  reason: DisconnectReason
  /** What went wrong, unless you asked for it. */
  error?: Error
  /** A reconnect is scheduled. */
  willReconnect: boolean
  /** When (ms from now), if scheduled. */
  reconnectDelayMs?: number
}

/** Detail of `state`. */
export interface StateDetail {
  state: ConnectionState
  previous: ConnectionState
}

/** Where reported DPs came from: a STATUS push (cmd 8), or any other frame (a reply). */
export type DpsSource = 'push' | 'reply'

/** Detail of `dps`: every report of DPs, from a push or a reply. */
export interface DpsDetail {
  /** The DPs in this report (what changed, or what was asked for). */
  dps: Dps
  /** The merged state after it (frozen; the same object as `state` on the handle). */
  state: Readonly<Dps>
  source: DpsSource
  /** The gateway child the DPs belong to; absent for the device itself. */
  cid?: string
}

/** Detail of `error`. */
export interface ErrorDetail {
  error: Error
}

/** An event of the engine. */
export type EngineEvent =
  | ({ type: 'state' } & StateDetail)
  | ({ type: 'connected' } & ConnectedDetail)
  | ({ type: 'disconnected' } & DisconnectedDetail)
  | ({ type: 'error' } & ErrorDetail)
  | ({ type: 'dps' } & DpsDetail)
