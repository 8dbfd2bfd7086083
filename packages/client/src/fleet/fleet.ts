/**
 * `createFleet()`: many device handles under one manager. It adds and removes handles, merges
 * their events into one typed EventTarget (each with the device id), tracks who is online,
 * and starts connections capped (`maxConcurrentConnects`, through a shared connect gate) and
 * staggered (`staggerMs`). Built on the public handle (`createDevice`, `connect()`), except
 * that it follows each handle's events through an internal observer (which sees what the
 * handle dispatches, before its listeners) rather than five event listeners per device.
 */
import { systemClock } from '@tuya/platform'
import type { EngineEvent } from '../core/events.ts'
import { createConnectedHandle, type TuyaDevice } from '../device.ts'
import { ClosedError } from '../errors.ts'
import { createConnectGate } from '../gate.ts'
import { systemSetTimer } from '../options.ts'
import { coalescingSetTimer } from '../transport/coalescing-timer.ts'
import type { ConnectGate } from '../transport/types.ts'
import type { DeviceOptions } from '../types.ts'
import { Entry } from './entry.ts'
import { FleetEventTarget, type FleetEventType, type FleetUpdate } from './events.ts'
import { StartScheduler } from './scheduler.ts'
import type { ConnectAllOptions, ConnectAllResult, FleetDeviceOptions, FleetOptions, FleetUpdatesOptions, SharedDeviceOptions } from './types.ts'
import { iterateFleetUpdates } from './updates.ts'

/** Default {@link FleetOptions.timerSlackMs}. */
const DEFAULT_TIMER_SLACK_MS = 25

const DEFAULT_UPDATE_TYPES: readonly FleetEventType[] = ['dps', 'online', 'offline', 'error']
const UPDATE_TYPES = new Set<string>(['dps', 'online', 'offline', 'error', 'state'])

/** What `connectAll()` waits for; the device handlers report to it. */
interface Watcher {
  online(id: string): void
  failed(id: string, error: Error): void
  closed(error: Error): void
}

/** Many Tuya devices under one manager. See {@link createFleet}. */
export class TuyaFleet extends FleetEventTarget {
  readonly #shared: SharedDeviceOptions
  readonly #gate: ConnectGate
  readonly #scheduler: StartScheduler
  readonly #isAutoConnect: boolean
  readonly #entries = new Map<string, Entry>()
  readonly #online = new Set<string>()
  readonly #watchers = new Set<Watcher>()
  readonly #ends = new Set<() => void>()
  readonly #onEntryEvent = (entry: Entry, event: EngineEvent): void => this.#onDeviceEvent(entry, event)
  #closing: Promise<void> | undefined

  /** @internal use createFleet() */
  constructor(options: FleetOptions) {
    super()
    const { maxConcurrentConnects = 16, staggerMs = 0, autoConnect = false, connectGate, timerSlackMs = DEFAULT_TIMER_SLACK_MS, ...shared } = options
    if (!Number.isInteger(maxConcurrentConnects) || maxConcurrentConnects < 1) throw new RangeError(`options.maxConcurrentConnects must be an integer >= 1, got ${String(maxConcurrentConnects)}`)
    if (typeof staggerMs !== 'number' || !Number.isFinite(staggerMs) || staggerMs < 0) throw new RangeError(`options.staggerMs must be a finite number >= 0 (milliseconds), got ${String(staggerMs)}`)
    if (typeof autoConnect !== 'boolean') throw new TypeError('options.autoConnect must be a boolean')
    if (connectGate !== undefined && typeof connectGate?.acquire !== 'function') throw new TypeError('options.connectGate must be a ConnectGate (createConnectGate())')
    if (typeof timerSlackMs !== 'number' || !Number.isFinite(timerSlackMs) || timerSlackMs < 0) throw new RangeError(`options.timerSlackMs must be a finite number >= 0 (milliseconds), got ${String(timerSlackMs)}`)
    // The devices' timers (heartbeats, deadlines) share a grid; connection starts keep exact timers.
    this.#shared = shared.setTimer === undefined && timerSlackMs > 0 ? { ...shared, setTimer: coalescingSetTimer(timerSlackMs) } : shared
    this.#gate = connectGate ?? createConnectGate({ concurrency: maxConcurrentConnects })
    this.#isAutoConnect = autoConnect
    this.#scheduler = new StartScheduler({ cap: maxConcurrentConnects, staggerMs, now: shared.now ?? systemClock.now, setTimer: shared.setTimer ?? systemSetTimer })
  }

  /** How many devices the fleet holds. */
  get size(): number { return this.#entries.size }
  /** Ids of the devices online now. */
  get online(): string[] { return [...this.#online] }
  /** Ids of the devices not online now (idle, connecting, backing off). */
  get offline(): string[] { return [...this.#entries.keys()].filter((id) => !this.#online.has(id)) }
  /** How many devices are online now. */
  get onlineCount(): number { return this.#online.size }
  /** Devices connecting now (TCP plus handshake, or waiting for a gate slot). */
  get connecting(): number { return this.#scheduler.connecting }
  /** Devices waiting for the fleet to start them (capped and staggered). */
  get queued(): number { return this.#scheduler.queued }
  /** The fleet is closed. */
  get isClosed(): boolean { return this.#closing !== undefined }

  /**
   * Adds a device: creates its handle with the fleet's shared options, its connect gate and
   * the options given here (which win). With `autoConnect` it is queued to connect.
   * @param options - the device's options (`id`, `key`, usually `host`; anything left out comes from the shared options)
   * @returns the device handle (also `fleet.get(id)`)
   * @throws RangeError when `id` is already in the fleet; TypeError / RangeError for bad options (as createDevice); ClosedError after close()
   */
  add(options: FleetDeviceOptions): TuyaDevice {
    if (this.isClosed) throw new ClosedError('this fleet is closed; create a new one')
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object: { id, key, host, version }')
    const { id } = options
    if (typeof id !== 'string' || id.length === 0) throw new TypeError('options.id must be the device id (a non-empty string)')
    if (this.#entries.has(id)) throw new RangeError(`options.id ${id} is already in the fleet: remove() it first`)
    // An option given as undefined does not hide the shared value.
    const merged: Record<string, unknown> = { ...this.#shared }
    for (const [name, value] of Object.entries(options)) if (value !== undefined) merged[name] = value
    const { device, shared } = createConnectedHandle({ ...merged, connectGate: this.#gate } as unknown as DeviceOptions)
    const entry = new Entry(id, device, shared, this.#onEntryEvent)
    shared.observer = entry
    this.#entries.set(id, entry)
    if (this.#isAutoConnect) this.#schedule(entry)
    return device
  }

  /** The handle of device `id`, if it is in the fleet. */
  get(id: string): TuyaDevice | undefined { return this.#entries.get(id)?.device }
  /** Whether device `id` is in the fleet. */
  has(id: string): boolean { return this.#entries.has(id) }
  /** The handles, in the order they were added. */
  devices(): TuyaDevice[] { return [...this.#entries.values()].map((e) => e.device) }

  /**
   * Takes device `id` out of the fleet and closes its handle (pending commands reject with
   * ClosedError; an online device reports `offline` with reason `close`).
   * @param id - the device id
   * @returns whether the device was in the fleet
   */
  async remove(id: string): Promise<boolean> {
    const entry = this.#entries.get(id)
    if (entry === undefined) return false
    this.#entries.delete(id)
    await this.#closeEntry(entry)
    for (const watcher of this.#watchers) watcher.failed(id, new ClosedError('the device was removed from the fleet', { deviceId: id }))
    return true
  }

  /**
   * Connects every device that is not online yet: at most `maxConcurrentConnects` at a time,
   * starts `staggerMs` apart, in the order they were added. Resolves once each has come
   * online or failed an attempt; failed devices keep retrying with backoff (as `connect()`
   * does) and report `online` when they make it.
   * @param options - signal: stop waiting (the devices not started yet stay unstarted)
   * @returns the ids online and the failures (with the error of each; a device already backing
   *   off after a failed attempt counts as failed at once)
   * @throws ClosedError when the fleet is (or gets) closed; the signal's reason when aborted
   */
  connectAll(options: ConnectAllOptions = {}): Promise<ConnectAllResult> {
    if (this.isClosed) return Promise.reject(new ClosedError('this fleet is closed; create a new one'))
    const { signal } = options
    if (signal?.aborted === true) return Promise.reject(signal.reason)
    const result: ConnectAllResult = { online: [], failed: [] }
    const pending = new Set<string>()
    for (const entry of this.#entries.values()) {
      const { device } = entry
      if (device.online) result.online.push(entry.id)
      // Backing off after a failed attempt: that attempt is the outcome (the next may be 30 s away).
      else if (device.connectionState === 'backoff' && device.lastError !== undefined) result.failed.push({ id: entry.id, error: device.lastError })
      else {
        pending.add(entry.id)
        this.#schedule(entry)
      }
    }
    if (pending.size === 0) return Promise.resolve(result)
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        if (pending.size > 0) return
        this.#watchers.delete(watcher)
        signal?.removeEventListener('abort', onAbort)
        resolve(result)
      }
      const watcher: Watcher = {
        online: (id) => {
          if (pending.delete(id)) result.online.push(id)
          settle()
        },
        failed: (id, error) => {
          if (pending.delete(id)) result.failed.push({ id, error })
          settle()
        },
        closed: (error) => {
          this.#watchers.delete(watcher)
          signal?.removeEventListener('abort', onAbort)
          reject(error)
        },
      }
      const onAbort = (): void => {
        this.#watchers.delete(watcher)
        for (const id of pending) this.#scheduler.cancel(id)
        reject(signal!.reason)
      }
      this.#watchers.add(watcher)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /**
   * The merged events from now on as an async iterator of `{ type, id, ...detail }`
   * (bounded buffer: the oldest are dropped for a consumer that falls behind). Ends when the
   * fleet closes; an aborted signal rejects the pending `next()`.
   * @param options - signal, bufferSize (1024), types (`dps`, `online`, `offline`, `error`)
   * @returns the iterator
   * @throws RangeError for a bad bufferSize or type
   */
  updates(options: FleetUpdatesOptions = {}): AsyncIterableIterator<FleetUpdate> {
    const size = options.bufferSize ?? 1024
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`options.bufferSize must be an integer >= 1, got ${String(size)}`)
    const types = options.types ?? DEFAULT_UPDATE_TYPES
    for (const type of types) if (!UPDATE_TYPES.has(type)) throw new RangeError(`options.types must list dps, online, offline, error or state, got ${String(type)}`)
    return iterateFleetUpdates(this, types, options.signal, size, (end) => {
      if (this.isClosed) queueMicrotask(end)
      this.#ends.add(end)
      return () => this.#ends.delete(end)
    })
  }

  /**
   * Closes every handle and the fleet: `connectAll()` rejects with ClosedError, iterators end,
   * `add()` throws.
   * @returns once every connection is closed
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown()
    return this.#closing
  }

  /** `await using fleet = createFleet(…)` closes it at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  async #shutdown(): Promise<void> {
    this.#scheduler.close()
    const error = new ClosedError('the fleet was closed')
    for (const watcher of [...this.#watchers]) watcher.closed(error)
    for (const end of [...this.#ends]) end()
    const entries = [...this.#entries.values()]
    this.#entries.clear()
    await Promise.all(entries.map((entry) => this.#closeEntry(entry)))
  }

  async #closeEntry(entry: Entry): Promise<void> {
    this.#scheduler.cancel(entry.id)
    // Still observing while it closes: `offline` (reason close) and the state accounting go out.
    await entry.device.close()
    entry.shared.observer = undefined
    this.#online.delete(entry.id)
  }

  #schedule(entry: Entry): void {
    if (entry.device.connectionState !== 'idle') return
    this.#scheduler.enqueue(entry.id, () => this.#start(entry))
  }

  #start(entry: Entry): void {
    // Started meanwhile by a command, or removed: nothing to do.
    if (entry.device.connectionState !== 'idle' || this.#entries.get(entry.id) !== entry) return
    // The outcome arrives as events (connected / error), which the entry observes.
    entry.shared.engine.connect()
  }

  // The fleet event is the device's event detail (the engine event without its type) plus the
  // id, in the key order of the handle's event; it is built only when the fleet has a listener for it.
  #onDeviceEvent(entry: Entry, event: EngineEvent): void {
    const { id } = entry
    switch (event.type) {
      case 'dps':
        if (this.hears('dps')) this.emit('dps', event.cid === undefined ? { id, dps: event.dps, state: event.state, source: event.source } : { id, dps: event.dps, state: event.state, source: event.source, cid: event.cid })
        return
      case 'connected':
        this.#online.add(id)
        this.emit('online', { id, version: event.version, isReconnect: event.isReconnect, isVersionDetected: event.isVersionDetected })
        for (const watcher of this.#watchers) watcher.online(id)
        return
      case 'disconnected': {
        this.#online.delete(id)
        if (this.hears('offline')) {
          const { type, ...detail } = event
          this.emit('offline', { id, ...detail })
        }
        return
      }
      case 'error': {
        const { error } = event
        this.emit('error', { id, error })
        if (!entry.device.online) for (const watcher of this.#watchers) watcher.failed(id, error)
        return
      }
      case 'state': {
        const { state, previous } = event
        if (state === 'connecting') this.#scheduler.onConnecting(1)
        else if (previous === 'connecting') this.#scheduler.onConnecting(-1)
        if (this.hears('state')) this.emit('state', { id, state, previous })
        return
      }
    }
  }
}

/**
 * Creates a fleet: a manager for many devices with one merged event stream, online/offline
 * per device, a cap on concurrent connects and staggered starts.
 *
 * @param options - maxConcurrentConnects (16), staggerMs (0), autoConnect (false), connectGate, timerSlackMs (25),
 *   and device options every device shares (version, port, timeouts, reconnect, logger, ...)
 * @returns the fleet
 * @throws TypeError or RangeError for bad options
 * @example
 * ```ts
 * await using fleet = createFleet({ maxConcurrentConnects: 16, staggerMs: 5, version: '3.4' })
 * for (const c of configs) fleet.add({ id: c.id, key: c.key, host: c.host })
 * fleet.addEventListener('dps', (e) => console.log(e.detail.id, e.detail.dps))
 * const { online, failed } = await fleet.connectAll({ signal: AbortSignal.timeout(30_000) })
 * ```
 */
export function createFleet(options: FleetOptions = {}): TuyaFleet {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
  return new TuyaFleet(options)
}
