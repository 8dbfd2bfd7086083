/**
 * Reading the fixed header of a frame without any key (PROTOCOL.md §3.1, §3.2).
 */
import { assertBytes } from '@tuya/crypto'
import { readU32 } from './bytes.ts'
import { HEADER_55AA_BYTES, HEADER_6699_BYTES, IV_BYTES, PREFIX_55AA, PREFIX_6699, SUFFIX_BYTES, TAG_BYTES } from './constants.ts'
import { BadPrefixError, MalformedLengthError, TruncatedFrameError } from './errors.ts'
import type { FrameHeader } from './types.ts'

/** Smallest 55AA length field of any frame: a client frame with an empty body, CRC and suffix. */
export const MIN_LENGTH_55AA = 8
/** Smallest 6699 length field of any frame: IV and tag around an empty client plaintext. */
export const MIN_LENGTH_6699 = IV_BYTES + TAG_BYTES

/**
 * Parses prefix, seqno, cmd and length of a frame, needing no key (for routing, such as
 * "is this the cmd 4 answer?"). Only the format-wide minimum length is checked here;
 * {@link decodeFrame} applies the per-version and per-direction minimum.
 *
 * @param bytes - the start of a frame (at least its 16- or 18-byte header)
 * @returns format, seq, cmd, the raw length field and the whole frame's byteLength
 * @throws BadPrefixError when the bytes start with neither `000055AA` nor `00006699`
 * @throws TruncatedFrameError when fewer bytes than a header are given
 * @throws MalformedLengthError when the length field is below the format's minimum
 * @example readFrameHeader(frame).cmd === CMD.SESS_KEY_NEG_RESP
 */
export function readFrameHeader(bytes: Uint8Array): FrameHeader {
  assertBytes(bytes, 'bytes')
  if (bytes.length < 4) throw new TruncatedFrameError(`got ${bytes.length} bytes, fewer than a frame prefix; wait for more data or drop the datagram`)
  const prefix = readU32(bytes, 0)
  if (prefix === PREFIX_55AA) {
    if (bytes.length < HEADER_55AA_BYTES) throw new TruncatedFrameError(`got ${bytes.length} bytes, fewer than the 16-byte 55AA header; wait for more data or drop the datagram`)
    const length = readU32(bytes, 12)
    if (length < MIN_LENGTH_55AA) throw new MalformedLengthError(`55AA length field ${length} is below the minimum ${MIN_LENGTH_55AA}; the stream is desynchronised`)
    return { format: '55aa', seq: readU32(bytes, 4), cmd: readU32(bytes, 8), length, byteLength: HEADER_55AA_BYTES + length }
  }
  if (prefix === PREFIX_6699) {
    if (bytes.length < HEADER_6699_BYTES) throw new TruncatedFrameError(`got ${bytes.length} bytes, fewer than the 18-byte 6699 header; wait for more data or drop the datagram`)
    const length = readU32(bytes, 14)
    if (length < MIN_LENGTH_6699) throw new MalformedLengthError(`6699 length field ${length} cannot hold the IV (12) and tag (16); the stream is desynchronised`)
    return { format: '6699', seq: readU32(bytes, 6), cmd: readU32(bytes, 10), length, byteLength: HEADER_6699_BYTES + length + SUFFIX_BYTES }
  }
  throw new BadPrefixError('frame does not start with 000055AA or 00006699; resynchronise by scanning for a prefix')
}
