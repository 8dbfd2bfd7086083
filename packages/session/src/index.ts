/**
 * @packageDocumentation
 * The 3.4/3.5 session-key negotiation of the Tuya LAN protocol (START, RESP, FINISH) as a
 * pure state machine, for both the client and the device role. No sockets, no timers, no
 * clock: frames go in through `receive()`, frames to write come out as return values, and
 * nonces and GCM IVs come from an injected random source. Frames are built and checked
 * with `@tuya/codec` under the local key; afterwards every frame uses `sessionKey`.
 *
 * @example
 * ```ts
 * import { encodeFrame, decodeFrame } from '@tuya/codec'
 * import { createSession } from '@tuya/session'
 *
 * const localKey = '4a5e1f0c9b2d7e38'
 * const client = createSession({ role: 'client', version: '3.5', localKey })
 * const device = createSession({ role: 'device', version: '3.5', localKey })
 *
 * const [start] = client.start().send         // client -> device, cmd 3, under the local key
 * const [resp] = device.receive(start!).send  // device -> client, cmd 4
 * const [finish] = client.receive(resp!).send // client -> device, cmd 5; client now established
 * device.receive(finish!)                     // device now established, sends nothing
 *
 * // Every later frame uses the session key, and the client's seq continues at nextSeq (3).
 * const frame = encodeFrame({ version: '3.5', key: client.sessionKey!, seq: client.nextSeq, cmd: 16, payload: {} })
 * console.log(decodeFrame(frame, { version: '3.5', key: device.sessionKey!, direction: 'toDevice' }).json) // {}
 * ```
 */
export { isHandshakeCommand } from './commands.ts'
export {
  HandshakeError,
  MalformedHandshakeError,
  RepeatedStartError,
  UnexpectedFrameError,
  WrongLocalKeyError,
  WrongVersionError,
} from './errors.ts'
export { deriveSessionKey } from './protocols.ts'
export { createSession } from './session.ts'
export type {
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
