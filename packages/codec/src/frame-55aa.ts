/**
 * The 55AA frame (PROTOCOL.md §3.1): header, optional clear retcode, body, CRC32 or
 * HMAC-SHA256 trailer over everything before it, suffix.
 */
import { crc32, type CipherKey } from '@tuya/crypto'
import { readU32, writeU32 } from './bytes.ts'
import { CRC_BYTES, HEADER_55AA_BYTES, HMAC_BYTES, PREFIX_55AA, RETCODE_BYTES, SUFFIX_55AA, SUFFIX_BYTES } from './constants.ts'
import { BadSuffixError, CrcMismatchError, HmacMismatchError } from './errors.ts'
import { textToBytes } from './json.ts'
import { hmac, macMatches } from './mac.ts'
import type { Body } from './payload.ts'

/** How a 55AA frame is protected: `crc` (3.1-3.3, UDP) or `hmac` (3.4, keyed). */
export type Trailer55aa = 'crc' | 'hmac'

/** Size of a 55AA trailer kind. */
export function trailerBytes(trailer: Trailer55aa): number {
  return trailer === 'crc' ? CRC_BYTES : HMAC_BYTES
}

/**
 * Writes a whole 55AA frame into one new array: `head` and `body` are copied after the
 * header (and retcode, when given), then the trailer and suffix are computed in place.
 */
export function encode55aa(
  seq: number,
  cmd: number,
  retcode: number | undefined,
  head: Uint8Array | undefined,
  body: Body,
  trailer: Trailer55aa,
  macKey: CipherKey | undefined,
): Uint8Array {
  const bytes = typeof body === 'string' ? textToBytes(body) : body
  const t = trailerBytes(trailer)
  const headBytes = head === undefined ? 0 : head.length
  const rc = retcode === undefined ? 0 : RETCODE_BYTES
  const total = HEADER_55AA_BYTES + rc + headBytes + bytes.length + t + SUFFIX_BYTES
  const out = new Uint8Array(total)
  writeU32(out, 0, PREFIX_55AA)
  writeU32(out, 4, seq)
  writeU32(out, 8, cmd)
  writeU32(out, 12, total - HEADER_55AA_BYTES)
  let at = HEADER_55AA_BYTES
  if (retcode !== undefined) {
    writeU32(out, at, retcode)
    at += RETCODE_BYTES
  }
  if (head !== undefined) {
    out.set(head, at)
    at += head.length
  }
  out.set(bytes, at)
  at += bytes.length
  if (trailer === 'crc') writeU32(out, at, crc32(out, 0, at))
  else out.set(hmac(macKey!, out.subarray(0, at)), at)
  writeU32(out, total - SUFFIX_BYTES, SUFFIX_55AA)
  return out
}

/**
 * Verifies suffix and trailer of a complete 55AA frame (`bytes` is exactly one frame).
 * @returns the retcode (device frames; undefined otherwise); the body is
 *   `bytes[bodyStart(hasRetcode) : bodyEnd(bytes.length, trailer)]`
 */
export function decode55aa(bytes: Uint8Array, hasRetcode: boolean, trailer: Trailer55aa, macKey: CipherKey | undefined): number | undefined {
  const end = bytes.length
  if (readU32(bytes, end - SUFFIX_BYTES) !== SUFFIX_55AA) throw new BadSuffixError('55AA frame does not end with 0000AA55; drop it (framing error)')
  const covered = bodyEnd(end, trailer)
  if (trailer === 'crc') {
    if (crc32(bytes, 0, covered) !== readU32(bytes, covered)) throw new CrcMismatchError('55AA CRC32 trailer does not match the frame bytes; drop the frame')
  } else if (!macMatches(hmac(macKey!, bytes.subarray(0, covered)), bytes, covered)) {
    throw new HmacMismatchError('3.4 HMAC-SHA256 trailer does not verify: wrong key (local key vs session key), wrong version, or damaged bytes; drop the frame')
  }
  return hasRetcode ? readU32(bytes, HEADER_55AA_BYTES) : undefined
}

/** Where the body of a 55AA frame starts. */
export function bodyStart(hasRetcode: boolean): number {
  return HEADER_55AA_BYTES + (hasRetcode ? RETCODE_BYTES : 0)
}

/** Where the body of a 55AA frame of `frameBytes` bytes ends: at its trailer. */
export function bodyEnd(frameBytes: number, trailer: Trailer55aa): number {
  return frameBytes - SUFFIX_BYTES - trailerBytes(trailer)
}
