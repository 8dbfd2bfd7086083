/**
 * Options of a discovery instance, checked and resolved once (bad arguments throw TypeError or
 * RangeError naming the option, with `option` and `reason` set: see option-error.ts).
 */
import type { RandomSource } from '@tuya/crypto'
import type { Clock } from '@tuya/platform'
import { isIPv4 } from './beacon-json.ts'
import { DEFAULT_PORTS, DEFAULT_SOLICIT_INTERVAL_MS, DEFAULT_SOLICIT_PORT, type DiscoveryPorts } from './constants.ts'
import { optionError, type DiscoveryOptionName } from './option-error.ts'
import type { DiscoveryTransport } from './transport/types.ts'
import type { DebugLogger } from './types.ts'

/**
 * The 3.5 solicitation: off unless given. It is sent only to `address`, never anywhere else.
 */
export interface SolicitOptions {
  /** Where to send it: your subnet's broadcast address (such as `192.168.1.255`), or one device's IP. Required. */
  address: string
  /** Destination port. Default 7000. */
  port?: number
  /** Period while the discovery is open. Default 6000 (§14.2); one is also sent at start and by each scan. */
  intervalMs?: number
  /** The IPv4 address devices answer to (port 7000). Default: this host's address on the subnet of `address`. */
  ip?: string
}

/** Options of {@link createDiscovery} (and of `scan`, `discover`, `findDevice`). */
export interface DiscoveryOptions {
  /**
   * Local ports by role; `0` = OS-assigned (tests on 127.0.0.1), `false` = don't listen.
   * Default 6666 / 6667 / 7000.
   */
  ports?: { [K in keyof DiscoveryPorts]?: number | false }
  /** Local address to listen on. Default `0.0.0.0` (broadcasts arrive only there). */
  bindAddress?: string
  /** Send 3.5 solicitations (off by default: no traffic unless asked). */
  solicit?: SolicitOptions
  /** Larger datagrams are ignored. Default 4096. */
  maxDatagramBytes?: number
  /** Most device ids kept. Default 4096. */
  maxDevices?: number
  /** Called with a line and fields for ignored datagrams, counters and socket events. */
  debug?: DebugLogger
  /** The UDP stack. Default {@link udpTransport} (node:dgram). */
  transport?: DiscoveryTransport
  /** Time and timers. Default the system clock. */
  clock?: Clock
  /** Source of solicitation IVs. Default `defaultRandom` of `@tuya/crypto` (pooled `crypto.getRandomValues`). */
  random?: RandomSource
  /** Aborting closes the discovery. */
  signal?: AbortSignal
}

/** A solicitation with every default filled in. */
export interface ResolvedSolicit {
  address: string
  port: number
  intervalMs: number
  ip: string
}

/**
 * Checks a port number.
 * @throws RangeError naming `name` (and with `option: name`) unless it is an integer from `min` to 65535
 */
export function checkPort(value: unknown, name: DiscoveryOptionName, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 65535) {
    throw optionError(RangeError, name, `${name} must be an integer port ${min}..65535, got ${String(value)}`)
  }
  return value
}

/**
 * The ports to bind, by role, in the order 6666, 6667, 7000 (defaults filled in, `false` left out).
 * @throws TypeError or RangeError naming the bad port, or when no port is left
 */
export function resolvePorts(ports: DiscoveryOptions['ports']): Array<[keyof DiscoveryPorts, number]> {
  if (ports !== undefined && (typeof ports !== 'object' || ports === null)) throw optionError(TypeError, 'ports', 'ports must be an object such as { plaintext: 6666, encrypted: 6667, replies: 7000 }')
  const out: Array<[keyof DiscoveryPorts, number]> = []
  for (const role of ['plaintext', 'encrypted', 'replies'] as const) {
    const value = ports?.[role] ?? DEFAULT_PORTS[role]
    if (value === false) continue
    out.push([role, checkPort(value, `ports.${role}`, 0)])
  }
  if (out.length === 0) throw optionError(RangeError, 'ports', 'ports: at least one port must be listened on')
  return out
}

/**
 * Fills in the solicitation defaults.
 * @param localAddressFor - finds this host's address for a destination (node:os, injected)
 * @returns the solicitation settings, or undefined when none were asked for
 * @throws TypeError or RangeError naming the bad `solicit` field (`option: 'solicit.*'`); `reason: 'no-interface'` when
 *   `ip` is not given and no local interface is on the network of `address`
 */
export function resolveSolicit(solicit: SolicitOptions | undefined, localAddressFor: (destination: string) => string | undefined): ResolvedSolicit | undefined {
  if (solicit === undefined) return undefined
  if (typeof solicit !== 'object' || solicit === null) throw optionError(TypeError, 'solicit', 'solicit must be an object such as { address: "192.168.1.255" }')
  if (!isIPv4(solicit.address)) {
    const reason = solicit.address === undefined ? 'missing' : 'invalid'
    throw optionError(RangeError, 'solicit.address', `solicit.address must be an IPv4 address (your subnet's broadcast address), got ${JSON.stringify(solicit.address)}`, reason)
  }
  const intervalMs = solicit.intervalMs ?? DEFAULT_SOLICIT_INTERVAL_MS
  if (!Number.isInteger(intervalMs) || intervalMs < 100 || intervalMs > 2 ** 31 - 1) throw optionError(RangeError, 'solicit.intervalMs', `solicit.intervalMs must be an integer of at least 100 ms, got ${String(intervalMs)}`)
  const ip = solicit.ip ?? localAddressFor(solicit.address)
  if (ip === undefined) throw optionError(RangeError, 'solicit.ip', `solicit.ip: no local interface is on the network of ${solicit.address}; pass solicit.ip (this host's IPv4 address there)`, 'no-interface')
  if (!isIPv4(ip)) throw optionError(RangeError, 'solicit.ip', `solicit.ip must be an IPv4 address, got ${JSON.stringify(ip)}`)
  return { address: solicit.address, port: checkPort(solicit.port ?? DEFAULT_SOLICIT_PORT, 'solicit.port', 1), intervalMs, ip }
}

/**
 * Checks a timeout option: a non-negative integer of ms, or Infinity.
 * @param name - the option, as the message names it (`options.timeoutMs`)
 * @throws RangeError naming `name`, with `option: 'timeoutMs'`
 */
export function checkTimeout(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (value === Infinity) return value
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 2 ** 31 - 1) {
    throw optionError(RangeError, 'timeoutMs', `${name} must be a non-negative integer number of ms (or Infinity), got ${String(value)}`)
  }
  return value
}
