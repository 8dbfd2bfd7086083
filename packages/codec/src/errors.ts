/**
 * Errors for bad bytes from the peer. Every class extends `FrameError`, itself a `TuyaError`
 * from `@tuya/crypto` (branded, stable `code`). Decryption failures are the crypto package's
 * `DecryptError` family, re-exported here.
 */
import { TuyaError } from '@tuya/crypto'

export { AuthenticationError, BadPaddingError, DecryptError, TuyaError } from '@tuya/crypto'

/** The peer sent bytes that do not form a valid frame; drop the frame (or resynchronise the stream). */
export class FrameError extends TuyaError {
  static override readonly code: string = 'TUYA_ERR_FRAME'
  static override readonly scope: string = '@tuya/codec'
}

/** The bytes do not start with `000055AA` or `00006699` (or with the one this version uses). */
export class BadPrefixError extends FrameError {
  static override readonly code: string = 'TUYA_ERR_BAD_PREFIX'
}

/** The last four bytes are not `0000AA55` / `00009966`: a framing error even if the checksum holds. */
export class BadSuffixError extends FrameError {
  static override readonly code: string = 'TUYA_ERR_BAD_SUFFIX'
}

/** The CRC32 trailer of a 55AA frame does not match its bytes. */
export class CrcMismatchError extends FrameError {
  static override readonly code: string = 'TUYA_ERR_CRC'
}

/** The HMAC-SHA256 trailer of a 3.4 frame does not verify: wrong key (local vs session) or damaged bytes. */
export class HmacMismatchError extends FrameError {
  static override readonly code: string = 'TUYA_ERR_HMAC'
}

/** Fewer bytes than a header, or than the length field announces. */
export class TruncatedFrameError extends FrameError {
  static override readonly code: string = 'TUYA_ERR_TRUNCATED'
}

/** The length field announces a frame larger than the configured ceiling. */
export class FrameTooLargeError extends FrameError {
  static override readonly code: string = 'TUYA_ERR_FRAME_TOO_LARGE'
}

/** The length field is too small for the frame type, or disagrees with the bytes given. */
export class MalformedLengthError extends FrameError {
  static override readonly code: string = 'TUYA_ERR_BAD_LENGTH'
}

/** The payload looks like JSON (starts with `{` or `[`) but does not parse. */
export class NotJsonError extends FrameError {
  static override readonly code: string = 'TUYA_ERR_NOT_JSON'
}
