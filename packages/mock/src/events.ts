/**
 * A typed `EventTarget` for mock devices (STYLE.md: EventTarget, not node:events), plus a
 * promise helper for tests that wait for one event.
 */
import { TypedEventTarget, waitForEvent, type TypedListener, type WaitForEventOptions } from '@tuya/platform'
import { WaitForTimeoutError } from './errors.ts'
import type { MockDeviceEventDetails, MockDeviceEventType } from './types.ts'

/** The event object of a mock device event: a `CustomEvent` whose `detail` is typed. */
export type MockDeviceEvent<K extends MockDeviceEventType> = CustomEvent<MockDeviceEventDetails[K]>

/** A listener of one mock device event type. */
export type MockDeviceListener<K extends MockDeviceEventType> = TypedListener<MockDeviceEventDetails, K>

/** Options of {@link MockEventTarget.waitFor}: `filter` on the detail, `timeoutMs` (default 5000), `signal`. */
export interface WaitForOptions<K extends MockDeviceEventType> extends Omit<WaitForEventOptions<MockDeviceEventDetails[K]>, 'timeoutError'> {}

/** `EventTarget` with typed listeners for the events in {@link MockDeviceEventDetails}. */
export class MockEventTarget extends TypedEventTarget<MockDeviceEventDetails> {
  /**
   * Resolves with the detail of the next `type` event that passes `filter`.
   * @param type - event name
   * @param options - filter, timeoutMs (default 5000), signal
   * @returns the event detail
   * @throws {@link WaitForTimeoutError} after `timeoutMs`, or the signal's reason
   * @example
   * const { dps } = await mock.waitFor('change', { filter: (d) => d.source === 'client' })
   */
  waitFor<K extends MockDeviceEventType>(type: K, options: WaitForOptions<K> = {}): Promise<MockDeviceEventDetails[K]> {
    return waitForEvent(this, type, { ...options, timeoutError: (ms) => new WaitForTimeoutError(type, ms) })
  }
}
