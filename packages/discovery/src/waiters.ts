/**
 * Waiting for devices: the `updates()` stream, `scan()` and `find()`. Built on the discovery's
 * events and its injected clock; every listener and timer is removed when the wait ends.
 */
import type { Clock, Timer } from '@tuya/platform'
import { DEFAULT_FIND_TIMEOUT_MS, DEFAULT_SCAN_TIMEOUT_MS } from './constants.ts'
import { DeviceNotFoundError, DiscoveryClosedError } from './errors.ts'
import type { DiscoveryEvent, DiscoveryEventTarget } from './events.ts'
import { optionError } from './option-error.ts'
import { checkTimeout } from './options.ts'
import type { DeviceUpdate, DiscoveredDevice } from './types.ts'

/** Options of `updates()` / `discover()`. */
export interface UpdatesOptions {
  /** Ends the stream (normally, without an error) when aborted. */
  signal?: AbortSignal
  /** First yield every device already known as `new`. Default false. */
  includeKnown?: boolean
}

/** Options of `scan()`. */
export interface ScanOptions {
  /** How long to listen. Default 10000; `Infinity` with `ids` waits until all are seen. */
  timeoutMs?: number
  /** Return as soon as every one of these device ids has been seen. */
  ids?: Iterable<string>
  /** Rejects with the signal's reason when aborted. */
  signal?: AbortSignal
  /** Count devices seen before the scan started (a long-lived discovery). Default false. */
  includeKnown?: boolean
}

/** Options of `find()` / `findDevice()`. */
export interface FindOptions {
  /** Give up after this many ms. Default 10000. */
  timeoutMs?: number
  /** Rejects with the signal's reason when aborted. */
  signal?: AbortSignal
}

/** What the waiters need from a discovery instance. */
export interface WaitContext {
  target: DiscoveryEventTarget
  clock: Clock
  get(id: string): DiscoveredDevice | undefined
  devices(): DiscoveredDevice[]
  /** Registers a callback for `close()`; returns its remover. */
  onClose(finish: () => void): () => void
}

function checkIds(ids: Iterable<string> | undefined): Set<string> | undefined {
  if (ids === undefined) return undefined
  if (typeof ids === 'string' || typeof (ids as Partial<Iterable<string>>)[Symbol.iterator] !== 'function') throw optionError(TypeError, 'ids', 'options.ids must be an array (or iterable) of device ids')
  const set = new Set(ids)
  for (const id of set) if (typeof id !== 'string' || id.length === 0) throw optionError(TypeError, 'ids', 'options.ids must hold non-empty strings (device ids)')
  if (set.size === 0) throw optionError(RangeError, 'ids', 'options.ids must name at least one device id (omit it to listen for timeoutMs)')
  return set
}

/**
 * Runs `body` until it calls `done`; handles timeout, abort and close, and cleans up after.
 * `body` gets the event target; it returns its own cleanup.
 */
function waitUntil<T>(
  ctx: WaitContext,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  onTimeout: () => T | Error,
  onClose: () => T | Error,
  body: (done: (value: T) => void) => (() => void) | undefined,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted === true) return reject(signal.reason)
    let timer: Timer | undefined
    let cleanupBody: (() => void) | undefined
    let removeClose: (() => void) | undefined
    let isSettled = false
    const settle = (value: T | Error, isError: boolean) => {
      if (isSettled) return
      isSettled = true
      timer?.cancel()
      cleanupBody?.()
      removeClose?.()
      signal?.removeEventListener('abort', onAbort)
      if (isError) reject(value)
      else resolve(value as T)
    }
    const outcome = (make: () => T | Error) => () => {
      const value = make()
      settle(value, value instanceof Error)
    }
    const onAbort = () => settle(signal?.reason as Error, true)
    const done = (value: T) => settle(value, false)
    cleanupBody = body(done)
    if (isSettled) {
      cleanupBody?.()
      return
    }
    removeClose = ctx.onClose(outcome(onClose))
    signal?.addEventListener('abort', onAbort, { once: true })
    if (timeoutMs !== Infinity) timer = ctx.clock.startTimer(timeoutMs, outcome(onTimeout))
  })
}

/** `scan()`: devices seen within the timeout, or as soon as every wanted id was seen. */
export function scanDevices(ctx: WaitContext, options: ScanOptions): Promise<DiscoveredDevice[]> {
  const timeoutMs = checkTimeout(options.timeoutMs, DEFAULT_SCAN_TIMEOUT_MS, 'options.timeoutMs')
  const missing = checkIds(options.ids)
  if (timeoutMs === Infinity && missing === undefined) throw optionError(RangeError, 'timeoutMs', 'options.timeoutMs may be Infinity only together with options.ids')
  const seen = new Map<string, DiscoveredDevice>()
  const result = () => [...seen.values()]
  return waitUntil(ctx, timeoutMs, options.signal, result, result, (done) => {
    const add = (device: DiscoveredDevice) => {
      seen.set(device.id, device)
      missing?.delete(device.id)
    }
    if (options.includeKnown === true) for (const device of ctx.devices()) add(device)
    if (missing?.size === 0) {
      done(result())
      return undefined
    }
    const onBeacon = (event: DiscoveryEvent<'beacon'>) => {
      add(event.detail.device)
      if (missing?.size === 0) done(result())
    }
    ctx.target.addEventListener('beacon', onBeacon)
    return () => ctx.target.removeEventListener('beacon', onBeacon)
  })
}

/** `find()`: one device by id, at once when known. */
export function findDevice(ctx: WaitContext, id: string, options: FindOptions): Promise<DiscoveredDevice> {
  if (typeof id !== 'string' || id.length === 0) throw new TypeError('id must be a non-empty device id (the gwId)')
  const timeoutMs = checkTimeout(options.timeoutMs, DEFAULT_FIND_TIMEOUT_MS, 'options.timeoutMs')
  const closed = () => new DiscoveryClosedError(`the discovery was closed while looking for device ${id}`)
  return waitUntil<DiscoveredDevice>(ctx, timeoutMs, options.signal, () => new DeviceNotFoundError(id, timeoutMs), closed, (done) => {
    const known = ctx.get(id)
    if (known !== undefined) {
      done(known)
      return undefined
    }
    const onBeacon = (event: DiscoveryEvent<'beacon'>) => {
      if (event.detail.device.id === id) done(event.detail.device)
    }
    ctx.target.addEventListener('beacon', onBeacon)
    return () => ctx.target.removeEventListener('beacon', onBeacon)
  })
}

/**
 * `updates()`: a coalescing queue of device updates (at most one pending entry per id, so a
 * slow consumer costs bounded memory). Ends on abort or close.
 */
export function streamUpdates(ctx: WaitContext, options: UpdatesOptions): AsyncIterableIterator<DeviceUpdate> {
  const pending = new Map<string, DeviceUpdate>()
  let wake: (() => void) | undefined
  let isDone = options.signal?.aborted === true
  const push = (update: DeviceUpdate) => {
    const before = pending.get(update.device.id)
    pending.set(update.device.id, before?.change === 'new' ? { change: 'new', device: update.device } : update)
    wake?.()
  }
  const onDevice = (event: DiscoveryEvent<'device'>) => push(event.detail)
  const finish = () => {
    isDone = true
    ctx.target.removeEventListener('device', onDevice)
    options.signal?.removeEventListener('abort', finish)
    removeClose()
    wake?.()
  }
  const removeClose = ctx.onClose(finish)
  if (isDone) finish()
  else {
    if (options.includeKnown === true) for (const device of ctx.devices()) push({ change: 'new', device })
    ctx.target.addEventListener('device', onDevice)
    options.signal?.addEventListener('abort', finish, { once: true })
  }
  async function* run(): AsyncGenerator<DeviceUpdate> {
    try {
      for (;;) {
        const next = pending.entries().next()
        if (next.done !== true) {
          pending.delete(next.value[0])
          yield next.value[1]
          continue
        }
        if (isDone) return
        await new Promise<void>((resolve) => (wake = resolve))
        wake = undefined
      }
    } finally {
      finish()
    }
  }
  return run()
}
