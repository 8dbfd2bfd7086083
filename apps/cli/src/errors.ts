/**
 * The base of the command line's own errors (devices.json lookups, capture files). Its scope
 * brands them as `@tuya/cli`'s, so `instanceof` never confuses them with a library's error of
 * the same name (the bridge's `UnknownDeviceError`, for one).
 */
import { TuyaError } from '@tuya/crypto'

/** Base of the errors the `tuya` command line itself raises. */
export class CliError extends TuyaError {
  static override readonly code: string = 'TUYA_ERR_CLI'
  static override readonly scope: string = '@tuya/cli'
}
