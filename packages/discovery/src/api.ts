/**
 * One-call entry points: open a discovery, use it, close it. For a long-lived listener use
 * {@link createDiscovery} directly.
 */
import { createDiscovery } from './discovery.ts'
import type { DiscoveryOptions } from './options.ts'
import type { DeviceUpdate, DiscoveredDevice } from './types.ts'
import type { FindOptions, ScanOptions, UpdatesOptions } from './waiters.ts'

/** The discovery options without `signal`: the operation's own `signal` governs these calls. */
type Setup = Omit<DiscoveryOptions, 'signal'>

/**
 * Listens for `timeoutMs` (default 10 s), or until every one of `ids` has been seen, then closes.
 *
 * @param options - timeoutMs, ids, signal, and the {@link DiscoveryOptions} (ports, solicit, debug, ...)
 * @returns every device seen, in the order first seen
 * @throws DiscoveryBindError when a port cannot be bound; the signal's reason when aborted
 * @throws TypeError or RangeError for bad options, with `option` and `reason` (see `isDiscoveryOptionError`)
 * @example
 * const devices = await scan({ ids: ['bf0123456789abcdefgh'], timeoutMs: 8000 })
 */
export async function scan(options: ScanOptions & Setup = {}): Promise<DiscoveredDevice[]> {
  const { signal, timeoutMs, ids, includeKnown, ...setup } = options
  if (signal?.aborted === true) throw signal.reason
  const discovery = await createDiscovery(setup)
  try {
    return await discovery.scan({ signal, timeoutMs, ids, includeKnown })
  } finally {
    await discovery.close()
  }
}

/**
 * Streams new and updated devices until `signal` aborts (the loop then ends normally) or the
 * caller breaks out of the loop; the sockets close either way.
 *
 * @param options - signal, and the {@link DiscoveryOptions}
 * @returns an async iterator of `{ change: 'new' | 'updated', device }`
 * @throws DiscoveryBindError (from the first `next()`) when a port cannot be bound
 * @throws TypeError or RangeError (from the first `next()`) for bad options, with `option` and `reason`
 * @example
 * for await (const { change, device } of discover({ signal: AbortSignal.timeout(30_000) })) {
 *   console.log(change, device.id, device.ip, device.version)
 * }
 */
export async function* discover(options: UpdatesOptions & Setup = {}): AsyncGenerator<DeviceUpdate, void, undefined> {
  const { signal, includeKnown, ...setup } = options
  if (signal?.aborted === true) return
  const discovery = await createDiscovery(setup)
  try {
    yield* discovery.updates({ signal, includeKnown })
  } finally {
    await discovery.close()
  }
}

/**
 * Finds one device by id and returns its record (`ip`, `version`, ...), ready for a client.
 *
 * @param id - the device id (`gwId`/`devId`)
 * @param options - timeoutMs (default 10 s), signal, and the {@link DiscoveryOptions}
 * @returns the device's record as soon as its first beacon arrives
 * @throws DeviceNotFoundError (TUYA_ERR_DISCOVERY_NOT_FOUND) after `timeoutMs`
 * @throws DiscoveryBindError when a port cannot be bound; the signal's reason when aborted
 * @throws TypeError for a bad `id`; TypeError or RangeError for bad options, with `option` and `reason`
 * @example
 * const { ip, version } = await findDevice('bf0123456789abcdefgh', { timeoutMs: 8000 })
 */
export async function findDevice(id: string, options: FindOptions & Setup = {}): Promise<DiscoveredDevice> {
  const { signal, timeoutMs, ...setup } = options
  if (typeof id !== 'string' || id.length === 0) throw new TypeError('id must be a non-empty device id (the gwId)')
  if (signal?.aborted === true) throw signal.reason
  const discovery = await createDiscovery(setup)
  try {
    return await discovery.find(id, { signal, timeoutMs })
  } finally {
    await discovery.close()
  }
}
