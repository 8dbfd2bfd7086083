/**
 * The multi-step operations of the handle: waiting for a connection, status (with the
 * device22 detection and DP-id probing of PROTOCOL.md §9), and the parsing of the sub-device list.
 */
import { DataUnvalidError, VERSION_FACTS, type Dps } from '@tuya/codec'
import type { CommandSpec, Reply } from './core/command.ts'
import { device22Spec, statusSpec, type CallSettings } from './core/specs.ts'
import { DEVICE22_PROBE_RANGES } from './core/specs.ts'
import type { ConnectedDetail } from './core/events.ts'
import { certainFailureOf, isConfigurationError, OfflineError, TimeoutError } from './errors.ts'
import type { DeviceEventTarget } from './events.ts'
import { callSettings } from './options.ts'
import type { SharedConnection } from './shared.ts'
import type { CallOptions, SubdeviceList } from './types.ts'

/** What the operations need of a handle. */
export interface HandleAccess {
  /** The connection the handle belongs to (engine, gateway flag, device22 DP ids). */
  readonly shared: SharedConnection
  /** The gateway child the handle addresses, if any. */
  readonly cid: string | undefined
  /** Submits a command, with the handle's closed check and abort signal. */
  call(spec: CommandSpec, options: CallOptions | undefined): Promise<Reply>
}

/**
 * Starts connecting and waits for the handle's `connected` event (`connect()`): rejects at once
 * on a wrong key or version (on any failed attempt with `failFast`, or when no reconnect
 * follows), at `timeoutMs`, or on abort.
 */
export function awaitConnected(target: DeviceEventTarget, shared: SharedConnection, settings: CallSettings, signal: AbortSignal | undefined): Promise<ConnectedDetail> {
  const { engine } = shared
  const { timeoutMs, failFast } = settings
  const { deviceId } = engine.config
  const canReconnect = engine.config.reconnect !== false
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      cancel()
      target.removeEventListener('connected', onConnected)
      target.removeEventListener('error', onError)
      signal?.removeEventListener('abort', onAbort)
    }
    const onConnected = (event: CustomEvent<ConnectedDetail>): void => { cleanup(); resolve(event.detail) }
    const onError = (event: CustomEvent<{ error: Error }>): void => {
      const { error } = event.detail
      const certain = certainFailureOf(error)
      if (certain === 'permission-denied') {
        cleanup()
        reject(new OfflineError(`could not connect: ${error.message}`, { reason: certain, cause: error, deviceId }))
      } else if (isConfigurationError(error) || failFast) {
        cleanup()
        reject(error)
      } else if (!canReconnect) {
        // No other attempt follows on its own: waiting out timeoutMs would change nothing.
        cleanup()
        reject(new OfflineError(`could not connect, and reconnect is false (${error.message})`, { reason: certain ?? 'no-reconnect', cause: error, deviceId }))
      }
    }
    const onAbort = (): void => { cleanup(); reject(signal!.reason) }
    const cancel = shared.options.setTimer(() => {
      cleanup()
      const last = engine.lastError
      reject(new OfflineError(`could not connect within ${timeoutMs} ms${last === undefined ? '' : ` (${last.message})`}`, { reason: 'connect-timeout', cause: last, deviceId }))
    }, timeoutMs)
    target.addEventListener('connected', onConnected)
    target.addEventListener('error', onError)
    signal?.addEventListener('abort', onAbort, { once: true })
    engine.connect()
  })
}

/** DP ids per device22 query once known (keeps the JSON well under ~255 bytes, §9). */
const DEVICE22_CHUNK = 15

/**
 * Reads all DPs: the version's status query; on a device22 refusal (3.3/3.4, not a gateway,
 * no cid) switch the dialect and read with CONTROL_NEW + null DPs, probing DP-id ranges the
 * first time.
 * @returns the DPs the device reported
 */
export async function readStatus(handle: HandleAccess, options: CallOptions | undefined): Promise<Dps> {
  const { shared, cid } = handle
  const { engine } = shared
  const settings = callSettings(shared.options, options)
  const deadline = engine.config.now() + settings.timeoutMs
  const spec = statusSpec(cid, shared, settings)
  let reply: Reply
  try {
    reply = await handle.call(spec, options)
  } catch (error) {
    const version = engine.version
    const mayDetect = error instanceof DataUnvalidError && cid === undefined && !shared.isGateway && version !== undefined && VERSION_FACTS[version].device22 === 'detect'
    if (!mayDetect || engine.isDevice22) throw error
    engine.setDevice22()
    return readDevice22(handle, deadline, 0, {}, options)
  }
  const dps = reply.dps ?? {}
  if (spec.sentAs?.probeIndex === undefined) return dps
  remember(shared, dps)
  return readDevice22(handle, deadline, spec.sentAs.probeIndex + 1, dps, options)
}

async function readDevice22(handle: HandleAccess, deadline: number, fromRange: number, found: Dps, options: CallOptions | undefined): Promise<Dps> {
  const { shared } = handle
  const result: Dps = { ...found }
  const known = shared.device22Ids
  const batches: (readonly (number | string)[])[] = []
  const isKnown = known !== undefined && known.size > 0 && fromRange === 0
  if (isKnown) {
    const ids = [...known]
    for (let i = 0; i < ids.length; i += DEVICE22_CHUNK) batches.push(ids.slice(i, i + DEVICE22_CHUNK))
  } else {
    batches.push(...DEVICE22_PROBE_RANGES.slice(fromRange))
  }
  const { config } = shared.engine
  for (const ids of batches) {
    const remaining = deadline - config.now()
    if (remaining <= 0) throw new TimeoutError('the device22 status read (DP-id probing, PROTOCOL.md §9) did not finish in time; raise timeoutMs', { deviceId: config.deviceId })
    const reply = await handle.call(device22Spec(ids, { ...callSettings(shared.options, options), timeoutMs: remaining }), options)
    const dps = reply.dps ?? {}
    if (!isKnown) remember(shared, dps)
    Object.assign(result, dps)
  }
  return result
}

function remember(shared: SharedConnection, dps: Dps): void {
  for (const id of Object.keys(dps)) (shared.device22Ids ??= new Set()).add(id)
}

/**
 * Reads a `subdev_online_stat_report` (cmd 64; shape reported, not confirmed by a vector):
 * `{ reqType, data: { online: [...], offline: [...] } }`.
 * @param reply - the cmd 64 reply
 */
export function parseSubdeviceList(reply: Reply): SubdeviceList {
  const json = reply.json
  const data = typeof json === 'object' && json !== null ? (json as { data?: unknown }).data : undefined
  const pick = (key: string): string[] => {
    const list = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[key] : undefined
    return Array.isArray(list) ? list.filter((v): v is string => typeof v === 'string') : []
  }
  return { online: pick('online'), offline: pick('offline'), json }
}
