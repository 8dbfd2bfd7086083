/**
 * @packageDocumentation
 * Tuya LAN device discovery: listens for the UDP beacons devices broadcast on 6666 (3.1,
 * plaintext), 6667 (3.2-3.4 AES-ECB, older 3.5 AES-GCM) and 7000 (3.5 answers), sends the 3.5
 * solicitation when asked, and turns each beacon into a typed record (id, IP, version, product
 * key, ...). A pure decoder ({@link decodeBeacon}, {@link encodeSolicitation},
 * {@link DiscoveryCore}) plus a thin `node:dgram` adapter for Node, Bun and Deno.
 *
 * @example
 * ```ts
 * import { discover, findDevice, scan } from '@tuya/discovery'
 *
 * // Everything that beacons within 10 s (3.5 devices answer the solicitation at once):
 * const devices = await scan({ timeoutMs: 10_000, solicit: { address: '192.168.1.255' } })
 * for (const d of devices) console.log(d.id, d.ip, d.version, d.productKey)
 *
 * // One device, as a client needs it (resolves on its first beacon):
 * const { ip, version } = await findDevice('bf0123456789abcdefgh', { timeoutMs: 8000 })
 *
 * // Live: new and updated devices until the signal aborts.
 * for await (const { change, device } of discover({ signal: AbortSignal.timeout(30_000) })) {
 *   console.log(change, device.id, device.ip)
 * }
 * ```
 */
export type {
  Beacon,
  BeaconDecodeResult,
  BeaconFraming,
  DatagramSource,
  DebugLogger,
  DeviceChange,
  DeviceUpdate,
  DiscoveredDevice,
  DiscoveryEventDetails,
  DiscoveryEventType,
  DiscoveryStats,
  IgnoredDatagram,
  IgnoredReason,
} from './types.ts'
export {
  DEFAULT_FIND_TIMEOUT_MS,
  DEFAULT_MAX_DATAGRAM_BYTES,
  DEFAULT_MAX_DEVICES,
  DEFAULT_PORTS,
  DEFAULT_SCAN_TIMEOUT_MS,
  DEFAULT_SOLICIT_INTERVAL_MS,
  DEFAULT_SOLICIT_PORT,
  IGNORED_REASONS,
} from './constants.ts'
export type { DiscoveryPorts } from './constants.ts'
export { decodeBeacon } from './decode-beacon.ts'
export type { DecodeBeaconOptions } from './decode-beacon.ts'
export { encodeSolicitation } from './encode-solicitation.ts'
export type { EncodeSolicitationOptions } from './encode-solicitation.ts'
export { DiscoveryCore } from './core.ts'
export type { DiscoveryCoreOptions, ReceiveResult } from './core.ts'
export { DeviceNotFoundError, DiscoveryBindError, DiscoveryClosedError, DiscoveryError } from './errors.ts'
export { isDiscoveryOptionError } from './option-error.ts'
export type { DiscoveryOptionError, DiscoveryOptionFields, DiscoveryOptionName, DiscoveryOptionReason } from './option-error.ts'
export { DiscoveryEventTarget } from './events.ts'
export type { DiscoveryEvent, DiscoveryListener } from './events.ts'
export type { DiscoveryOptions, SolicitOptions } from './options.ts'
export type { FindOptions, ScanOptions, UpdatesOptions } from './waiters.ts'
export { createDiscovery } from './discovery.ts'
export type { Discovery } from './discovery.ts'
export { discover, findDevice, scan } from './api.ts'
export { udpTransport } from './transport/udp.ts'
export { memoryTransport } from './transport/memory.ts'
export type { MemoryTransport, SentDatagram } from './transport/memory.ts'
export type { DatagramSocket, DiscoveryTransport, OpenSocketOptions } from './transport/types.ts'
export type { Clock, Timer } from '@tuya/platform'
export { systemClock } from '@tuya/platform'
export { listBroadcastAddresses } from './transport/interfaces.ts'
export type { BroadcastAddress } from './transport/interfaces.ts'
