/**
 * Errors a device reports in words (PROTOCOL.md §11): retcode 1 and a short ASCII text.
 * They are not frame errors: the frame was fine, the request was not.
 */
import { TuyaError } from '@tuya/crypto'

/** Options of {@link DeviceError}. */
export interface DeviceErrorOptions extends ErrorOptions {
  /** The frame's retcode, when it had one. */
  retcode?: number | undefined
}

/** The device answered with an error text; `text` is what it said, `retcode` the frame's return code. */
export class DeviceError extends TuyaError {
  static override readonly code: string = 'TUYA_ERR_DEVICE'
  static override readonly scope: string = '@tuya/codec'
  /** The error text exactly as the device sent it. */
  readonly text: string
  /** The retcode of the frame (1 on every error seen so far), if the frame had one. */
  readonly retcode: number | undefined

  /**
   * @param text - the device's error text
   * @param options - retcode and cause
   */
  constructor(text: string, options: DeviceErrorOptions = {}) {
    super(`device replied "${text}"${hintFor(new.target)}`, options)
    this.text = text
    this.retcode = options.retcode
  }
}

/** `json obj data unvalid`: the query is not supported in this form (device22 trigger), or nothing to report. */
export class DataUnvalidError extends DeviceError {
  static override readonly code: string = 'TUYA_ERR_DATA_UNVALID'
}

/** `data format error`: the JSON could not be parsed or lacks `dps` / `data.dps`. */
export class DataFormatError extends DeviceError {
  static override readonly code: string = 'TUYA_ERR_DATA_FORMAT'
}

/** `parse data error`: the device could not decode the payload at all (wrong key or version?). */
export class ParseDataError extends DeviceError {
  static override readonly code: string = 'TUYA_ERR_PARSE_DATA'
}

/** `devid not found`: the gateway does not know that child `cid`. */
export class DevIdNotFoundError extends DeviceError {
  static override readonly code: string = 'TUYA_ERR_DEVID_NOT_FOUND'
}

function hintFor(ctor: unknown): string {
  if (ctor === DataUnvalidError) return ': the device wants the device22 query (CONTROL_NEW with null dps), or has nothing to report'
  if (ctor === DataFormatError) return ': the request JSON was rejected; check the payload shape for this version'
  if (ctor === ParseDataError) return ': the device could not decode the request; check the key and the protocol version'
  if (ctor === DevIdNotFoundError) return ': the gateway does not know this cid'
  return ''
}

/**
 * The DeviceError subclass for an error text (matched case-insensitively by its key words).
 *
 * @param text - the device's error text
 * @param retcode - the frame's retcode
 * @returns a DataUnvalidError, DataFormatError, ParseDataError, DevIdNotFoundError or DeviceError
 */
export function deviceErrorFor(text: string, retcode?: number): DeviceError {
  const t = text.toLowerCase()
  if (t.includes('data unvalid')) return new DataUnvalidError(text, { retcode })
  if (t.includes('data format error')) return new DataFormatError(text, { retcode })
  if (t.includes('parse data error')) return new ParseDataError(text, { retcode })
  if (t.includes('devid not found')) return new DevIdNotFoundError(text, { retcode })
  return new DeviceError(text, { retcode })
}
