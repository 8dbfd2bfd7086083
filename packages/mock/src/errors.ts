/**
 * Errors of the simulator's own API (not the protocol: a bad frame from a client is the mock's
 * business to answer or drop, as firmware does). Each has a stable `code` and is branded
 * `@tuya/mock`, so `instanceof` survives duplicate installs.
 */
import { TuyaError } from '@tuya/crypto'

/** Base of this package's errors. */
export class MockError extends TuyaError {
  static override readonly code: string = 'TUYA_ERR_MOCK'
  static override readonly scope: string = '@tuya/mock'
}

/** `restart()` on a device that was closed: create a new one. */
export class MockClosedError extends MockError {
  static override readonly code: string = 'TUYA_ERR_MOCK_CLOSED'
}

/** `sendBeacon()` on a device created without the `beacon` option. */
export class BeaconsOffError extends MockError {
  static override readonly code: string = 'TUYA_ERR_MOCK_BEACONS_OFF'
}

/** `waitFor()` saw no matching event within its `timeoutMs`. */
export class WaitForTimeoutError extends MockError {
  static override readonly code: string = 'TUYA_ERR_MOCK_WAIT_TIMEOUT'
  /** The event type waited for. */
  readonly type: string
  /** How long it waited, in ms. */
  readonly timeoutMs: number
  /**
   * @param type - the event type
   * @param timeoutMs - the wait's limit
   */
  constructor(type: string, timeoutMs: number) {
    super(`no '${type}' event from the mock device within ${timeoutMs} ms: check that the client reached it (port, key, version) and the filter, or raise timeoutMs`)
    this.type = type
    this.timeoutMs = timeoutMs
  }
}
