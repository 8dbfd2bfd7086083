/**
 * @packageDocumentation
 * A persistent, event-driven client for Tuya devices on the LAN (protocol 3.1-3.5, the
 * device22 dialect, gateways with sub-devices). One handle per device: commands queue and go
 * out in order over one connection, replies are matched by command (never by seq), every
 * command resolves with the device's answer or rejects with a typed error, pushes become
 * `dps` events and a cached `state`, and the connection heartbeats and reconnects with
 * backoff on its own. Built on a sans-I/O core (`@tuya/codec`, `@tuya/session`) with a thin
 * `node:net` adapter (Node 20+, Bun, Deno).
 *
 * @example
 * ```ts
 * import { createDevice } from '@tuya/client'
 *
 * const device = createDevice({ id: 'bf1234567890abcdefgh', key: '0123456789abcdef', host: '192.168.1.20', version: '3.4' })
 * device.addEventListener('dps', (event) => console.log(event.detail.dps, event.detail.source))
 * try {
 *   console.log(await device.status())           // { '1': false, '2': 50 }
 *   console.log(await device.set({ '1': true }))   // { '1': true }, as the device reported it
 * } finally {
 *   await device.close()
 * }
 * ```
 */
export { createDevice, TuyaDevice } from './device.ts'
export { createConnectGate } from './gate.ts'
export { memoryTransport } from './transport/memory.ts'
export type { MemoryAcceptor, MemoryPeer } from './transport/memory.ts'
export { tcpConnector } from './transport/tcp.ts'
export { coalescingSetTimer } from './transport/coalescing-timer.ts'
export { discoveryLocator, locatingConnector } from './transport/locate.ts'
export type { DeviceLocation, Locator } from './transport/locate.ts'
export type { ConnectGate, ConnectRequest, Connector, SetTimer, Transport, TransportHandlers } from './transport/types.ts'
export {
  ClientError,
  ClosedError,
  ConnectionError,
  ConnectionLostError,
  certainFailureOf,
  isConfigurationError,
  OfflineError,
  TimeoutError,
  VersionNotFoundError,
  WrongKeyError,
  WrongVersionError,
} from './errors.ts'
export type { CertainFailure, ClientErrorOptions, ConnectionErrorOptions, ConnectionFailure, OfflineErrorOptions, OfflineReason, WrongKeyErrorOptions, WrongKeyReason, WrongVersionErrorOptions } from './errors.ts'
export { DataFormatError, DataUnvalidError, DeviceError, DevIdNotFoundError, ParseDataError, TuyaError } from '@tuya/codec'
export type { Dps, DpValue, KeyInput, ProtocolVersion } from '@tuya/codec'
export { DeviceEventTarget } from './events.ts'
export { TypedEventTarget } from '@tuya/platform'
export type { DeviceEvent, DeviceEventMap, DeviceEventType, DeviceListener } from './events.ts'
export type { ConnectedDetail, ConnectionState, DisconnectedDetail, DisconnectReason, DpsDetail, DpsSource, ErrorDetail, StateDetail } from './core/events.ts'
export type { Reply } from './core/command.ts'
export type { LogEntry, LogFrame, Logger, LogLevel } from './core/log.ts'
export type { CallOptions, DeviceOptions, DpsState, ReconnectOptions, RequestOptions, SubdeviceList, UpdatesOptions } from './types.ts'
export { createFleet, TuyaFleet, FleetEventTarget } from './fleet/index.ts'
export type { ConnectAllOptions, ConnectAllResult, FleetDeviceOptions, FleetDpsDetail, FleetErrorDetail, FleetEvent, FleetEventMap, FleetEventType, FleetListener, FleetOfflineDetail, FleetOnlineDetail, FleetOptions, FleetStateDetail, FleetUpdate, FleetUpdatesOptions, SharedDeviceOptions } from './fleet/index.ts'
