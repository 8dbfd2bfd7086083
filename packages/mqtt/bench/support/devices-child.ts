/**
 * The benchmark's simulated devices, in a process of their own: `createMockFleet` on
 * OS-assigned loopback ports, and `change` bursts (device-side DP changes, each timestamped
 * just before the device pushes it).
 */
import { createMockFleet, type MockFleet } from '@tuya/mock'
import { childSide, wallMs } from './ipc.ts'

interface Config {
  devices: Array<{ id: string; version: '3.1' | '3.3' | '3.4' | '3.5'; localKey: string }>
}

const { config, serve } = await childSide<Config>()
const fleets: MockFleet[] = []
// createMockFleet runs at most 4096 devices per fleet.
for (let start = 0; start < config.devices.length; start += 4096) {
  const slice = config.devices.slice(start, start + 4096)
  fleets.push(await createMockFleet({ count: slice.length, device: (i) => ({ ...slice[i]!, dps: { '1': false, '19': 0 }, idleTimeoutMs: 0 }) }))
}
const devices = fleets.flatMap((f) => f.devices)

serve(
  {
    // Changes device `indexes[k]`'s DP 19 to `values[k]`, one every `intervalMs`; returns when each was made.
    async change(m) {
      const indexes = m['indexes'] as number[]
      const values = m['values'] as number[]
      const times: number[] = []
      for (let k = 0; k < indexes.length; k++) {
        times.push(wallMs())
        devices[indexes[k]!]!.setDps({ '19': values[k]! })
        await new Promise((resolve) => setTimeout(resolve, m['intervalMs'] as number))
      }
      return times
    },
  },
  { ports: devices.map((d) => d.port) },
)
