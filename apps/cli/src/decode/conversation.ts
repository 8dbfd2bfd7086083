/**
 * Decodes the frames of one conversation (one TCP connection, or the hex frames given on the
 * command line) in order, following the 3.4/3.5 session negotiation (PROTOCOL.md §7): START
 * and RESP are opened with the local key, their nonces give the session key, and every later
 * frame is opened with it. A new connection needs a new ConversationDecoder (a new session).
 */
import {
  AuthenticationError,
  BadPaddingError,
  commandName,
  CrcMismatchError,
  decodeFrame,
  DecryptError,
  HmacMismatchError,
  MalformedLengthError,
  NotJsonError,
  TruncatedFrameError,
  readFrameHeader,
  type DecodedFrame,
  type Direction,
  type FrameHeader,
  type ProtocolVersion,
} from '@tuya/codec'
import { bytesToHex, crc32, createKeyring, equalBytes, hmacSha256, TuyaError } from '@tuya/crypto'
import { deriveSessionKey } from '@tuya/session'
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
  /** 3.4/3.5: a session key to use until a negotiation is seen (`--session-key`). */
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

const START = 3
const RESP = 4
const FINISH = 5
const SESSION_VERSIONS: ReadonlySet<string> = new Set(['3.4', '3.5'])
/**
 * `version: 'auto'` in @tuya/client opens a connection with one frame per version, back to
 * back: a 3.1 DP_QUERY (seq 1), a 3.3 DP_QUERY (seq 2), a 3.4 START (seq 3), a 3.5 START
 * (seq 4). The device answers the one it speaks; the others are probes, not damage.
 */
const PROBE_VERSIONS: readonly ProtocolVersion[] = ['3.1', '3.3', '3.4', '3.5']
const PROBE_FRAMES = PROBE_VERSIONS.length
/** The seq of each version's probe: 1, 2, 3, 4 in the order above. */
const probeVersionOfSeq = (seq: number): ProtocolVersion | undefined => PROBE_VERSIONS[seq - 1]
/** The probe sent in clear: later versions' codecs open clear JSON too, but their clients never send it. */
const CLEAR_PROBE_VERSION: ProtocolVersion = '3.1'

/** The versions whose 55AA frames end in a CRC32, most common first. */
const CRC_VERSIONS: readonly ProtocolVersion[] = ['3.3', '3.1', '3.2']

/** Whether a client frame is a JSON request as a client of `version` would send it. */
function isQueryOf(decoded: DecodedFrame, version: ProtocolVersion): boolean {
  return decoded.json !== undefined && (decoded.isEncrypted || version === CLEAR_PROBE_VERSION)
}
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
  /** The local key and the session keys met so far, imported once for every frame they protect. */
  private readonly keyring = createKeyring({ maxKeys: 4 })
  private currentVersion: ProtocolVersion | undefined
  /** The version of the device's frames so far (when directions are known). */
  private deviceVersion: ProtocolVersion | undefined
  /** By version: a client probing 3.4 and 3.5 at once sends a START in each. */
  private readonly clientNonces = new Map<ProtocolVersion, Uint8Array>()
  private deviceNonce: Uint8Array | undefined
  private sessionKey: Uint8Array | undefined
  private hasNegotiated = false
  private clientFrames = 0

  /** @param options - version, keys, showKeys */
  constructor(options: ConversationOptions = {}) {
    this.options = options
    this.currentVersion = options.version
    this.sessionKey = options.sessionKey
  }

  /** The version in use (after the first frame, unless given). */
  get version(): ProtocolVersion | undefined {
    return this.currentVersion
  }

  /** True when a session key was derived from a negotiation in the input. */
  get hasSessionKey(): boolean {
    return this.hasNegotiated
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
    const isSessionVersion = SESSION_VERSIONS.has(version)
    const isHandshake = isSessionVersion && (head.cmd === START || head.cmd === RESP || head.cmd === FINISH)
    const useSessionKey = isSessionVersion && !isHandshake && this.sessionKey !== undefined
    const key = useSessionKey ? this.sessionKey : this.options.localKey
    const directions: Direction[] =
      direction !== undefined ? [direction]
      : isHandshake ? [head.cmd === RESP ? 'fromDevice' : 'toDevice']
      : ['fromDevice', 'toDevice']
    const attempt = this.attempt(bytes, version, key, directions, direction === undefined)
    const decoded = attempt.decoded
    const isProbeCandidate = direction === 'toDevice' && this.clientFrames++ < PROBE_FRAMES && head.seq <= PROBE_FRAMES
    if (isProbeCandidate && !(decoded !== undefined && (isHandshake || decoded.payload.length === 0 || isQueryOf(decoded, version)))) {
      const probe = this.probeOf(bytes, head.seq, version)
      if (probe !== undefined) return this.probeRecord(frame, probe, version)
    }
    // With both directions tried, the length/retcode complaint of the wrong one says least.
    const firstError = attempt.errors.find((e) => !(e instanceof MalformedLengthError)) ?? attempt.errors[0]
    if (decoded === undefined && isGuessed && head.format === '55aa' && !hasCrcTrailer(bytes)) {
      const damaged = this.asDamagedCrcFrame(bytes, directions)
      if (damaged !== undefined) {
        frame.version = damaged.version
        frame.error = { code: 'TUYA_ERR_CRC', message: `CRC mismatch: damaged frame (it decodes as ${damaged.version} apart from its CRC32 trailer, so it is no 3.4 HMAC frame)` }
        return { frame, notices: [] }
      }
    }
    if (decoded === undefined) {
      // Without a key the codec still opens what needs none (3.1 plaintext, acknowledgements)
      // and refuses the rest with a TypeError naming the key.
      frame.error = key === undefined && firstError instanceof TypeError
        ? { code: 'TUYA_ERR_NO_KEY', message: 'no key (pass --key, or --devices with this device)' }
        : describeDecodeError(firstError, useSessionKey)
      if (isSessionVersion && !isHandshake && !useSessionKey && this.options.localKey !== undefined) {
        frame.error = { code: frame.error.code, message: `${frame.error.message} (no session negotiation seen: capture from the connection start, or pass --session-key)` }
      }
      return { frame, notices: [] }
    }
    frame.direction = decoded.direction
    if (decoded.retcode !== undefined) frame.retcode = decoded.retcode
    frame.isAck = decoded.payload.length === 0
    if (decoded.text !== undefined) frame.text = decoded.text
    if (decoded.json !== undefined) frame.json = decoded.json
    if (decoded.text === undefined && decoded.payload.length > 0) frame.payloadHex = bytesToHex(decoded.payload)
    const notices = isHandshake ? this.followNegotiation(frame, decoded, version as '3.4' | '3.5') : []
    return { frame, notices, decoded }
  }

  private attempt(bytes: Uint8Array, version: ProtocolVersion, key: Uint8Array | undefined, directions: readonly Direction[], isDirectionGuessed: boolean): { decoded?: DecodedFrame; errors: unknown[] } {
    const errors: unknown[] = []
    for (const d of directions) {
      try {
        const attempt = decodeFrame(bytes, { version, ...(key === undefined ? {} : { key }), direction: d, keyring: this.keyring, ...(this.options.maxFrameBytes === undefined ? {} : { maxFrameBytes: this.options.maxFrameBytes }) })
        if (isDirectionGuessed && d === 'fromDevice' && (attempt.retcode ?? 0) > MAX_PLAUSIBLE_RETCODE && directions.length > 1) {
          errors.push(new MalformedLengthError('the retcode is implausible for a device frame'))
          continue
        }
        return { decoded: attempt, errors }
      } catch (error) {
        errors.push(error)
      }
    }
    return { errors }
  }

  /**
   * A 55AA frame without a valid CRC32 looks like 3.4 (HMAC trailer); if it decodes in a CRC
   * version once its trailer is recomputed, it is a damaged 3.1-3.3 frame instead.
   */
  private asDamagedCrcFrame(bytes: Uint8Array, directions: readonly Direction[]): DecodedFrame | undefined {
    const localKey = this.options.localKey
    if (localKey === undefined) return undefined
    const repaired = bytes.slice()
    const at = repaired.length - 8
    const crc = crc32(repaired, 0, at)
    repaired.set([crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff], at)
    for (const version of CRC_VERSIONS) {
      const { decoded } = this.attempt(repaired, version, localKey, directions, directions.length > 1)
      if (decoded !== undefined && decoded.text !== undefined) return decoded
    }
    return undefined
  }

  /**
   * A client frame that is one of `version: 'auto'`'s probes in another version: a JSON
   * query, or a START with its nonce, that decodes under the local key in that version.
   */
  private probeOf(bytes: Uint8Array, seq: number, connectionVersion: ProtocolVersion): DecodedFrame | undefined {
    const localKey = this.options.localKey
    const version = probeVersionOfSeq(seq)
    if (localKey === undefined || version === undefined || version === connectionVersion) return undefined
    const { decoded } = this.attempt(bytes, version, localKey, ['toDevice'], false)
    if (decoded === undefined) return undefined
    const isStart = SESSION_VERSIONS.has(version) && decoded.cmd === START && decoded.payload.length >= 16
    return isStart || isQueryOf(decoded, version) ? decoded : undefined
  }

  private probeRecord(frame: FrameRecord, decoded: DecodedFrame, connectionVersion: ProtocolVersion): DecodedConversationFrame {
    frame.direction = 'toDevice'
    frame.version = decoded.version
    frame.probe = decoded.version
    frame.isAck = decoded.payload.length === 0
    if (decoded.text !== undefined) frame.text = decoded.text
    if (decoded.json !== undefined) frame.json = decoded.json
    if (decoded.text === undefined && decoded.payload.length > 0) frame.payloadHex = bytesToHex(decoded.payload)
    // A probe's START never becomes this conversation's negotiation: its nonce is not followed.
    frame.info = `version probe (${decoded.version}): the client tried ${decoded.version}; this device speaks ${connectionVersion}`
    return { frame, notices: [], decoded }
  }

  private followNegotiation(frame: FrameRecord, decoded: DecodedFrame, version: '3.4' | '3.5'): NoticeRecord[] {
    const localKey = this.options.localKey!
    const payload = decoded.payload
    if (decoded.cmd === START) {
      if (payload.length < 16) {
        frame.info = 'START without a 16-byte client nonce'
        return []
      }
      const clientNonce = payload.slice(0, 16)
      this.clientNonces.set(version, clientNonce)
      this.deviceNonce = undefined
      frame.info = `client nonce ${bytesToHex(clientNonce)}`
      return []
    }
    if (decoded.cmd === RESP) {
      if (payload.length < 48) {
        frame.info = `RESP of ${payload.length} bytes, 48 expected`
        return []
      }
      this.deviceNonce = payload.slice(0, 16)
      const clientNonce = this.clientNonces.get(version)
      if (clientNonce === undefined) {
        frame.info = `device nonce ${bytesToHex(this.deviceNonce)}; START not seen: no session key`
        return [{ kind: 'notice', level: 'warning', message: 'RESP without START: the session key cannot be derived' }]
      }
      const isProofOk = equalBytes(payload.subarray(16, 48), hmacSha256(this.keyring.key(localKey), clientNonce))
      frame.info = `device nonce ${bytesToHex(this.deviceNonce)}, proof ${isProofOk ? 'ok' : 'MISMATCH (wrong local key on one side)'}`
      this.sessionKey = deriveSessionKey(version, localKey, clientNonce, this.deviceNonce)
      this.hasNegotiated = true
      frame.session = this.options.showKeys === true ? { keyHex: bytesToHex(this.sessionKey) } : {}
      const shown = this.options.showKeys === true ? `: ${bytesToHex(this.sessionKey)}` : ' (--show-keys prints it)'
      return [{ kind: 'notice', level: 'info', message: `session key derived (${version}, from the START and RESP nonces)${shown}` }]
    }
    if (this.deviceNonce === undefined) {
      frame.info = 'FINISH without RESP'
      return []
    }
    const isProofOk = payload.length === 32 && equalBytes(payload, hmacSha256(this.keyring.key(localKey), this.deviceNonce))
    frame.info = `proof ${isProofOk ? 'ok' : 'MISMATCH (the device will close the connection)'}`
    return []
  }
}
