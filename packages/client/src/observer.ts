/**
 * Observing a handle: what sees every event a handle dispatches, before its listeners, without
 * being one. The fleet follows its devices this way (five listeners per device would cost a
 * kilobyte each). Internal: the package entry point exports none of it.
 */
import type { EngineEvent } from './core/events.ts'

/** Sees the events of a device's own handle (set as `SharedConnection.observer`). */
export interface HandleObserver {
  observe(event: EngineEvent): void
}

/**
 * Calls an observer as a listener would be called: what it throws is reported (as an uncaught
 * exception, like a throwing listener), not passed on to the engine.
 */
export function notifyObserver(observer: HandleObserver, event: EngineEvent): void {
  try {
    observer.observe(event)
  } catch (error) {
    queueMicrotask(() => {
      throw error
    })
  }
}
