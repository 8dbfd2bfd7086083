/**
 * The simulated devices of `tuya demo`: a plug on 3.3, a bulb on 3.5 that stays silent until
 * solicited (as current firmware does), a device22 unit and a 3.4 gateway with two children.
 * Everything listens and sends on 127.0.0.1 only.
 */
import { createSocket } from 'node:dgram'
import type { Dps, ProtocolVersion } from '@tuya/codec'
import { assertNetPermission, createMockDevice, type MockDevice } from '@tuya/mock'

/** One simulated device and what the demo says about it. */
export interface DemoDevice {
  readonly label: string
  readonly role: 'plug' | 'bulb' | 'dev22' | 'gateway'
  readonly version: ProtocolVersion
  readonly id: string
  readonly key: string
  readonly mock: MockDevice
}

/** The UDP ports the demo's discovery listens on (reserved before the devices start). */
export interface DemoPorts {
  readonly beacons: number
  readonly replies: number
}

/** Gateway children and their DPs. */
export const CHILDREN: Readonly<Record<string, Dps>> = {
  a4c1380f4cd8e7b2: { '1': false },
  a4c1380f4cd8e7c3: { '1': true, '2': 21 },
}

const SPECS = [
  { label: 'Living room plug', role: 'plug', version: '3.3', id: 'bf3c5a9e0d7b41f2a6c8', key: 'q7Hd2LmX9pZr4Tvc', dps: { '1': false, '9': 0, '19': 0, '20': 2301 } },
  { label: 'Desk bulb', role: 'bulb', version: '3.5', id: 'bf81d2e6c4a09b37f5e1', key: 'Zt5Nw8Qe1Ry6Ua3B', dps: { '20': false, '21': 'white', '22': 500, '23': 300 } },
  { label: 'Hall sensor', role: 'dev22', version: '3.3', id: 'eb4f19a2c7d3e8b60f5a21', key: 'Kx2Vb7Nm4Pq9Ls6D', dps: { '1': true, '2': 17, '3': 45 } },
  { label: 'Zigbee gateway', role: 'gateway', version: '3.4', id: 'bf07e3a9d5c1b8f4e2a6', key: 'Wc8Jf3Gh6Tk1Yp5S', dps: { '1': true } },
] as const

/**
 * A free UDP port on 127.0.0.1. The devices must know where to send before the discovery
 * listens, so the demo reserves the ports first (a tiny race, harmless on loopback).
 */
export async function freeUdpPort(): Promise<number> {
  assertNetPermission('127.0.0.1', 0)
  const socket = createSocket('udp4')
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.bind(0, '127.0.0.1', () => resolve())
  })
  const { port } = socket.address()
  await new Promise<void>((resolve) => socket.close(() => resolve()))
  return port
}

/**
 * Starts the four simulated devices.
 * @param ports - where beacons (6667's role) and 3.5 solicitation answers (7000's role) go
 * @param beaconIntervalMs - beacon period of the devices that beacon on their own
 * @returns the devices, listening on OS-assigned TCP ports
 */
export async function startDemoDevices(ports: DemoPorts, beaconIntervalMs: number): Promise<DemoDevice[]> {
  const devices: DemoDevice[] = []
  try {
    for (const spec of SPECS) {
      const isBulb = spec.role === 'bulb'
      const mock = await createMockDevice({
        version: spec.version,
        id: spec.id,
        localKey: spec.key,
        dps: { ...spec.dps },
        dev22: spec.role === 'dev22',
        gateway: spec.role === 'gateway' ? structuredClone(CHILDREN) as Record<string, Dps> : false,
        beacon: isBulb
          ? { address: '127.0.0.1', port: ports.beacons, intervalMs: 0, solicitationPort: 0, replyPort: ports.replies }
          : { address: '127.0.0.1', port: ports.beacons, intervalMs: beaconIntervalMs },
      })
      devices.push({ label: spec.label, role: spec.role, version: spec.version, id: spec.id, key: spec.key, mock })
    }
  } catch (error) {
    await Promise.allSettled(devices.map((d) => d.mock.close()))
    throw error
  }
  return devices
}
