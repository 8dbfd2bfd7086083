/**
 * `createMockFleet`: N simulated devices in one process, on consecutive or OS-assigned ports.
 */
import { createMockDevice, type MockDevice } from './device.ts'
import type { MockDeviceOptions } from './types.ts'

/** Options of {@link createMockFleet}. */
export interface MockFleetOptions extends Omit<MockDeviceOptions, 'port' | 'id' | 'localKey' | 'signal'> {
  /** How many devices. */
  count: number
  /** Port of the first device; the others use the following ports. Default 0: OS-assigned ports. */
  basePort?: number
  /** Per-device options (id, localKey, version, dps, ...), merged over the shared ones. */
  device?: (index: number) => MockDeviceOptions
}

/** A running fleet of simulated devices. */
export interface MockFleet {
  readonly devices: readonly MockDevice[]
  /** Closes every device. */
  close(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

/**
 * Starts `count` simulated devices.
 * @param options - count, basePort (consecutive ports) or none (OS-assigned), shared device options,
 *   and a `device(index)` callback for per-device options
 * @returns the fleet, once every device is listening
 * @throws RangeError for a bad count or basePort; the first start-up error (the devices already
 *   started are closed again)
 * @example
 * ```ts
 * await using fleet = await createMockFleet({ count: 3, version: '3.3' })
 * for (const d of fleet.devices) console.log(d.id, d.localKey, d.port)
 * ```
 */
export async function createMockFleet(options: MockFleetOptions): Promise<MockFleet> {
  const { count, basePort = 0, device, ...shared } = options
  if (!Number.isInteger(count) || count < 1 || count > 4096) throw new RangeError(`count must be an integer from 1 to 4096, got ${String(count)}`)
  if (!Number.isInteger(basePort) || basePort < 0 || basePort + (basePort === 0 ? 0 : count - 1) > 65535) {
    throw new RangeError(`basePort must be 0 (OS-assigned) or a port leaving room for ${count} consecutive ports, got ${String(basePort)}`)
  }
  const devices: MockDevice[] = []
  try {
    for (let i = 0; i < count; i++) {
      devices.push(await createMockDevice({ ...shared, port: basePort === 0 ? 0 : basePort + i, ...(device?.(i) ?? {}) }))
    }
  } catch (error) {
    await Promise.all(devices.map((d) => d.close()))
    throw error
  }
  const close = async () => {
    await Promise.all(devices.map((d) => d.close()))
  }
  return { devices, close, [Symbol.asyncDispose]: close }
}
