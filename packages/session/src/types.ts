/**
 * Public types of `@tuya/session` (the contract in SESSION_API.md).
 */
import type { DecodedFrame, FrameFormat, JsonPayload, KeyInput, ProtocolVersion } from '@tuya/codec'
import type { CryptoBackend, Keyring, RandomSource } from '@tuya/crypto'
import type { HandshakeError } from './errors.ts'

/** Which end of the TCP connection this session is: the controller or the device. */
export type SessionRole = 'client' | 'device'

/** The protocol versions that negotiate a session key (computed from the codec's table). */
export type { HandshakeVersion } from '@tuya/codec'
import type { HandshakeVersion } from '@tuya/codec'

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

/** Where a connection stands: `opening` until the version and the key are settled (3.4/3.5 handshake, auto probe). */
export type ConnectionState = 'opening' | 'established' | 'failed' | 'closed'

/** Input of {@link createConnection}. */
export interface ConnectionOptions {
  role: SessionRole
  /** The protocol version; a client may pass `'auto'` to probe for it (then `devId` is required). */
  version: ProtocolVersion | 'auto'
  /** The device's local key: 16 ASCII characters (never hex-decoded) or 16 bytes. */
  localKey: KeyInput
  /** The device id: the auto probe's status queries name it. */
  devId?: string
  /** Nonces, 3.5 GCM IVs and the device's random first seq; default `defaultRandom`. */
  random?: RandomSource
  /**
   * Where keys are imported: the caller's keyring (its backend runs the crypto; the connection
   * deletes its session key from it on close), or by default a keyring of its own on
   * `cryptoBackend`, cleared on close.
   */
  keyring?: Keyring
  /** Used when no `keyring` is given; default `nobleBackend`. */
  cryptoBackend?: CryptoBackend
  /** The deframer's bound on one frame; default the codec's `DEFAULT_MAX_FRAME_BYTES`. */
  maxFrameBytes?: number
  /**
   * The first seq this side sends on a 3.4/3.5 connection. Client: 1 (>= 1). Device: default a
   * random 31-bit start, as firmware does (3.1-3.3 devices echo the request's seq instead).
   */
  firstSeq?: number
  /**
   * Device: report a client frame whose seq does not increase as `rejected: 'stale-seq'`, as
   * official 3.5 firmware does (§12). Default false.
   */
  checkSeq?: boolean
}

/** Why a received frame was not handed over as data. */
export type RejectReason =
  /** Not a well-formed frame (bad prefix, suffix or length): firmware loses the stream. */
  | 'malformed'
  /** Fails its integrity check or decryption under the key in use. */
  | 'unauthenticated'
  /** A frame of the other format (55AA on 3.5, 6699 on 3.1-3.4). */
  | 'foreign-format'
  /** Device, 3.4/3.5: a frame other than START/FINISH before the session key. */
  | 'before-handshake'
  /** Device: START on a connection that already started a negotiation (firmware closes it). */
  | 'repeated-start'
  /** Device: a handshake frame that verified but broke the negotiation (see the `failed` event). */
  | 'handshake-failed'
  /** Device with `checkSeq`: the seq does not increase (§12). */
  | 'stale-seq'

/** One complete frame received, as the connection classified it. */
export interface ReceivedFrame {
  /** The frame's bytes as received. */
  readonly raw: Uint8Array
  /** The frame's format as its prefix shows it (undefined when it could not be read). */
  readonly format?: FrameFormat
  readonly cmd: number
  readonly seq: number
  /** The frame opened under the key in use (for handshake steps: the local key). */
  readonly decoded?: DecodedFrame
  /** Set when the frame is not data for the caller; `error` says more where there is one. */
  readonly rejected?: RejectReason
  readonly error?: Error
  /** A 3.4/3.5 negotiation frame the connection consumed itself. */
  readonly isHandshake?: boolean
  /** Client, auto: the answer to the probe's own status query (state to take in, no command's reply). */
  readonly isProbeAnswer?: boolean
  /** Frames the connection wrote in answer to this one (also in the step's `send`). */
  readonly answer?: readonly Uint8Array[]
}

/** Something that happened to the connection. */
export type ConnectionEvent =
  /** The version and key are settled: data frames flow (client: after FINISH or the probe's answer). */
  | { readonly type: 'established'; readonly version: ProtocolVersion; readonly isDevice22: boolean; readonly isVersionDetected: boolean }
  /** Establishment failed for good (wrong key, wrong version, deadline passed): close the connection. */
  | { readonly type: 'failed'; readonly error: HandshakeError; readonly version: ProtocolVersion | undefined }
  /** The deframer skipped bytes that are not a frame. */
  | { readonly type: 'discarded'; readonly bytes: number; readonly error: Error }
  /** Client, auto: a late answer to another of the probe's frames, dropped (it belongs to no command). */
  | { readonly type: 'probe-leftover'; readonly seq: number }

/** The outputs of one input, to act on in this order: write `send`, handle `events`, then `frames`. */
export interface ConnectionStep {
  readonly send: Uint8Array[]
  readonly events: ConnectionEvent[]
  readonly frames: ReceivedFrame[]
}

/** What a caller sends with {@link Connection.send}. */
export interface OutgoingFrame {
  cmd: number
  /** JSON object, text (sent as UTF-8) or bytes; none for an empty frame. */
  payload?: JsonPayload | Uint8Array | string
  /** Device frames: the return code (default 0). */
  retcode?: number
  /** The 15-byte header: the codec's rule for the command by default (see `encodeFrame`). */
  header?: boolean | Uint8Array
  /** Force encryption on or off (3.1 devices send replies in clear); the codec's rule by default. */
  encrypt?: boolean
  /** Device on 3.1-3.3: the request's seq, which the reply echoes (pushes: none, seq 0). */
  replyTo?: number
  /** Seal with another key than the connection's (fault injection in simulators). */
  key?: KeyInput
}
