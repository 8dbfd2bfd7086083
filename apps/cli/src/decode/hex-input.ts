/**
 * Frames typed by hand: hex arguments or stdin lines, one frame per argument/line
 * (whitespace, colons, dashes and a `0x` prefix tolerated; `#` starts a comment line).
 * They are decoded as one conversation, so a pasted 3.4/3.5 negotiation (START, RESP)
 * unlocks the frames after it.
 */
import { Deframer, readFrameHeader, type Direction, type ProtocolVersion } from '@tuya/codec'
import type { DeviceEntry } from '../devices-file.ts'
import { ConversationDecoder } from './conversation.ts'
import type { DecodeStats } from './decode-capture.ts'
import { chooseKey, type RawFrame } from './key-selection.ts'
import type { DecodeRecord, FrameRecord } from './records.ts'

/** Options of {@link decodeHexFrames}. */
export interface DecodeHexOptions {
  readonly key?: Uint8Array
  /** Where `key` came from, for the notice (`--key`, `devices.json "Lamp"`). */
  readonly keySource?: string
  readonly sessionKey?: Uint8Array
  readonly version?: ProtocolVersion
  /** A version from devices.json: used when the frames do not contradict it. */
  readonly versionHint?: ProtocolVersion
  /** Default: try fromDevice, then toDevice. */
  readonly direction?: Direction
  /** Without a key: keys tried from devices.json. */
  readonly devices?: readonly DeviceEntry[]
  readonly showKeys?: boolean
}

const HEX_TEXT = /^(?:0x)?[0-9a-fA-F\s:.-]+$/
/** Four bytes: a frame prefix (000055aa) is the least that is clearly meant as a frame. */
const MIN_HEX_DIGITS = 8

/**
 * Whether a command-line argument looks like a hex frame rather than a file name: even a
 * frame too short to decode (`000055aa0000`) is one, so that it is reported as too short
 * instead of as a missing file (a file named like hex can be given as `./NAME`).
 * @param text - the argument
 * @returns true for an even number (at least 8) of hex digits, separators allowed
 */
export function looksLikeHex(text: string): boolean {
  if (!HEX_TEXT.test(text.trim())) return false
  const digits = text.replace(/^\s*0x/i, '').replace(/[\s:.-]/g, '')
  return digits.length >= MIN_HEX_DIGITS && digits.length % 2 === 0
}

/**
 * Parses one hex frame as typed: separators removed.
 * @param text - hex digits, optionally with whitespace, colons, dots, dashes or a 0x prefix
 * @returns the bytes
 * @throws RangeError when it is not an even number of hex digits
 */
export function parseHex(text: string): Uint8Array {
  const digits = text.trim().replace(/^0x/i, '').replace(/[\s:.-]/g, '')
  if (!/^[0-9a-fA-F]*$/.test(digits)) throw new RangeError('not hex: only 0-9, a-f and separators (space : . -) are allowed')
  if (digits.length % 2 !== 0) throw new RangeError(`odd number of hex digits (${digits.length})`)
  const out = new Uint8Array(digits.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(digits.slice(i * 2, i * 2 + 2), 16)
  return out
}

/**
 * Splits stdin text into frame lines (blank lines and `#` comments dropped).
 * @param text - what was read
 * @returns the lines that hold frames
 */
export function frameLines(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))
}

/** A line's bytes split into frames: a line holding several frames back to back is split. */
function splitFrames(bytes: Uint8Array): Uint8Array[] {
  let total: number
  try {
    total = readFrameHeader(bytes).byteLength
  } catch {
    return [bytes]
  }
  if (bytes.length <= total) return [bytes]
  const deframer = new Deframer()
  const frames = deframer.push(bytes)
  return frames.length > 0 && deframer.bufferedBytes === 0 ? frames : [bytes]
}

/**
 * Decodes hex frames (arguments or lines) as one conversation.
 * @param inputs - one frame per entry
 * @param options - key, sessionKey, version, direction, devices, showKeys
 * @returns records (frames and notices) and stats
 */
export function decodeHexFrames(inputs: readonly string[], options: DecodeHexOptions = {}): { records: DecodeRecord[]; stats: DecodeStats } {
  const stats: DecodeStats = { packets: 0, connections: 0, datagrams: 0, frames: 0, failedFrames: 0 }
  const records: DecodeRecord[] = []
  const parsed = inputs.map((text, index) => {
    try {
      return { index, frames: splitFrames(parseHex(text)) }
    } catch (error) {
      return { index, error: (error as Error).message }
    }
  })
  const raw: RawFrame[] = parsed.flatMap((p) => (p.frames ?? []).map((bytes) => ({ bytes, ...(options.direction === undefined ? {} : { direction: options.direction }) })))
  let key = options.key
  let versionHint = options.versionHint
  if (key === undefined && options.devices !== undefined && options.devices.length > 0) {
    const choice = chooseKey(raw, undefined, { devices: options.devices }, options.version === undefined ? {} : { version: options.version })
    key = choice.localKey
    versionHint ??= choice.versionHint
    if (choice.source !== undefined) records.push({ kind: 'notice', level: 'info', message: `key: ${choice.source}` })
  }
  const decoder = new ConversationDecoder({
    ...(options.version === undefined ? {} : { version: options.version }),
    ...(versionHint === undefined ? {} : { versionHint }),
    ...(key === undefined ? {} : { localKey: key }),
    ...(options.sessionKey === undefined ? {} : { sessionKey: options.sessionKey }),
    ...(options.showKeys === undefined ? {} : { showKeys: options.showKeys }),
  })
  for (const entry of parsed) {
    if (entry.frames === undefined) {
      const frame: FrameRecord = { kind: 'frame', transport: 'input', byteLength: 0, error: { code: 'TUYA_ERR_NOT_HEX', message: `input ${entry.index + 1}: ${entry.error}` } }
      records.push(frame)
      stats.frames++
      stats.failedFrames++
      continue
    }
    for (const bytes of entry.frames) {
      const { frame, notices } = decoder.decode(bytes, options.direction)
      stats.frames++
      if (frame.error !== undefined) stats.failedFrames++
      records.push(frame, ...notices)
    }
  }
  return { records, stats }
}
