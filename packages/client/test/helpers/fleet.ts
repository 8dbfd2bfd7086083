/**
 * Fleet test helpers: a `createMockFleet` of devices across versions on 127.0.0.1 and a
 * client fleet with one handle per mock, with fast timings; disposing closes both.
 */
import { createMockFleet, type MockDevice, type MockDeviceOptions } from '@tuya/mock'
import { createFleet, type FleetOptions, type TuyaFleet } from '../../src/index.ts'
import { FAST, KEY, VERSIONS } from './setup.ts'

/** A 20-character device id for fleet member `i`. */
export const fleetId = (i: number): string => `bf${String(i).padStart(18, '0')}`

/** The mocks and the fleet; disposing closes both. */
export interface FleetPair {
  mocks: readonly MockDevice[]
  fleet: TuyaFleet
  /** The mock of device `id`. */
  mock(id: string): MockDevice
  [Symbol.asyncDispose](): Promise<void>
}

/**
 * Starts `count` mock devices (versions 3.1-3.5 in turn unless `versionOf` says otherwise)
 * and a fleet holding one handle for each.
 * @param count - devices
 * @param fleetOptions - fleet options (FAST timings by default)
 * @param mockOptions - per-device mock options
 */
export async function fleetPair(count: number, fleetOptions: FleetOptions = {}, mockOptions: (i: number) => MockDeviceOptions = () => ({})): Promise<FleetPair> {
  const versionOf = (i: number) => VERSIONS[i % VERSIONS.length]!
  const mockFleet = await createMockFleet({ count, device: (i) => ({ id: fleetId(i), localKey: KEY, version: versionOf(i), dps: { '1': false, '2': i }, ...mockOptions(i) }) })
  const fleet = createFleet({ ...FAST, ...fleetOptions })
  for (const m of mockFleet.devices) fleet.add({ id: m.id, key: KEY, host: '127.0.0.1', port: m.port, version: m.version })
  const byId = new Map(mockFleet.devices.map((m) => [m.id, m]))
  return {
    mocks: mockFleet.devices,
    fleet,
    mock: (id) => byId.get(id)!,
    async [Symbol.asyncDispose]() {
      await fleet.close()
      await mockFleet.close()
    },
  }
}
