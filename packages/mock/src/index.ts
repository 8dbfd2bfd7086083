/**
 * @packageDocumentation
 * A protocol-faithful Tuya LAN device simulator for tests: protocol 3.1-3.5, the device22
 * dialect, gateways with sub-devices, the connection rules of real firmware (one client,
 * idle timeout, handshake first, silent drops), fault injection and UDP discovery beacons.
 * The device logic is a sans-I/O core ({@link DeviceCore}); a thin `node:net` / `node:dgram`
 * adapter runs it on Node, Bun and Deno.
 *
 * @example
 * ```ts
 * import { createMockDevice } from '@tuya/mock'
 *
 * await using mock = await createMockDevice({
 *   version: '3.4',
 *   id: 'bf1234567890abcdefgh',
 *   localKey: '0123456789abcdef',
 *   dps: { '1': false, '2': 50 },
 * })
 * mock.addEventListener('command', (e) => console.log(e.detail.name, e.detail.json))
 * console.log(`connect to 127.0.0.1:${mock.port}`)
 * mock.setDps({ '1': true }) // device side: pushes STATUS to the connected client
 * ```
 */
export { createMockDevice } from './device.ts'
export type { MockDevice } from './device.ts'
export { createMockFleet } from './fleet.ts'
export type { MockFleet, MockFleetOptions } from './fleet.ts'
export { MockEventTarget } from './events.ts'
export { BeaconsOffError, MockClosedError, MockError, WaitForTimeoutError } from './errors.ts'
export type { MockDeviceEvent, MockDeviceListener, WaitForOptions } from './events.ts'
export { DeviceCore } from './device-core.ts'
export type { CoreAction, DeviceCoreOptions } from './device-core.ts'
export type { MockEvent } from './connection.ts'
export { DEFAULT_CID, DEFAULT_VERSION, resolveOptions } from './options.ts'
export type { ResolvedConfig } from './options.ts'
export { PROFILES } from './profiles.ts'
export type { PushHeader, PushInput, PushReason, SeqCheck, VersionProfile } from './profiles.ts'
export { ERROR_TEXT } from './handlers.ts'
export { assertNetPermission } from '@tuya/platform'
export { buildBeacon, buildSolicitationReply, parseSolicitation } from './discovery.ts'
export type { BeaconIdentity } from './discovery.ts'
export type {
  BeaconOptions,
  CloseReason,
  ExtraConnectionPolicy,
  MockConnectionInfo,
  MockDeviceEventDetails,
  MockDeviceEventType,
  MockDeviceOptions,
  MockFaults,
  MockQuirks,
} from './types.ts'
