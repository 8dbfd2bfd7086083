/**
 * A device of a fleet: its handle, and the observer that carries the handle's events to the
 * fleet (one small object per device instead of five event listeners).
 */
import type { EngineEvent } from '../core/events.ts'
import type { TuyaDevice } from '../device.ts'
import type { HandleObserver } from '../observer.ts'
import type { SharedConnection } from '../shared.ts'

/** A device in the fleet. */
export class Entry implements HandleObserver {
  readonly id: string
  readonly device: TuyaDevice
  /** The device's connection: the fleet observes and starts it. */
  readonly shared: SharedConnection
  /** The fleet's handler, shared by all its entries. */
  readonly #onEvent: (entry: Entry, event: EngineEvent) => void

  /**
   * @param id - the device id
   * @param device - its handle
   * @param shared - its connection
   * @param onEvent - the fleet's handler of device events
   */
  constructor(id: string, device: TuyaDevice, shared: SharedConnection, onEvent: (entry: Entry, event: EngineEvent) => void) {
    this.id = id
    this.device = device
    this.shared = shared
    this.#onEvent = onEvent
  }

  /** {@link HandleObserver.observe}: an event the handle dispatches. */
  observe(event: EngineEvent): void {
    this.#onEvent(this, event)
  }
}
