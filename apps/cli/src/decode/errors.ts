/**
 * Errors of `tuya decode`: a capture file that cannot be parsed, with the byte offset where
 * parsing stopped (never a crash, never a hang).
 */
import { CliError } from '../errors.ts'

/** A capture file is malformed (bad magic, bad block or record length, truncated header). */
export class CaptureFormatError extends CliError {
  static override readonly code: string = 'TUYA_ERR_CAPTURE_FORMAT'
  /** Byte offset in the file where the problem was found. */
  readonly offset: number
  /**
   * @param message - what is wrong (the offset is appended)
   * @param offset - where in the file
   */
  constructor(message: string, offset: number, options?: ErrorOptions) {
    super(`${message} (at byte offset ${offset})`, options)
    this.offset = offset
  }
}

/** The capture file is larger than the decoder accepts. */
export class CaptureTooLargeError extends CaptureFormatError {
  static override readonly code: string = 'TUYA_ERR_CAPTURE_TOO_LARGE'
}
