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
  readFrameHeader,
  type DecodedFrame,
  type Direction,
  type FrameHeader,
  type ProtocolVersion,
} from '@tuya/codec'
import { bytesToHex, createKeyring, equalBytes, hmacSha256, TuyaError } from '@tuya/crypto'
import { deriveSessionKey } from '@tuya/session'
import type { FrameRecord, NoticeRecord } from './records.ts'
import { guessVersion, isVersionPlausible } from './version-guess.ts'

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
  private clientNonce: Uint8Array | undefined
  private deviceNonce: Uint8Array | undefined
  private sessionKey: Uint8Array | undefined
  private hasNegotiated = false

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
    // Each frame's own certain guess wins (hex lines may mix devices); a weak one only fills in.
    if (guess !== undefined && (this.currentVersion === undefined || guess.isCertain)) {
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
    let decoded: DecodedFrame | undefined
    const errors: unknown[] = []
    for (const d of directions) {
      try {
        const attempt = decodeFrame(bytes, { version, ...(key === undefined ? {} : { key }), direction: d, keyring: this.keyring, ...(this.options.maxFrameBytes === undefined ? {} : { maxFrameBytes: this.options.maxFrameBytes }) })
        if (direction === undefined && d === 'fromDevice' && (attempt.retcode ?? 0) > MAX_PLAUSIBLE_RETCODE && directions.length > 1) {
          errors.push(new MalformedLengthError('the retcode is implausible for a device frame'))
          continue
        }
        decoded = attempt
        break
      } catch (error) {
        errors.push(error)
      }
    }
    // With both directions tried, the length/retcode complaint of the wrong one says least.
    const firstError = errors.find((e) => !(e instanceof MalformedLengthError)) ?? errors[0]
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

  private followNegotiation(frame: FrameRecord, decoded: DecodedFrame, version: '3.4' | '3.5'): NoticeRecord[] {
    const localKey = this.options.localKey!
    const payload = decoded.payload
    if (decoded.cmd === START) {
      if (payload.length < 16) {
        frame.info = 'START without a 16-byte client nonce'
        return []
      }
      this.clientNonce = payload.slice(0, 16)
      this.deviceNonce = undefined
      frame.info = `client nonce ${bytesToHex(this.clientNonce)}`
      return []
    }
    if (decoded.cmd === RESP) {
      if (payload.length < 48) {
        frame.info = `RESP of ${payload.length} bytes, 48 expected`
        return []
      }
      this.deviceNonce = payload.slice(0, 16)
      if (this.clientNonce === undefined) {
        frame.info = `device nonce ${bytesToHex(this.deviceNonce)}; START not seen: no session key`
        return [{ kind: 'notice', level: 'warning', message: 'RESP without START: the session key cannot be derived' }]
      }
      const isProofOk = equalBytes(payload.subarray(16, 48), hmacSha256(this.keyring.key(localKey), this.clientNonce))
      frame.info = `device nonce ${bytesToHex(this.deviceNonce)}, proof ${isProofOk ? 'ok' : 'MISMATCH (wrong local key on one side)'}`
      this.sessionKey = deriveSessionKey(version, localKey, this.clientNonce, this.deviceNonce)
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
