/**
 * Decodes the frames of one conversation (one TCP connection, or the hex frames given on the
 * command line) in order and turns them into records. The session negotiation (PROTOCOL.md
 * §7), the session key and the client's version probe are followed by @tuya/session's
 * follower; this file guesses versions and directions, repairs damaged CRC frames and words
 * the records. A new connection needs a new ConversationDecoder (a new session).
 */
import {
  AuthenticationError,
  BadPaddingError,
  commandName,
  CrcMismatchError,
  DecryptError,
  HmacMismatchError,
  MalformedLengthError,
  NotJsonError,
  TruncatedFrameError,
  readFrameHeader,
  VERSION_FACTS,
  type DecodedFrame,
  type Direction,
  type FrameHeader,
  type ProtocolVersion,
} from '@tuya/codec'
import { bytesToHex, crc32, TuyaError } from '@tuya/crypto'
import { createFollower, handshakeSenderOf, isHandshakeCommand } from '@tuya/session'
import type { Follower, FollowerKey, FollowerStep, NegotiationObservation } from '@tuya/session'
import type { FrameRecord, NoticeRecord } from './records.ts'
import { guessVersion, hasCrcTrailer, isVersionPlausible } from './version-guess.ts'

/** How to decode a conversation. */
export interface ConversationOptions {
  /** The version to use (`--version`, or resolved for a whole connection): never second-guessed. */
  readonly version?: ProtocolVersion
  /** Mark records of `version` as guessed (it was resolved from the bytes). */
  readonly isVersionGuessed?: boolean
  /** A version from devices.json or a beacon: used when the frames do not contradict it. */
  readonly versionHint?: ProtocolVersion
  /** The device's local key bytes. */
  readonly localKey?: Uint8Array
  /** A session key to use until a negotiation is seen (`--session-key`; versions with a handshake only). */
  readonly sessionKey?: Uint8Array
  /** Put derived session keys into the records. */
  readonly showKeys?: boolean
  readonly maxFrameBytes?: number
}

/** What {@link ConversationDecoder.decode} returns for one frame. */
export interface DecodedConversationFrame {
  readonly frame: FrameRecord
  /** Said after the frame (e.g. "session key derived"). */
  readonly notices: NoticeRecord[]
  /** The codec's result, when the frame decoded. */
  readonly decoded?: DecodedFrame
}

/** The versions whose 55AA frames end in a CRC32, newest (most common in the field) first. */
const CRC_VERSIONS: readonly ProtocolVersion[] = Object.values(VERSION_FACTS).filter((f) => f.integrity === 'crc').map((f) => f.version).reverse()
/** Without a known sender, a frame is tried as the device's first (most frames are). */
const EITHER_DIRECTION: readonly Direction[] = ['fromDevice', 'toDevice']
/** Retcodes are small; a "retcode" beyond this means the frame was really client -> device. */
const MAX_PLAUSIBLE_RETCODE = 0xffff

/**
 * Turns a decode failure into a short, actionable text.
 * @param error - what decodeFrame threw
 * @param isSessionKey - whether the session key was used
 * @returns a stable code and a one-line message
 */
export function describeDecodeError(error: unknown, isSessionKey = false): { code: string; message: string } {
  const under = isSessionKey ? ' under the session key' : ''
  if (error instanceof HmacMismatchError) return { code: error.code, message: `HMAC mismatch${under}: wrong key?` }
  if (error instanceof AuthenticationError) return { code: error.code, message: `GCM tag mismatch${under}: wrong key?` }
  if (error instanceof BadPaddingError) return { code: error.code, message: `bad padding after decryption${under}: wrong key or version?` }
  if (error instanceof DecryptError) return { code: error.code, message: `decryption failed${under}: wrong key or version?` }
  if (error instanceof CrcMismatchError) return { code: error.code, message: 'CRC mismatch: damaged frame' }
  // The codec's advice (wait for more data) is for streams; here the input is all there is.
  if (error instanceof TruncatedFrameError) return { code: error.code, message: `${error.message.split(';')[0]}: an incomplete frame (give all of its bytes)` }
  if (error instanceof NotJsonError) return { code: error.code, message: 'payload is not valid JSON: wrong key or version?' }
  if (error instanceof TuyaError) return { code: error.code, message: error.message }
  if (error instanceof TypeError || error instanceof RangeError) return { code: 'TUYA_ERR_ARGUMENT', message: error.message }
  return { code: 'TUYA_ERR_INTERNAL', message: error instanceof Error ? error.message : String(error) }
}

/** Decodes one conversation's frames in order, tracking the session key. */
export class ConversationDecoder {
  private readonly options: ConversationOptions
  /**
   * One follower per version met: the version is picked per frame, and a client probing
   * several versions opens a negotiation in each; the device's version finishes one.
   */
  private readonly followers = new Map<ProtocolVersion, Follower>()
  private currentVersion: ProtocolVersion | undefined
  /** The version of the device's frames so far (when directions are known). */
  private deviceVersion: ProtocolVersion | undefined

  /** @param options - version, keys, showKeys */
  constructor(options: ConversationOptions = {}) {
    this.options = options
    this.currentVersion = options.version
  }

  /** The version in use (after the first frame, unless given). */
  get version(): ProtocolVersion | undefined {
    return this.currentVersion
  }

  /** True when a session key was derived from a negotiation in the input. */
  get hasSessionKey(): boolean {
    return [...this.followers.values()].some((f) => f.hasNegotiated)
  }

  private followerOf(version: ProtocolVersion): Follower {
    let follower = this.followers.get(version)
    if (follower === undefined) {
      const { localKey, sessionKey, maxFrameBytes } = this.options
      follower = createFollower({
        version,
        ...(localKey === undefined ? {} : { localKey }),
        ...(sessionKey === undefined || !VERSION_FACTS[version].hasHandshake ? {} : { sessionKey }),
        ...(maxFrameBytes === undefined ? {} : { maxFrameBytes }),
      })
      this.followers.set(version, follower)
    }
    return follower
  }

  private pickVersion(bytes: Uint8Array, direction: Direction | undefined): { version?: ProtocolVersion; isGuessed: boolean } {
    if (this.options.version !== undefined) return { version: this.options.version, isGuessed: this.options.isVersionGuessed === true }
    const hint = this.options.versionHint
    if (hint !== undefined && isVersionPlausible(bytes, hint)) {
      this.currentVersion = hint
      return { version: hint, isGuessed: false }
    }
    const guess = guessVersion(bytes, direction)
    if (direction === 'fromDevice' && guess !== undefined) {
      // The device answers only in its own version (a client may probe several): its frames decide.
      if (this.deviceVersion === undefined || guess.isCertain || !isVersionPlausible(bytes, this.deviceVersion)) this.deviceVersion = guess.version
      this.currentVersion = this.deviceVersion
    } else if (this.deviceVersion !== undefined && direction === 'toDevice') {
      this.currentVersion = isVersionPlausible(bytes, this.deviceVersion) ? this.deviceVersion : (guess?.version ?? this.deviceVersion)
    } else if (guess !== undefined && (this.currentVersion === undefined || guess.isCertain)) {
      // Each frame's own certain guess wins (hex lines may mix devices); a weak one only fills in.
      this.currentVersion = guess.version
    }
    return { ...(this.currentVersion === undefined ? {} : { version: this.currentVersion }), isGuessed: true }
  }

  /**
   * Decodes the next frame of the conversation.
   * @param bytes - one complete frame
   * @param direction - who sent it; undefined = try fromDevice, then toDevice
   * @returns the record (with `error` when it did not decode) and notices
   */
  decode(bytes: Uint8Array, direction?: Direction): DecodedConversationFrame {
    const frame: FrameRecord = { kind: 'frame', transport: 'input', byteLength: bytes.length }
    if (direction !== undefined) frame.direction = direction
    let head: FrameHeader
    try {
      head = readFrameHeader(bytes)
    } catch (error) {
      frame.error = describeDecodeError(error)
      return { frame, notices: [] }
    }
    frame.seq = head.seq
    frame.cmd = head.cmd
    frame.cmdName = commandName(head.cmd)
    const { version, isGuessed } = this.pickVersion(bytes, direction)
    if (version === undefined) {
      frame.error = { code: 'TUYA_ERR_VERSION', message: 'cannot tell the protocol version: pass --version' }
      return { frame, notices: [] }
    }
    frame.version = version
    if (isGuessed) frame.isVersionGuessed = true
    const follower = this.followerOf(version)
    const hasHandshake = VERSION_FACTS[version].hasHandshake
    const isHandshake = hasHandshake && isHandshakeCommand(head.cmd)
    // Handshake frames name their sender; only the follower's observe() moves the negotiation on.
    const sender = direction ?? (isHandshake ? handshakeSenderOf(head.cmd) : undefined)
    const attempt = sender !== undefined ? stepAttempt(follower.observe(bytes, sender)) : this.attempt(follower, bytes, EITHER_DIRECTION)
    const decoded = attempt.decoded
    if (attempt.probe !== undefined && decoded !== undefined) return this.probeRecord(frame, decoded, version)
    // With both directions tried, the length/retcode complaint of the wrong one says least.
    const firstError = attempt.errors.find((e) => !(e instanceof MalformedLengthError)) ?? attempt.errors[0]
    if (decoded === undefined && isGuessed && head.format === '55aa' && !hasCrcTrailer(bytes)) {
      const damaged = this.asDamagedCrcFrame(bytes, sender === undefined ? EITHER_DIRECTION : [sender])
      if (damaged !== undefined) {
        frame.version = damaged.version
        frame.error = { code: 'TUYA_ERR_CRC', message: `CRC mismatch: damaged frame (it decodes as ${damaged.version} apart from its CRC32 trailer, so its trailer is no HMAC)` }
        return { frame, notices: [] }
      }
    }
    if (decoded === undefined) {
      // Without a key the codec still opens what needs none (clear frames, acknowledgements)
      // and refuses the rest with a TypeError naming the key.
      const isSessionKey = attempt.key === 'session'
      frame.error = this.options.localKey === undefined && !isSessionKey && firstError instanceof TypeError
        ? { code: 'TUYA_ERR_NO_KEY', message: 'no key (pass --key, or --devices with this device)' }
        : describeDecodeError(firstError, isSessionKey)
      if (hasHandshake && !isHandshake && !isSessionKey && this.options.localKey !== undefined) {
        frame.error = { code: frame.error.code, message: `${frame.error.message} (no session negotiation seen: capture from the connection start, or pass --session-key)` }
      }
      return { frame, notices: [] }
    }
    frame.direction = decoded.direction
    if (decoded.retcode !== undefined) frame.retcode = decoded.retcode
    describePayload(frame, decoded)
    const notices = attempt.negotiation === undefined ? [] : this.describeNegotiation(frame, attempt.negotiation, decoded, version)
    return { frame, notices, decoded }
  }

  /**
   * Tries `directions` in order without moving the negotiation on (the sender is unknown,
   * so this is no handshake frame); a device frame with an implausible retcode is the
   * client's.
   */
  private attempt(follower: Follower, bytes: Uint8Array, directions: readonly Direction[]): Attempt {
    const errors: unknown[] = []
    let key: FollowerKey = 'local'
    for (const d of directions) {
      const step = follower.decode(bytes, d)
      key = step.key
      if (step.decoded === undefined) {
        errors.push(step.error)
        continue
      }
      if (d === 'fromDevice' && directions.length > 1 && (step.decoded.retcode ?? 0) > MAX_PLAUSIBLE_RETCODE) {
        errors.push(new MalformedLengthError('the retcode is implausible for a device frame'))
        continue
      }
      return { decoded: step.decoded, key, errors }
    }
    return { key, errors }
  }

  /**
   * A 55AA frame without a valid CRC32 looks like an HMAC frame; if it decodes in a CRC
   * version once its trailer is recomputed, it is a damaged CRC frame instead.
   */
  private asDamagedCrcFrame(bytes: Uint8Array, directions: readonly Direction[]): DecodedFrame | undefined {
    if (this.options.localKey === undefined) return undefined
    const repaired = bytes.slice()
    const at = repaired.length - 8
    const crc = crc32(repaired, 0, at)
    repaired.set([crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff], at)
    // The repaired bytes' own guess first (a clear version header, a JSON body), then the rest.
    const guessed = guessVersion(repaired, directions.length === 1 ? directions[0] : undefined)?.version
    const versions = guessed !== undefined && CRC_VERSIONS.includes(guessed) ? [guessed, ...CRC_VERSIONS.filter((v) => v !== guessed)] : CRC_VERSIONS
    for (const version of versions) {
      const { decoded } = this.attempt(this.followerOf(version), repaired, directions)
      if (decoded !== undefined && decoded.text !== undefined) return decoded
    }
    return undefined
  }

  private probeRecord(frame: FrameRecord, decoded: DecodedFrame, connectionVersion: ProtocolVersion): DecodedConversationFrame {
    frame.direction = 'toDevice'
    frame.version = decoded.version
    frame.probe = decoded.version
    describePayload(frame, decoded)
    // A probe's START never becomes this conversation's negotiation: the follower does not follow its nonce.
    frame.info = `version probe (${decoded.version}): the client tried ${decoded.version}; this device speaks ${connectionVersion}`
    return { frame, notices: [], decoded }
  }

  private describeNegotiation(frame: FrameRecord, step: NegotiationObservation, decoded: DecodedFrame, version: ProtocolVersion): NoticeRecord[] {
    if (step.step === 'start') {
      frame.info = step.clientNonce === undefined ? 'START without a 16-byte client nonce' : `client nonce ${bytesToHex(step.clientNonce)}`
      return []
    }
    if (step.step === 'resp') {
      if (step.deviceNonce === undefined) {
        frame.info = `RESP of ${decoded.payload.length} bytes, 48 expected`
        return []
      }
      if (step.sessionKey === undefined) {
        frame.info = `device nonce ${bytesToHex(step.deviceNonce)}; START not seen: no session key`
        return [{ kind: 'notice', level: 'warning', message: 'RESP without START: the session key cannot be derived' }]
      }
      frame.info = `device nonce ${bytesToHex(step.deviceNonce)}, proof ${step.isProofOk === true ? 'ok' : 'MISMATCH (wrong local key on one side)'}`
      const isShown = this.options.showKeys === true
      frame.session = isShown ? { keyHex: bytesToHex(step.sessionKey) } : {}
      const shown = isShown ? `: ${bytesToHex(step.sessionKey)}` : ' (--show-keys prints it)'
      return [{ kind: 'notice', level: 'info', message: `session key derived (${version}, from the START and RESP nonces)${shown}` }]
    }
    frame.info = step.problem === 'no-resp' ? 'FINISH without RESP' : `proof ${step.isProofOk === true ? 'ok' : 'MISMATCH (the device will close the connection)'}`
    return []
  }
}

/** A frame decoded (or not) in one version, by the follower. */
interface Attempt {
  readonly decoded?: DecodedFrame
  readonly key: FollowerKey
  /** Why each direction tried failed. */
  readonly errors: unknown[]
  readonly negotiation?: NegotiationObservation
  readonly probe?: ProtocolVersion
}

function stepAttempt(step: FollowerStep): Attempt {
  return {
    key: step.key,
    errors: step.error === undefined ? [] : [step.error],
    ...(step.decoded === undefined ? {} : { decoded: step.decoded }),
    ...(step.negotiation === undefined ? {} : { negotiation: step.negotiation }),
    ...(step.probe === undefined ? {} : { probe: step.probe }),
  }
}

/** The payload fields of a record: acknowledgement, text, JSON, or hex for binary payloads. */
function describePayload(frame: FrameRecord, decoded: DecodedFrame): void {
  frame.isAck = decoded.payload.length === 0
  if (decoded.text !== undefined) frame.text = decoded.text
  if (decoded.json !== undefined) frame.json = decoded.json
  if (decoded.text === undefined && decoded.payload.length > 0) frame.payloadHex = bytesToHex(decoded.payload)
}
