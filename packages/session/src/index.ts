/**
 * @packageDocumentation
 * One TCP connection of the Tuya LAN protocol (3.1-3.5) as a pure state machine, for both
 * the client and the device role (`createConnection`): bytes in through `receive()`, frames
 * to write, events and received frames out as return values, frames built by `send()`, the
 * caller's deadline checked by `poll()`. Inside: the deframer, the 3.4/3.5 session-key
 * negotiation (START, RESP, FINISH), a client's `version: 'auto'` probe, the key in use and
 * the seq counters. No sockets, no timers, no clock; nonces and GCM IVs come from an
 * injected random source. The negotiation alone is `createSession`.
 *
 * @example
 * ```ts
 * import { createConnection } from '@tuya/session'
 *
 * const localKey = '4a5e1f0c9b2d7e38'
 * const client = createConnection({ role: 'client', version: '3.5', localKey })
 * const device = createConnection({ role: 'device', version: '3.5', localKey })
 *
 * const [start] = client.open(Date.now()).send    // client -> device: START
 * const [resp] = device.receive(start!).send      // device -> client: RESP
 * const finished = client.receive(resp!)          // FINISH, and the `established` event
 * device.receive(finished.send[0]!)               // device established
 *
 * const query = client.send({ cmd: 16, payload: {} })
 * console.log(device.receive(query).frames[0]!.decoded!.json) // {}
 * ```
 */
export { isHandshakeCommand } from './commands.ts'
export { Connection, createConnection } from './connection.ts'
export {
  HandshakeError,
  HandshakeTimeoutError,
  MalformedHandshakeError,
  NotEstablishedError,
  RepeatedStartError,
  UnexpectedFrameError,
  WrongLocalKeyError,
  WrongVersionError,
} from './errors.ts'
export { deriveSessionKey } from './protocols.ts'
export { createSession } from './session.ts'
export { PROBE_FRAMES, PROBE_VERSIONS } from './probe.ts'
export { withRetcode } from './retcode.ts'
export type {
  ConnectionEvent,
  ConnectionOptions,
  ConnectionState,
  ConnectionStep,
  OutgoingFrame,
  ReceivedFrame,
  RejectReason,
  EstablishedEvent,
  HandshakeVersion,
  Session,
  SessionEvent,
  SessionOptions,
  SessionRole,
  SessionState,
  SessionStep,
} from './types.ts'

// The passive negotiation follower (captured traffic, `tuya decode`).
export { createFollower, handshakeSenderOf } from './follower.ts'
export type { Follower, FollowerKey, FollowerOptions, FollowerStep, NegotiationObservation } from './follower.ts'
export { AUTO_PROBE, autoProbeVersionOf, isRequestOf, recogniseAutoProbe } from './follower-probe.ts'
export type { AutoProbeContext, AutoProbeFrame } from './follower-probe.ts'
