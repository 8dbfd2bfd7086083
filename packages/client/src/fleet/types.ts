/**
 * Public types of the fleet: its options, the options of each device, and what
 * `connectAll()` and `updates()` take and give.
 */
import type { ConnectGate } from '../transport/types.ts'
import type { DeviceOptions } from '../types.ts'
import type { FleetEventType } from './events.ts'

/** Device options every device of a fleet shares (per-device options passed to `add()` win). */
export type SharedDeviceOptions = Partial<Omit<DeviceOptions, 'id' | 'key' | 'host' | 'cid' | 'connectGate'>>

/** Options of {@link createFleet}: the fleet's own, plus device options shared by all its devices. */
export interface FleetOptions extends SharedDeviceOptions {
  /** Devices connecting (TCP connect plus handshake or version probe) at the same time, at most. Default 16. */
  maxConcurrentConnects?: number
  /** Least time between two connection starts of the fleet (`connectAll()`, `autoConnect`). Default 0. */
  staggerMs?: number
  /** Connect each device as soon as it is added (still capped and staggered). Default false: `connectAll()`, or the first command. */
  autoConnect?: boolean
  /** Share one gate among fleets (or with other handles). Default: `createConnectGate({ concurrency: maxConcurrentConnects })`. */
  connectGate?: ConnectGate
  /**
   * Timer slack of the fleet's devices, in ms: their timers (heartbeats, command deadlines,
   * reconnect delays) fire at the next multiple of it, never early and at most this late, so
   * devices falling due close together share one wake-up of the process. Default 25; 0 gives
   * every device exact timers of its own. Ignored when `setTimer` is given.
   */
  timerSlackMs?: number
}

/** Options of `fleet.add()`: those of `createDevice()` (the fleet's shared options fill in what is left out). */
export type FleetDeviceOptions = Omit<DeviceOptions, 'connectGate'>

/** Options of `fleet.connectAll()`. */
export interface ConnectAllOptions {
  /** Stops waiting (rejects with `signal.reason`) and takes the devices not started yet out of the queue. */
  signal?: AbortSignal
}

/** What `fleet.connectAll()` found: the devices online, and those whose attempt failed (they keep retrying with backoff). */
export interface ConnectAllResult {
  online: string[]
  failed: Array<{ id: string; error: Error }>
}

/** Options of `fleet.updates()`. */
export interface FleetUpdatesOptions {
  /** Ends the iteration: the pending `next()` rejects with `signal.reason`. */
  signal?: AbortSignal
  /** Events kept while the consumer is slow; the oldest are dropped beyond it. Default 1024. */
  bufferSize?: number
  /** Which events to yield. Default `['dps', 'online', 'offline', 'error']`. */
  types?: readonly FleetEventType[]
}
