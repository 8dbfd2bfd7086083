/**
 * Decodes the frames of one conversation (one TCP connection, or the hex frames given on the
 * command line) in order and turns them into records. @tuya/session's follower decodes each
 * frame under the key due and follows the session negotiation (PROTOCOL.md §7) and the
 * client's version probe; around it, this file picks the version (version-picker.ts) and
 * the direction of each frame, repairs damaged CRC frames, and words the records
 * (frame-wording.ts). A new connection needs a new ConversationDecoder (a new session).
 */
import { commandName, MalformedLengthError, readFrameHeader, VERSION_FACTS } from '@tuya/codec'
import type { DecodedFrame, Direction, FrameHeader, ProtocolVersion } from '@tuya/codec'
import { crc32 } from '@tuya/crypto'
import { createFollower, handshakeSenderOf, isHandshakeCommand } from '@tuya/session'
import type { Follower, FollowerKey, FollowerStep, NegotiationObservation } from '@tuya/session'
import { describeDecodeError, describeNegotiation, describePayload, describeProbe } from './frame-wording.ts'
import type { FrameRecord, NoticeRecord } from './records.ts'
import { guessVersion, hasCrcTrailer } from './version-guess.ts'
import { VersionPicker } from './version-picker.ts'

export { describeDecodeError } from './frame-wording.ts'

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

/** Decodes one conversation's frames in order, tracking the session key. */
export class ConversationDecoder {
  private readonly options: ConversationOptions
  /**
   * One follower per version met: the version is picked per frame, and a client probing
   * several versions opens a negotiation in each; the device's version finishes one.
   */
  private readonly followers = new Map<ProtocolVersion, Follower>()
  private readonly versions: VersionPicker

  /** @param options - version, keys, showKeys */
  constructor(options: ConversationOptions = {}) {
    this.options = options
    this.versions = new VersionPicker(options.version, options.isVersionGuessed === true, options.versionHint)
  }

  /** The version in use (after the first frame, unless given). */
  get version(): ProtocolVersion | undefined {
    return this.versions.current
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
    const { version, isGuessed } = this.versions.pick(bytes, direction)
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
    if (attempt.probe !== undefined && decoded !== undefined) {
      // A probe's START never becomes this conversation's negotiation: the follower does not follow its nonce.
      describeProbe(frame, decoded, version)
      return { frame, notices: [], decoded }
    }
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
    const notices = attempt.negotiation === undefined ? [] : describeNegotiation(frame, attempt.negotiation, decoded, version, this.options.showKeys === true)
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
