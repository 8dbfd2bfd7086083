/**
 * Fixed numbers of the Tuya LAN protocol (PROTOCOL.md §2, §3, §15).
 */
import { PROTOCOL_VERSIONS, type ProtocolVersion } from './types.ts'

/**
 * Whether a value names a supported protocol version.
 *
 * @param value - anything, typically a user-supplied version string
 * @returns true for `'3.1'` … `'3.5'`
 */
export function isProtocolVersion(value: unknown): value is ProtocolVersion {
  return typeof value === 'string' && (PROTOCOL_VERSIONS as readonly string[]).includes(value)
}

/** Default ceiling for a whole frame, prefix to suffix (PROTOCOL.md §3.4 recommends 16384). */
export const DEFAULT_MAX_FRAME_BYTES = 16384

/** Size of the 55AA header: prefix, seqno, cmd, length. */
export const HEADER_55AA_BYTES = 16
/** Size of the 6699 header: prefix, reserved, seqno, cmd, length. */
export const HEADER_6699_BYTES = 18
/** Size of the version header (`"3.x"` + 12 zero bytes) or source header in front of a payload. */
export const VERSION_HEADER_BYTES = 15
/** Size of the return code of device frames. */
export const RETCODE_BYTES = 4
/** Size of the CRC32 trailer of 55AA frames for 3.1-3.3. */
export const CRC_BYTES = 4
/** Size of the HMAC-SHA256 trailer of 3.4 frames. */
export const HMAC_BYTES = 32
/** Size of the suffix of both frame formats. */
export const SUFFIX_BYTES = 4
/** Size of a 6699 GCM IV. */
export const IV_BYTES = 12
/** Size of a 6699 GCM tag. */
export const TAG_BYTES = 16

/** `00 00 55 AA` as a 32-bit big-endian number. */
export const PREFIX_55AA = 0x000055aa
/** `00 00 AA 55` as a 32-bit big-endian number. */
export const SUFFIX_55AA = 0x0000aa55
/** `00 00 66 99` as a 32-bit big-endian number. */
export const PREFIX_6699 = 0x00006699
/** `00 00 99 66` as a 32-bit big-endian number. */
export const SUFFIX_6699 = 0x00009966

/**
 * The discovery key, MD5("yGAdlopoPVldABfn") (PROTOCOL.md §2). Public and fixed; treat the
 * array as read-only (the codec never uses it, so changing it only breaks your own calls).
 */
export const UDP_KEY: Uint8Array = Uint8Array.of(
  0x6c, 0x1e, 0xc8, 0xe2, 0xbb, 0x9b, 0xb5, 0x9a, 0xb5, 0x0b, 0x0d, 0xaf, 0x64, 0x9b, 0x41, 0x0a,
)
