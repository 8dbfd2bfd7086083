/**
 * The fleet manager: `createFleet()` and its types (re-exported by the package entry point).
 */
export { createFleet, TuyaFleet } from './fleet.ts'
export { FleetEventTarget } from './events.ts'
export type { FleetDpsDetail, FleetErrorDetail, FleetEvent, FleetEventMap, FleetEventType, FleetListener, FleetOfflineDetail, FleetOnlineDetail, FleetStateDetail, FleetUpdate } from './events.ts'
export type { ConnectAllOptions, ConnectAllResult, FleetDeviceOptions, FleetOptions, FleetUpdatesOptions, SharedDeviceOptions } from './types.ts'
