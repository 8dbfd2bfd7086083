/**
 * Child process of the benchmarks: runs simulated devices (`createMockFleet`, at most 4096
 * per fleet, so several fleets for more) and a sized TCP echo server (the floor), prints
 * nothing, and reports ports and counters over IPC.
 *
 * Configuration (from the parent): { devices: [{ id, version, localKey, dps }], basePort?: number, echo?: boolean }
 */
import * as net from 'node:net'
import { createMockFleet, type MockDevice, type MockFleet } from '@tuya/mock'
import { childConfig, serveParent } from './child.ts'

/** One simulated device of the configuration. */
export interface MockSpec {
  id: string
  version: '3.1' | '3.2' | '3.3' | '3.4' | '3.5'
  localKey: string
  dps?: Record<string, string | number | boolean>
}

/** The configuration of this script. */
export interface MockServerConfig {
  devices: MockSpec[]
  /** Consecutive ports from here (default 0: OS-assigned). */
  basePort?: number
  echo?: boolean
}

/** What the parent gets with `ready`. */
export interface MockServerReady {
  ports: number[]
  echoPort: number | undefined
  startMs: number
}

/** Counters since the last `reset`. */
export interface MockServerStats {
  connections: number
  handshakes: number
  closes: Record<string, number>
  open: number
}

const PER_FLEET = 4096

const config = await childConfig<MockServerConfig>()
const started = performance.now()
const fleets: MockFleet[] = []
for (let start = 0; start < config.devices.length; start += PER_FLEET) {
  const slice = config.devices.slice(start, start + PER_FLEET)
  const basePort = config.basePort ? config.basePort + start : 0
  fleets.push(await createMockFleet({ count: slice.length, basePort, device: (i) => ({ ...slice[i]!, dps: slice[i]!.dps ?? { '1': false, '2': 50 } }) }))
}
const devices: MockDevice[] = fleets.flatMap((f) => f.devices)

let stats: MockServerStats = { connections: 0, handshakes: 0, closes: {}, open: 0 }
for (const d of devices) {
  d.addEventListener('connection', () => {
    stats.connections++
    stats.open++
  })
  d.addEventListener('handshake', () => stats.handshakes++)
  d.addEventListener('close', (e) => {
    stats.open--
    stats.closes[e.detail.reason] = (stats.closes[e.detail.reason] ?? 0) + 1
  })
}

// The floor: a plain node:net server answering every `request` bytes with one write per
// entry of `replies` (a set is answered by two device frames: the ack, then the push).
let sizes = { request: 64, replies: [64] }
let echoPort: number | undefined
if (config.echo === true) {
  const server = net.createServer({ noDelay: true }, (socket) => {
    socket.setNoDelay(true)
    let pending = 0
    socket.on('data', (chunk) => {
      pending += chunk.length
      while (pending >= sizes.request) {
        pending -= sizes.request
        for (const bytes of sizes.replies) socket.write(new Uint8Array(bytes))
      }
    })
    socket.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  echoPort = (server.address() as net.AddressInfo).port
}

const parent = serveParent({
  stats: () => stats,
  reset: () => {
    const open = stats.open
    stats = { connections: 0, handshakes: 0, closes: {}, open }
    return stats
  },
  'echo-sizes': (m) => {
    sizes = { request: m.request as number, replies: m.replies as number[] }
    return sizes
  },
  'set-dps': (m) => {
    devices[m.index as number]!.setDps(m.dps as Record<string, number>)
    return true
  },
  memory: () => process.memoryUsage(),
  cpu: () => {
    const c = process.cpuUsage()
    return c.user + c.system
  },
})
parent.ready({ ports: devices.map((d) => d.port), echoPort, startMs: performance.now() - started } satisfies MockServerReady)
