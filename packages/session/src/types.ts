/**
 * Public types of `@tuya/session` (the contract in SESSION_API.md).
 */
import type { KeyInput } from '@tuya/codec'
import type { CryptoBackend, RandomSource } from '@tuya/crypto'

/** Which end of the TCP connection this session is: the controller or the device. */
export type SessionRole = 'client' | 'device'

/** The protocol versions that negotiate a session key (3.1-3.3 have no handshake). */
export type HandshakeVersion = '3.4' | '3.5'

/**
 * Where the negotiation stands. `awaiting-resp` is the client after START,
 * `awaiting-finish` the device after RESP; `failed` is final.
 */
export type SessionState = 'idle' | 'awaiting-resp' | 'awaiting-finish' | 'established' | 'failed'

/** Input of {@link createSession}. */
export interface SessionOptions {
  role: SessionRole
  /** `'3.4'` or `'3.5'`; other versions throw RangeError (they have no handshake). */
  version: HandshakeVersion
  /** The device's local key: 16 ASCII characters (never hex-decoded) or 16 bytes. */
  localKey: KeyInput
  /** Source of the 16-byte nonce, 3.5 GCM IVs and the device's random first seq; default `defaultRandom`. */
  random?: RandomSource
  /**
   * The first seq this side sends. Client: default 1, must be >= 1 (firmware drops a
   * connection whose seq starts at 0). Device: default a random 31-bit start, as firmware does.
   */
  firstSeq?: number
  /** A fixed 16-byte nonce, for tests and golden vectors only: real nonces must be fresh. */
  nonce?: Uint8Array
  /**
   * What runs the handshake's AES and HMAC under the local key; default `nobleBackend`
   * (`nodeCryptoBackend` from `@tuya/crypto/node` for OpenSSL). The session imports the
   * local key once and wipes that import when the handshake ends (established or failed).
   */
  cryptoBackend?: CryptoBackend
}

/** The session key is known: every later frame on this connection uses it instead of the local key. */
export interface EstablishedEvent {
  type: 'established'
  /** The 16-byte session key (the same array as {@link Session.sessionKey}; do not modify it). */
  sessionKey: Uint8Array
}

/** Something that happened while handling an input. */
export type SessionEvent = EstablishedEvent

/** The outputs of one input: frames to write to the socket in this order, then events. */
export interface SessionStep {
  send: Uint8Array[]
  events: SessionEvent[]
}

/**
 * One side of the 3.4/3.5 session-key negotiation on one TCP connection: a pure state
 * machine (quinn-proto style). Feed it complete frames, write out what it returns.
 */
export interface Session {
  readonly role: SessionRole
  readonly version: HandshakeVersion
  readonly state: SessionState
  /** The negotiated key once `state` is `established`, else undefined. */
  readonly sessionKey: Uint8Array | undefined
  /** The seq this side must use for its next frame (START and FINISH/RESP included). */
  readonly nextSeq: number
  /**
   * Client only: begin the negotiation.
   * @returns the START frame to send; state becomes `awaiting-resp`
   * @throws TypeError on a device session; RepeatedStartError if already started
   */
  start(): SessionStep
  /**
   * Handle one complete frame from the peer (as a `Deframer` yields it).
   * @param frame - the frame's exact bytes
   * @returns the frames to send and the events (`established`)
   * @throws HandshakeError subclasses when the peer's frame is wrong (the session is then
   *   `failed`, and every later call throws the same class); TypeError for a non-Uint8Array
   */
  receive(frame: Uint8Array): SessionStep
}
