/**
 * A device of a fleet: its handle, and the observer that carries the handle's events to the
 * fleet (one small object per device instead of five event listeners).
 */
import type { EngineEvent } from '../core/events.ts'
import type { TuyaDevice } from '../device.ts'
import type { HandleObserver } from '../observer.ts'

/** A device in the fleet. */
export class Entry implements HandleObserver {
  readonly id: string
  readonly device: TuyaDevice
  /** The fleet's handler, shared by all its entries. */
  readonly #onEvent: (entry: Entry, event: EngineEvent) => void
  /** Whether the fleet has a use for `dps` events (a listener or an iterator), shared by all its entries. */
  readonly #wantsDps: () => boolean

  /**
   * @param id - the device id
   * @param device - its handle
   * @param onEvent - the fleet's handler of device events
   * @param wantsDps - whether the fleet has a use for `dps` events
   */
  constructor(id: string, device: TuyaDevice, onEvent: (entry: Entry, event: EngineEvent) => void, wantsDps: () => boolean) {
    this.id = id
    this.device = device
    this.#onEvent = onEvent
    this.#wantsDps = wantsDps
  }

  /** {@link HandleObserver.observe}: an event the handle dispatches. */
  observe(event: EngineEvent): void {
    this.#onEvent(this, event)
  }

  /** {@link HandleObserver.wantsDps}. */
  wantsDps(): boolean {
    return this.#wantsDps()
  }
}
