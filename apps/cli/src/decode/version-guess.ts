/**
 * Guessing the protocol version of a frame without a key (PROTOCOL.md §3, §5, §6), from what
 * the codec's `sniffFrame` sees and the version table: the format and integrity leave one
 * version (6699: 3.5; a 55AA HMAC trailer: 3.4) or the CRC versions; among those a plaintext
 * JSON body names the version that sends JSON in clear (3.1), a clear `"3.x"` header names its
 * version, and otherwise the newest CRC version is the weak guess.
 */
import { sniffFrame, VERSION_FACTS, type Direction, type FrameSniff, type ProtocolVersion } from '@tuya/codec'

/** A guessed version; `isCertain` when the bytes prove it (a 3.3 guess without a `3.3` header is not). */
export interface VersionGuess {
  readonly version: ProtocolVersion
  readonly isCertain: boolean
  /** Why, for messages: `6699 frame`, `HMAC trailer`, ... */
  readonly reason: string
}

const WHY_ONLY: Readonly<Record<FrameSniff['format'], string>> = {
  '6699': '6699 frame',
  '55aa': '55AA frame without a CRC32 trailer (HMAC)',
}

function sniff(frame: Uint8Array): FrameSniff | undefined {
  try {
    return sniffFrame(frame)
  } catch {
    return undefined
  }
}

/**
 * Whether a 55AA frame's trailer is a valid CRC32 (else it is a 3.4 HMAC, or damaged).
 * @param frame - one complete 55AA frame
 * @returns true when the 4 bytes before the suffix are the CRC32 of everything before them
 */
export function hasCrcTrailer(frame: Uint8Array): boolean {
  return sniff(frame)?.hasCrc === true
}

/**
 * Guesses the version of one complete frame.
 * @param frame - the frame's bytes (prefix to suffix)
 * @param direction - who sent it, when known (decides where the body starts)
 * @returns the guess, or undefined when the bytes are not a frame
 */
export function guessVersion(frame: Uint8Array, direction?: Direction): VersionGuess | undefined {
  const seen = sniff(frame)
  if (seen === undefined || seen.versions.length === 0) return undefined
  const { versions } = seen
  if (versions.length === 1) return { version: versions[0]!, isCertain: true, reason: WHY_ONLY[seen.format] }
  if (seen.headerVersion !== undefined && versions.includes(seen.headerVersion)) {
    return { version: seen.headerVersion, isCertain: true, reason: `clear "${seen.headerVersion}" header` }
  }
  // A device payload has its retcode first (§5); unknown direction: either.
  const bodyEnd = frame.length - 8
  const starts = direction === 'toDevice' ? [16] : direction === 'fromDevice' ? [20] : [16, 20]
  const clear = versions.find((v) => VERSION_FACTS[v].sendsClearQueries)
  if (clear !== undefined && starts.some((at) => at < bodyEnd && frame[at] === 0x7b)) return { version: clear, isCertain: true, reason: 'plaintext JSON body' }
  return { version: versions.at(-1)!, isCertain: false, reason: '55AA frame with a CRC32 trailer' }
}

/**
 * Whether a frame can be of `version` at all (a devices.json or beacon version is only a hint).
 * @param frame - one complete frame
 * @param version - the candidate version
 * @returns false when the frame format or trailer contradicts it
 */
export function isVersionPlausible(frame: Uint8Array, version: ProtocolVersion): boolean {
  const seen = sniff(frame)
  return seen === undefined || seen.versions.length === 0 || seen.versions.includes(version)
}

/** A frame of a conversation, with who sent it when known. */
export interface DirectedFrame {
  readonly bytes: Uint8Array
  readonly direction?: Direction
}

/** Frames looked at per conversation. */
const GUESS_FRAMES = 32

/**
 * Guesses the version of a whole conversation (one TCP connection). The device's frames
 * decide: a client with `version: 'auto'` opens with one frame of each version (3.1, 3.3,
 * 3.4, 3.5), and the device answers only in its own. Without device frames, the client's
 * last frames decide (after a probe, it talks the version that answered).
 * @param frames - the conversation's frames in order
 * @returns the guess and whose frames it came from, or undefined without any frame
 */
export function guessConversationVersion(frames: readonly DirectedFrame[]): (VersionGuess & { readonly from: 'device' | 'client' | 'unknown' }) | undefined {
  const pick = (list: readonly DirectedFrame[]): VersionGuess | undefined => {
    let weak: VersionGuess | undefined
    for (const f of list.slice(0, GUESS_FRAMES)) {
      const guess = guessVersion(f.bytes, f.direction)
      if (guess?.isCertain === true) return guess
      weak ??= guess
    }
    return weak
  }
  const device = pick(frames.filter((f) => f.direction === 'fromDevice'))
  if (device !== undefined) return { ...device, from: 'device' }
  const clientFrames = frames.filter((f) => f.direction !== 'fromDevice')
  const client = pick(clientFrames.length > 4 ? clientFrames.slice(4) : clientFrames.slice(-1))
  if (client !== undefined) return { ...client, from: frames.some((f) => f.direction === 'toDevice') ? 'client' : 'unknown' }
  return undefined
}
