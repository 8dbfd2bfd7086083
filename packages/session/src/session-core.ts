/**
 * What the client and the device session share: state, seq counter, failure latch, and
 * the codec boundary (encoding with the local key, decoding with codec errors mapped to
 * HandshakeError subclasses). The role-specific rules live in client.ts and device.ts.
 */
import {
  CMD,
  commandName,
  decodeFrame,
  encodeFrame,
  FrameError,
  HmacMismatchError,
  readFrameHeader,
} from '@tuya/codec'
import type { DecodedFrame, Direction, FrameHeader } from '@tuya/codec'
import { assertBytes, AuthenticationError, BadPaddingError, DecryptError, randomBytes, TuyaError } from '@tuya/crypto'
import type { CipherKey, Keyring, RandomSource } from '@tuya/crypto'
import { HandshakeError, MalformedHandshakeError, UnexpectedFrameError, WrongLocalKeyError, WrongVersionError } from './errors.ts'
import { FORMAT_VERSIONS, NONCE_BYTES } from './protocols.ts'
import type { HandshakeRules } from './protocols.ts'
import type { HandshakeVersion, Session, SessionEvent, SessionRole, SessionState, SessionStep } from './types.ts'

/** Validated options, as createSession hands them to a role. */
export interface SessionConfig {
  role: SessionRole
  version: HandshakeVersion
  rules: HandshakeRules
  localKey: Uint8Array
  random: RandomSource
  firstSeq: number
  nonce: Uint8Array | undefined
  /** Holds the imported local key during the handshake; cleared when it ends. */
  keyring: Keyring
}

/** Per-role wording and frame direction (a table, like the per-version one). */
const ROLES = {
  client: { direction: 'toDevice', peerDirection: 'fromDevice', peer: 'the device' },
  device: { direction: 'fromDevice', peerDirection: 'toDevice', peer: 'the client' },
} as const satisfies Record<SessionRole, { direction: Direction; peerDirection: Direction; peer: string }>

/** What to check when a frame does not verify under the local key, per role. */
const KEY_ADVICE: Record<SessionRole, string> = {
  client:
    'the local key is most likely wrong: check the 16-character local key you configured (it comes from the Tuya cloud and changes whenever the device is re-paired)',
  device: 'the local key is most likely wrong: the client uses another local key than this device',
}

/** The names of the handshake commands, for messages. */
export const HANDSHAKE_CMD_NAMES: Readonly<Record<number, string>> = {
  [CMD.SESS_KEY_NEG_START]: 'START',
  [CMD.SESS_KEY_NEG_RESP]: 'RESP',
  [CMD.SESS_KEY_NEG_FINISH]: 'FINISH',
}

/** Nothing to send, nothing happened. */
export function nothing(): SessionStep {
  return { send: [], events: [] }
}

function codeOf(error: unknown): string {
  return error instanceof TuyaError ? error.code : String(error)
}

/** Shared base of the two roles; subclasses implement `onStart` and `onFrame`. */
export abstract class SessionCore implements Session {
  readonly role: SessionRole
  readonly version: HandshakeVersion
  // Private fields, so that logging a session (console.log, util.inspect) never shows the key.
  readonly #rules: HandshakeRules
  readonly #localKey: Uint8Array
  readonly #random: RandomSource
  readonly #fixedNonce: Uint8Array | undefined
  readonly #keyring: Keyring
  #state: SessionState = 'idle'
  #sessionKey: Uint8Array | undefined
  #nextSeq: number
  #failure: HandshakeError | undefined

  constructor(config: SessionConfig) {
    this.role = config.role
    this.version = config.version
    this.#rules = config.rules
    this.#localKey = config.localKey
    this.#random = config.random
    this.#fixedNonce = config.nonce
    this.#keyring = config.keyring
    this.#nextSeq = config.firstSeq
  }

  get state(): SessionState {
    return this.#state
  }

  get sessionKey(): Uint8Array | undefined {
    return this.#sessionKey
  }

  get nextSeq(): number {
    return this.#nextSeq
  }

  start(): SessionStep {
    this.#throwIfFailed()
    return this.#guard(() => this.onStart())
  }

  receive(frame: Uint8Array): SessionStep {
    assertBytes(frame, 'frame')
    this.#throwIfFailed()
    return this.#guard(() => this.onFrame(frame))
  }

  protected abstract onStart(): SessionStep
  protected abstract onFrame(frame: Uint8Array): SessionStep

  protected get rules(): HandshakeRules {
    return this.#rules
  }

  protected get localKey(): Uint8Array {
    return this.#localKey
  }

  /** The local key imported into the session's backend (for the HMAC proofs). */
  protected get localCipher(): CipherKey {
    return this.#keyring.key(this.#localKey)
  }

  protected get random(): RandomSource {
    return this.#random
  }

  protected get peer(): string {
    return ROLES[this.role].peer
  }

  protected setState(state: SessionState): void {
    this.#state = state
  }

  /** The fixed nonce of the options, or 16 fresh random bytes. */
  protected takeNonce(): Uint8Array {
    return this.#fixedNonce?.slice() ?? randomBytes(NONCE_BYTES, this.random)
  }

  /** Encodes a handshake frame under the local key with this side's next seq. */
  protected encode(cmd: number, payload: Uint8Array): Uint8Array {
    const seq = this.#nextSeq
    const frame = encodeFrame({
      version: this.version,
      key: this.localKey,
      direction: ROLES[this.role].direction,
      seq,
      cmd,
      payload,
      header: false,
      random: this.random,
      keyring: this.#keyring,
    })
    this.#nextSeq = seq + 1
    return frame
  }

  /**
   * Reads the header of a peer frame and checks its format (and, for 3.4, its trailer
   * kind) against the version, before anything else: a frame of another version fails
   * every later check, and the version is what the caller must fix.
   * @throws MalformedHandshakeError (not a Tuya frame), WrongVersionError (other version)
   */
  protected readHeader(frame: Uint8Array): FrameHeader {
    let header: FrameHeader
    try {
      header = readFrameHeader(frame)
    } catch (cause) {
      if (!(cause instanceof FrameError)) throw cause
      throw new MalformedHandshakeError(
        `${this.peer} sent bytes that are not a Tuya frame during the ${this.version} handshake (${codeOf(cause)}): check that the peer is a Tuya device on TCP 6668 and that the stream is split into frames by a Deframer`,
        { cause },
      )
    }
    if (header.format !== this.rules.format) {
      const seen = FORMAT_VERSIONS[header.format]
      throw new WrongVersionError(
        `${this.peer} sent ${seen.frame}, but this session negotiates protocol ${this.version}: the peer speaks another protocol version; ${seen.fix}`,
      )
    }
    if (this.rules.isOlderVersionFrame(frame)) {
      throw new WrongVersionError(
        `${this.peer} sent a 55AA frame with a CRC32 trailer, i.e. protocol 3.1-3.3, but this session negotiates ${this.version}: the peer speaks an older version, which has no handshake; talk to it with its version and no session`,
      )
    }
    return header
  }

  /**
   * Decodes a handshake frame from the peer under the local key.
   * @throws WrongVersionError, WrongLocalKeyError or MalformedHandshakeError, each with `cause`
   */
  protected decode(frame: Uint8Array, header: FrameHeader): DecodedFrame {
    const what = HANDSHAKE_CMD_NAMES[header.cmd] ?? commandName(header.cmd)
    try {
      return decodeFrame(frame, { version: this.version, key: this.localKey, direction: ROLES[this.role].peerDirection, keyring: this.#keyring })
    } catch (cause) {
      if (!(cause instanceof FrameError || cause instanceof DecryptError)) throw cause
      if (cause instanceof HmacMismatchError || cause instanceof AuthenticationError || cause instanceof BadPaddingError) {
        throw new WrongLocalKeyError(
          `${what} from ${this.peer} does not verify under the local key (${codeOf(cause)}): ${KEY_ADVICE[this.role]}; close the connection`,
          { cause },
        )
      }
      throw new MalformedHandshakeError(
        `${what} from ${this.peer} is not a well-formed ${this.version} frame (${codeOf(cause)}): the peer is broken or speaks another protocol version; close the connection`,
        { cause },
      )
    }
  }

  /**
   * The header of a frame that arrives after the handshake, or undefined when it has none.
   * Such frames belong to the caller, who decodes them with the session key and gets any
   * framing error from decodeFrame itself; the session only objects to handshake commands.
   */
  protected peekHeader(frame: Uint8Array): FrameHeader | undefined {
    try {
      return readFrameHeader(frame)
    } catch (error) {
      if (error instanceof FrameError) return undefined
      throw error
    }
  }

  /** Throws UnexpectedFrameError for `header`, explaining `why`. */
  protected unexpected(header: FrameHeader, why: string): never {
    const name = HANDSHAKE_CMD_NAMES[header.cmd] ?? commandName(header.cmd)
    throw new UnexpectedFrameError(`${this.peer} sent ${name} (cmd ${header.cmd}, seq ${header.seq}) ${why}`)
  }

  /** Derives and installs the session key; the caller has verified the peer's proof. */
  protected establish(clientNonce: Uint8Array, deviceNonce: Uint8Array): SessionEvent {
    const sessionKey = this.rules.deriveSessionKey(this.localCipher, clientNonce, deviceNonce)
    // The handshake is over: nothing here uses the local key again.
    this.#keyring.clear()
    this.#sessionKey = sessionKey
    this.#state = 'established'
    return { type: 'established', sessionKey }
  }

  #guard(run: () => SessionStep): SessionStep {
    try {
      return run()
    } catch (error) {
      if (error instanceof HandshakeError) {
        this.#failure = error
        this.#state = 'failed'
        this.#sessionKey = undefined
        this.#keyring.clear()
      }
      throw error
    }
  }

  #throwIfFailed(): void {
    const failure = this.#failure
    if (failure === undefined) return
    const SameKind = failure.constructor as new (message: string, options?: ErrorOptions) => HandshakeError
    throw new SameKind(
      `this session failed earlier and cannot be used again (${failure.message}); close the connection and create a new session on a new one`,
      { cause: failure },
    )
  }
}
