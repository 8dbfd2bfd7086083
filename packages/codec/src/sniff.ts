/**
 * What a frame shows without a key (for diagnosis, `tuya decode` and version probing): its
 * format, whether a 55AA frame ends in a valid CRC32 (3.1-3.3) or not (3.4's HMAC), and the
 * version named by a clear 15-byte header in front of a 3.2/3.3 payload (PROTOCOL.md §3, §5).
 */
import { crc32 } from '@tuya/crypto'
import { hasVersionPrefixAt, readU32 } from './bytes.ts'
import { isProtocolVersion, RETCODE_BYTES, SUFFIX_BYTES, CRC_BYTES, HEADER_55AA_BYTES, VERSION_HEADER_BYTES } from './constants.ts'
import { readFrameHeader } from './header.ts'
import { VERSION_FACTS } from './protocols.ts'
import type { FrameHeader, ProtocolVersion } from './types.ts'

/** What {@link sniffFrame} finds. */
export interface FrameSniff extends FrameHeader {
  /** 55AA frames: the trailer is a valid CRC32 over the frame (3.1-3.3); false otherwise (3.4 HMAC, or damage). */
  readonly hasCrc: boolean
  /** The versions whose framing and keyless integrity check the frame fits, oldest first. */
  readonly versions: readonly ProtocolVersion[]
  /** The version a clear `"3.x"` header in front of the payload names (3.2/3.3 frames), if any. */
  readonly headerVersion?: ProtocolVersion
}

const ALL = Object.values(VERSION_FACTS)

/**
 * Looks at one complete frame without decrypting anything.
 * @param bytes - exactly one frame
 * @returns the header fields, the CRC verdict, the versions that fit and a header's version
 * @throws FrameError subclasses when the bytes are not a frame (see {@link readFrameHeader})
 * @example sniffFrame(frame).versions // ['3.1', '3.2', '3.3'] for a 55AA frame with a valid CRC
 */
export function sniffFrame(bytes: Uint8Array): FrameSniff {
  const head = readFrameHeader(bytes)
  const n = Math.min(bytes.length, head.byteLength)
  const trailer = n - SUFFIX_BYTES - CRC_BYTES
  const hasCrc = head.format === '55aa' && trailer >= HEADER_55AA_BYTES && crc32(bytes, 0, trailer) === readU32(bytes, trailer)
  const integrity = head.format === '6699' ? 'gcm' : hasCrc ? 'crc' : 'hmac'
  const versions = ALL.filter((f) => f.format === head.format && f.integrity === integrity).map((f) => f.version)
  const sniff: FrameSniff = { ...head, hasCrc, versions }
  if (!hasCrc) return sniff
  // A client payload starts with the header; a device payload has its retcode first (§5).
  for (const at of [HEADER_55AA_BYTES, HEADER_55AA_BYTES + RETCODE_BYTES]) {
    if (!hasVersionPrefixAt(bytes, at, trailer, VERSION_HEADER_BYTES)) continue
    const named = String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!)
    if (isProtocolVersion(named)) return { ...sniff, headerVersion: named }
  }
  return sniff
}
