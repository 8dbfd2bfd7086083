/**
 * Errors of the client. Every command either resolves with the device's answer or rejects
 * with one of these (or a codec `DeviceError`, or the abort signal's reason). Messages say
 * what to do; none contains key material.
 */
import { TuyaError } from '@tuya/crypto'

/** Options of the client errors. */
export interface ClientErrorOptions extends ErrorOptions {
  /** The device id the error is about. */
  deviceId?: string | undefined
}

/** Base of the client's own errors; `deviceId` names the device when known. */
export class ClientError extends TuyaError {
  static override readonly code: string = 'TUYA_ERR_CLIENT'
  static override readonly scope: string = '@tuya/client'
  /** The device the error is about. */
  readonly deviceId: string | undefined

  /**
   * @param message - what happened and what to do
   * @param options - cause, deviceId
   */
  constructor(message: string, options: ClientErrorOptions = {}) {
    super(message, options)
    this.deviceId = options.deviceId
  }
}

/**
 * The device accepted the command (it was written on a live connection) but did not
 * answer before the deadline. It may still have applied it.
 */
export class TimeoutError extends ClientError {
  static override readonly code: string = 'TUYA_ERR_TIMEOUT'
}

/** A connection could not be made or kept (refused, reset, unreachable, closed by the device, connect timeout). */
export class ConnectionError extends ClientError {
  static override readonly code: string = 'TUYA_ERR_CONNECTION'
}

/**
 * The command was never written: the device could not be reached before its deadline (or
 * at once, with `failFast`), or `disconnect()` was called. `cause` is the last connection error.
 * Safe to retry: the device never saw it.
 */
export class OfflineError extends ConnectionError {
  static override readonly code: string = 'TUYA_ERR_OFFLINE'
}

/**
 * The connection dropped after the command was written and before the answer came: the
 * device may or may not have applied it. Re-read the state (or pass `retries`) before repeating a set.
 */
export class ConnectionLostError extends ConnectionError {
  static override readonly code: string = 'TUYA_ERR_CONNECTION_LOST'
}

/**
 * The local key does not match the device: a 3.4/3.5 handshake proof failed, replies do not
 * decrypt (HMAC, GCM or padding failures right after connecting), or the device stayed silent
 * right after connecting (PROTOCOL.md §18.29: firmware drops what it cannot authenticate).
 * Fix the key (or the version); the client retries only every `reconnect.maxDelayMs`.
 */
export class WrongKeyError extends ConnectionError {
  static override readonly code: string = 'TUYA_ERR_WRONG_KEY'
}

/**
 * The device speaks another protocol version than the configured one (a 6699 frame on 3.4,
 * a 55AA frame on 3.5, ...). Configure the right `version`, or `'auto'`.
 */
export class WrongVersionError extends ConnectionError {
  static override readonly code: string = 'TUYA_ERR_WRONG_VERSION'
}

/**
 * `version: 'auto'` found no protocol version the device answers: none of the 3.1/3.3 queries
 * or 3.4/3.5 handshakes got a reply in time. Check host, port and local key, and that no
 * other client holds the device's only connection.
 */
export class VersionNotFoundError extends WrongVersionError {
  static override readonly code: string = 'TUYA_ERR_VERSION_NOT_FOUND'
}

/** The handle was closed with `close()`; create a new one to talk to the device again. */
export class ClosedError extends ClientError {
  static override readonly code: string = 'TUYA_ERR_CLOSED'
}

/** Whether an error means the configuration (key or version) is wrong, so retrying soon is pointless. */
export function isConfigurationError(error: unknown): error is WrongKeyError | WrongVersionError {
  return error instanceof WrongKeyError || error instanceof WrongVersionError
}
