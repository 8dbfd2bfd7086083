/**
 * Connecting to a device known only by its id: the address comes from its UDP beacon
 * (PROTOCOL.md §14) through a locator, by default `findDevice` of `@tuya/discovery`, loaded
 * only when needed so that a client given a host never opens a UDP socket.
 */
import { ConnectionError } from '../errors.ts'
import type { Connector } from './types.ts'

/** Where a device is, as a locator reports it. */
export interface DeviceLocation {
  /** The device's IPv4 address. */
  ip: string
}

/**
 * Finds a device's address from its id; rejects when it cannot within `timeoutMs`.
 * `findDevice` of `@tuya/discovery` is one (and the default).
 */
export type Locator = (id: string, options: { signal: AbortSignal; timeoutMs: number }) => Promise<DeviceLocation>

/** The default locator: passive listening for beacons on UDP 6666/6667/7000 (no traffic sent). */
export const discoveryLocator: Locator = async (id, options) => {
  const { findDevice } = await import('@tuya/discovery')
  return findDevice(id, options)
}

// Errors after which the device may have moved (a new DHCP lease): locate it again.
const MOVED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ETIMEDOUT'])

function hasMoved(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && MOVED.has(code)) return true
    if (/timed out/.test(e.message)) return true
  }
  return false
}

/**
 * A connector that asks `locate` for the device's address before the first connection, and
 * again after a connection failed in a way that suggests the device moved.
 *
 * @param id - the device id to locate
 * @param locate - the locator
 * @param connect - the connector that opens the connection to the located address
 * @returns a connector that ignores `request.host`
 */
export function locatingConnector(id: string, locate: Locator, connect: Connector): Connector {
  let located: Promise<string> | undefined
  return async (request, handlers) => {
    // 80% of the attempt's budget, so that "not found" (and what to do) arrives before the
    // attempt's own deadline would report a bare connect timeout.
    const timeoutMs = Math.max(1, Math.floor(request.timeoutMs * 0.8))
    const lookup = (located ??= locate(id, { signal: request.signal, timeoutMs }).then((found) => {
      if (typeof found?.ip !== 'string' || found.ip.length === 0) throw new TypeError(`the locator returned no ip for device ${id}`)
      return found.ip
    }))
    let host: string
    try {
      host = await lookup
    } catch (error) {
      if (located === lookup) located = undefined
      throw new ConnectionError(`device ${id} was not found on the network (no beacon within ${timeoutMs} ms): pass its address as \`host\`, or check that it is powered and on this subnet`, { failure: 'not-located', cause: error, deviceId: id })
    }
    try {
      return await connect({ ...request, host }, handlers)
    } catch (error) {
      if (located === lookup && hasMoved(error)) located = undefined
      throw error
    }
  }
}
