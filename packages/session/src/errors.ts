/**
 * Errors of the 3.4/3.5 session-key negotiation. Each one means the peer (or the
 * configuration that matches it) is at fault, never the caller's code: bad arguments
 * throw `TypeError`/`RangeError` instead (h11's local-vs-remote split).
 */
import type { ProtocolVersion } from '@tuya/codec'
import { TuyaError } from '@tuya/crypto'

/**
 * Base class: the three-frame negotiation (PROTOCOL.md §7) failed. The session is then
 * `failed` for good; close the connection, fix the cause, reconnect with a new session.
 */
export class HandshakeError extends TuyaError {
  static override readonly code: string = 'TUYA_ERR_HANDSHAKE'
  static override readonly scope: string = '@tuya/session'
}

/**
 * The local key is wrong: a handshake frame does not verify under the configured local
 * key (HMAC, GCM tag or padding), or its HMAC proof of a nonce does not match.
 */
export class WrongLocalKeyError extends HandshakeError {
  static override readonly code: string = 'TUYA_ERR_HANDSHAKE_WRONG_KEY'
  /**
   * How the key showed itself wrong: a handshake proof or frame that does not verify
   * (`proof`), or a 3.1-3.3 reply that does not decrypt (`undecryptable`).
   */
  readonly symptom: 'proof' | 'undecryptable'

  constructor(message: string, options?: ErrorOptions & { symptom?: 'proof' | 'undecryptable' }) {
    super(message, options)
    this.symptom = options?.symptom ?? 'proof'
  }
}

/**
 * The peer speaks another protocol version: a 55AA frame on 3.5, a 6699 frame on 3.4,
 * or a CRC-protected 55AA frame (3.1-3.3, which have no handshake) on 3.4.
 */
export class WrongVersionError extends HandshakeError {
  static override readonly code: string = 'TUYA_ERR_HANDSHAKE_WRONG_VERSION'
  /** The version the peer's frame shows, when it shows one. */
  readonly seenVersion: ProtocolVersion | undefined

  constructor(message: string, options?: ErrorOptions & { seenVersion?: ProtocolVersion }) {
    super(message, options)
    this.seenVersion = options?.seenVersion
  }
}

/**
 * A frame arrived that has no place at this point of the negotiation: a non-handshake
 * command before the key is established, or a handshake command out of order (FINISH
 * before START, RESP sent to a device, START sent to a client, a second RESP).
 */
export class UnexpectedFrameError extends HandshakeError {
  static override readonly code: string = 'TUYA_ERR_UNEXPECTED_FRAME'
}

/**
 * START on a connection that already started or finished a negotiation. Official
 * firmware closes such a connection; reconnect and negotiate on the new one instead.
 */
export class RepeatedStartError extends HandshakeError {
  static override readonly code: string = 'TUYA_ERR_REPEATED_START'
}

/**
 * A handshake frame is intact under the local key but its content is malformed (RESP
 * payload shorter than 48 bytes, START shorter than 16, FINISH shorter than 32), or the
 * bytes are not a well-formed Tuya frame at all.
 */
export class MalformedHandshakeError extends HandshakeError {
  static override readonly code: string = 'TUYA_ERR_HANDSHAKE_MALFORMED'
}

/**
 * A client connection was not established by the deadline its caller passed to `open()`:
 * nobody answered the `version: 'auto'` probe (`stage: 'probe'`), or the device did not
 * answer START (`stage: 'handshake'`). Devices stay silent on frames they cannot
 * authenticate (PROTOCOL.md §18.29), so this usually means a wrong local key or version.
 */
export class HandshakeTimeoutError extends HandshakeError {
  static override readonly code: string = 'TUYA_ERR_HANDSHAKE_TIMEOUT'
  readonly stage: 'probe' | 'handshake'

  constructor(message: string, options: ErrorOptions & { stage: 'probe' | 'handshake' }) {
    super(message, options)
    this.stage = options.stage
  }
}

/**
 * `send()` on a connection that is not established (still opening, failed or closed): a
 * mistake of the caller, who must wait for the `established` event.
 */
export class NotEstablishedError extends HandshakeError {
  static override readonly code: string = 'TUYA_ERR_NOT_ESTABLISHED'
}
