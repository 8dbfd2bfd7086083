/**
 * Deframer: a byte stream in, complete frames out (PROTOCOL.md §3.4), in the style of
 * yamux `Decoder.emitFrames` and h11 `receive_data`. It splits by the length field only;
 * integrity and decryption happen in decodeFrame, because the key can change between two
 * frames of one read (right after a 3.4/3.5 handshake).
 */
import { assertBytes } from '@tuya/crypto'
import { readU32 } from './bytes.ts'
import { DEFAULT_MAX_FRAME_BYTES, HEADER_55AA_BYTES, HEADER_6699_BYTES, SUFFIX_BYTES } from './constants.ts'
import { BadPrefixError, FrameTooLargeError, MalformedLengthError, type FrameError } from './errors.ts'
import { MIN_LENGTH_55AA, MIN_LENGTH_6699 } from './header.ts'
import { checkMaxFrameBytes, checkOptions } from './validate.ts'

/** What {@link DeframerOptions.onDiscard} reports. */
export interface DiscardInfo {
  /** How many bytes were dropped. */
  bytes: number
  /** Why: BadPrefixError (junk before a prefix), FrameTooLargeError or MalformedLengthError. */
  error: FrameError
}

/** Options of {@link Deframer}. */
export interface DeframerOptions {
  /** Largest whole frame accepted, prefix to suffix; default {@link DEFAULT_MAX_FRAME_BYTES}. */
  maxFrameBytes?: number
  /** Called for every run of bytes dropped while resynchronising; never thrown. */
  onDiscard?: (info: DiscardInfo) => void
}

const NO_FRAME = -1

/**
 * Splits a TCP byte stream into frames. Junk before a prefix is skipped, a header with an
 * impossible length is dropped one byte at a time until the next prefix, and partial
 * frames stay buffered; the buffer never holds more than `maxFrameBytes` after `push`
 * returns (plus the current chunk while it is being scanned).
 *
 * @example
 * const deframer = new Deframer({ maxFrameBytes: 16384 })
 * socket.on('data', (chunk) => {
 *   for (const frame of deframer.push(chunk)) handle(decodeFrame(frame, { version: '3.3', key }))
 * })
 */
export class Deframer {
  readonly #maxFrameBytes: number
  readonly #onDiscard: ((info: DiscardInfo) => void) | undefined
  #buf: Uint8Array = new Uint8Array(0)
  #start = 0
  #end = 0

  /**
   * @param options - maxFrameBytes (default 16384) and an onDiscard callback
   * @throws RangeError when maxFrameBytes is not an integer >= 24
   */
  constructor(options: DeframerOptions = {}) {
    checkOptions(options, 'options')
    this.#maxFrameBytes = checkMaxFrameBytes(options.maxFrameBytes, DEFAULT_MAX_FRAME_BYTES)
    if (options.onDiscard !== undefined && typeof options.onDiscard !== 'function') throw new TypeError('options.onDiscard must be a function')
    this.#onDiscard = options.onDiscard
  }

  /** Bytes held back: an incomplete frame, or up to 3 bytes that may start a prefix. */
  get bufferedBytes(): number {
    return this.#end - this.#start
  }

  /** Drops everything buffered (after a reconnect, for instance). */
  reset(): void {
    this.#buf = new Uint8Array(0)
    this.#start = 0
    this.#end = 0
  }

  /**
   * Adds received bytes and returns every frame completed by them.
   *
   * @param chunk - bytes as read from the socket (not retained; copy-free for the caller)
   * @returns the complete frames, each its own copy of the exact frame bytes, in stream order
   * @throws TypeError when chunk is not a Uint8Array (malformed stream data is never thrown)
   */
  push(chunk: Uint8Array): Uint8Array[] {
    assertBytes(chunk, 'chunk')
    // A Buffer (or other subclass) is fine as it is: the chunk is only read, and every frame
    // and the kept tail are copied out of it with set(), never with slice().
    const frames: Uint8Array[] = []
    if (chunk.length === 0) return frames
    // Fast path: nothing buffered, so scan the caller's chunk directly and copy only frames
    // and the leftover tail.
    if (this.#end === this.#start) {
      const used = this.#scan(chunk, 0, chunk.length, frames)
      if (used < chunk.length) this.#keep(chunk.subarray(used))
      return frames
    }
    this.#append(chunk)
    this.#start = this.#scan(this.#buf, this.#start, this.#end, frames)
    if (this.#start === this.#end) {
      this.#start = this.#end = 0
      // Do not hold on to the memory of one huge chunk forever.
      if (this.#buf.length > 2 * this.#maxFrameBytes) this.#buf = new Uint8Array(0)
    }
    return frames
  }

  /** Adds the frames in `b[from:to]` to `frames`; returns the offset of the first unconsumed byte. */
  #scan(b: Uint8Array, from: number, to: number, frames: Uint8Array[]): number {
    let at = from
    while (to - at >= 4) {
      const p = findPrefix(b, at, to)
      if (p === NO_FRAME) {
        // Keep the last 3 bytes: they may be the start of a prefix split across reads.
        this.#discard(to - 3 - at, new BadPrefixError('bytes before a frame prefix were dropped (junk or desynchronised stream)'))
        return to - 3
      }
      if (p > at) {
        this.#discard(p - at, new BadPrefixError('bytes before a frame prefix were dropped (junk or desynchronised stream)'))
        at = p
      }
      const is55aa = b[at + 2] === 0x55
      const headerBytes = is55aa ? HEADER_55AA_BYTES : HEADER_6699_BYTES
      if (to - at < headerBytes) return at
      const length = readU32(b, at + headerBytes - 4)
      const minLength = is55aa ? MIN_LENGTH_55AA : MIN_LENGTH_6699
      const total = is55aa ? HEADER_55AA_BYTES + length : HEADER_6699_BYTES + length + SUFFIX_BYTES
      if (length < minLength || total > this.#maxFrameBytes) {
        const error = length < minLength
          ? new MalformedLengthError(`length field ${length} is below the minimum ${minLength}; resynchronising`)
          : new FrameTooLargeError(`frame of ${total} bytes exceeds maxFrameBytes ${this.#maxFrameBytes}; resynchronising`)
        // Drop one byte and look for the next prefix (PROTOCOL.md §3.4).
        this.#discard(1, error)
        at += 1
        continue
      }
      if (to - at < total) return at
      // A copy with its own ArrayBuffer, so no frame shares memory with another (and a plain
      // Uint8Array even when `b` is a Buffer, whose slice() would be a view).
      frames.push(new Uint8Array(b.subarray(at, at + total)))
      at += total
    }
    return at
  }

  #discard(bytes: number, error: FrameError): void {
    if (bytes > 0 && this.#onDiscard !== undefined) this.#onDiscard({ bytes, error })
  }

  /** Stores `rest` as the whole buffer content. */
  #keep(rest: Uint8Array): void {
    if (this.#buf.length < rest.length) this.#buf = new Uint8Array(Math.max(rest.length, 256))
    this.#buf.set(rest, 0)
    this.#start = 0
    this.#end = rest.length
  }

  /** Appends to the buffered bytes, compacting or growing the buffer as needed. */
  #append(chunk: Uint8Array): void {
    const held = this.#end - this.#start
    const needed = held + chunk.length
    if (this.#end + chunk.length > this.#buf.length) {
      if (needed > this.#buf.length) {
        const grown = new Uint8Array(Math.max(needed, this.#buf.length * 2))
        grown.set(this.#buf.subarray(this.#start, this.#end), 0)
        this.#buf = grown
      } else {
        this.#buf.copyWithin(0, this.#start, this.#end)
      }
      this.#start = 0
      this.#end = held
    }
    this.#buf.set(chunk, this.#end)
    this.#end += chunk.length
  }
}

/** Offset of the first `000055AA` or `00006699` (PREFIX_55AA, PREFIX_6699) in `b[from:to]`, or -1. */
function findPrefix(b: Uint8Array, from: number, to: number): number {
  for (let i = from; i + 4 <= to; i++) {
    if (b[i] !== 0 || b[i + 1] !== 0) continue
    const c = b[i + 2]
    const d = b[i + 3]
    if ((c === 0x55 && d === 0xaa) || (c === 0x66 && d === 0x99)) return i
  }
  return NO_FRAME
}
