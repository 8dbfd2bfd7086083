/**
 * Guessing the protocol version of a frame without a key (PROTOCOL.md §3, §5, §6):
 * 6699 -> 3.5; 55AA whose trailer is not a CRC32 -> 3.4 (HMAC); 55AA with a CRC32: a body
 * starting with `{` or `3.1` -> 3.1, a clear `3.2` header -> 3.2, otherwise 3.3.
 */
import { readU32, sniffFrame, type Direction, type ProtocolVersion } from '@tuya/codec'

/** A guessed version; `isCertain` when the bytes prove it (a 3.3 guess without a `3.3` header is not). */
export interface VersionGuess {
  readonly version: ProtocolVersion
  readonly isCertain: boolean
  /** Why, for messages: `6699 frame`, `HMAC trailer`, ... */
  readonly reason: string
}

function startsWith(b: Uint8Array, at: number, text: string): boolean {
  if (b.length < at + text.length) return false
  for (let i = 0; i < text.length; i++) if (b[at + i] !== text.charCodeAt(i)) return false
  return true
}

/**
 * Whether a 55AA frame's trailer is a valid CRC32 (else it is a 3.4 HMAC, or damaged).
 * @param frame - one complete 55AA frame
 * @returns true when the 4 bytes before the suffix are the CRC32 of everything before them
 */
export function hasCrcTrailer(frame: Uint8Array): boolean {
  try {
    return sniffFrame(frame).hasCrc
  } catch {
    return false
  }
}

/**
 * Guesses the version of one complete frame.
 * @param frame - the frame's bytes (prefix to suffix)
 * @param direction - who sent it, when known (decides where the body starts)
 * @returns the guess, or undefined when the bytes are not a frame
 */
export function guessVersion(frame: Uint8Array, direction?: Direction): VersionGuess | undefined {
  if (frame.length < 16) return undefined
  const prefix = readU32(frame, 0)
  if (prefix === 0x00006699) return { version: '3.5', isCertain: true, reason: '6699 frame' }
  if (prefix !== 0x000055aa) return undefined
  if (!hasCrcTrailer(frame)) return { version: '3.4', isCertain: true, reason: '55AA frame without a CRC32 trailer (HMAC)' }
  const bodyEnd = frame.length - 8
  const starts = direction === 'toDevice' ? [16] : direction === 'fromDevice' ? [20] : [16, 20]
  for (const at of starts) {
    if (at >= bodyEnd) continue
    if (frame[at] === 0x7b) return { version: '3.1', isCertain: true, reason: 'plaintext JSON body' }
    for (const v of ['3.1', '3.2', '3.3'] as const) {
      if (startsWith(frame, at, v)) return { version: v, isCertain: true, reason: `clear "${v}" header` }
    }
  }
  return { version: '3.3', isCertain: false, reason: '55AA frame with a CRC32 trailer' }
}

/**
 * Whether a frame can be of `version` at all (a devices.json or beacon version is only a hint).
 * @param frame - one complete frame
 * @param version - the candidate version
 * @returns false when the frame format or trailer contradicts it
 */
export function isVersionPlausible(frame: Uint8Array, version: ProtocolVersion): boolean {
  const guess = guessVersion(frame)
  if (guess === undefined) return true
  if (guess.version === '3.5' || version === '3.5') return guess.version === version
  if (guess.version === '3.4' || version === '3.4') return guess.version === version
  return true
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
