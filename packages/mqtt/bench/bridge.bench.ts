/**
 * 1,000 simulated devices through one bridge to a real Mosquitto, each in its own process (the
 * devices, the bridge, and this script as the MQTT subscriber that measures):
 *
 * - time until every device has its discovery config, `online` availability and state on the broker;
 * - latency from a device-side DP change (timestamped in the devices' process just before the
 *   device pushes it) to the subscriber receiving the DP's state topic: p50, p99, max;
 * - the bridge process's CPU time (start-up per device, at idle, per change) and memory per
 *   device (after a full GC, above the process before the bridge was made); per change next to
 *   a bare MQTT.js client in its own process publishing the same two messages at the same rate.
 *
 *   node --import tsx bench/bridge.bench.ts        (BRIDGE_DEVICES=1000, BRIDGE_IDLE_S=20, BRIDGE_CHANGES=1000)
 *
 * Needs mosquitto (apt-get install mosquitto) and a build (`npx turbo run build`).
 */
import { connectAsync } from 'mqtt'
import { SKIP_REASON, startMosquitto } from '../../../scripts/test-support/mosquitto.ts'
import { startChild, wallMs } from './support/ipc.ts'

const N = Number(process.env['BRIDGE_DEVICES'] ?? 1000)
const IDLE_S = Number(process.env['BRIDGE_IDLE_S'] ?? 20)
const CHANGES = Number(process.env['BRIDGE_CHANGES'] ?? 1000)
const CHANGE_INTERVAL_MS = 5
const VERSIONS = ['3.1', '3.3', '3.4', '3.5'] as const

interface Usage { cpuUs: number; cpuAfterGcUs: number; rss: number; heapUsed: number; external: number; arrayBuffers: number; online: number }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const kib = (bytes: number) => (bytes / 1024).toFixed(1)
const mib = (bytes: number) => (bytes / 1048576).toFixed(1)
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

if (SKIP_REASON !== false) {
  console.log(`bridge.bench: skipped: ${SKIP_REASON}`)
  process.exit(0)
}

const broker = await startMosquitto()
const specs = Array.from({ length: N }, (_, i) => ({ id: `bfbench${String(i).padStart(13, '0')}`, version: VERSIONS[i % 4]!, localKey: `k${String(i).padStart(15, '0')}` }))
const devices = await startChild(new URL('./support/devices-child.ts', import.meta.url), { devices: specs })
const ports = devices.ready['ports'] as number[]
const bridge = await startChild(new URL('./support/bridge-child.ts', import.meta.url), { url: broker.url, devices: specs.map((s, i) => ({ id: s.id, key: s.localKey, port: ports[i]!, version: s.version })) }, ['--expose-gc'])

const seen = { discovered: new Set<string>(), online: new Set<string>(), state: new Set<string>() }
const arrivals = new Map<string, number>()
const observer = await connectAsync(broker.url, { protocolVersion: 5 })
observer.on('message', (topic, payload) => {
  const at = wallMs()
  const parts = topic.split('/')
  if (parts[0] === 'homeassistant') seen.discovered.add(parts[2]!)
  else if (parts[2] === 'availability' && payload.toString() === 'online') seen.online.add(parts[1]!)
  else if (parts[2] === 'state') seen.state.add(parts[1]!)
  else if (parts[2] === 'dp' && parts[3] === '19') arrivals.set(`${parts[1]}:${payload.toString()}`, at)
})
await observer.subscribeAsync(['homeassistant/device/+/config', 'tuya/+/availability', 'tuya/+/state', 'tuya/+/dp/19/state'], { qos: 1 })

const mqttFixedBytes = await bridge.request<number>('warm')
await sleep(3000)
const base = await bridge.request<Usage>('usage')
const t0 = performance.now()
await bridge.request('start')
const marks: Record<string, number> = {}
while (seen.discovered.size < N || seen.online.size < N || seen.state.size < N) {
  const elapsed = performance.now() - t0
  if (marks['discovered'] === undefined && seen.discovered.size >= N) marks['discovered'] = elapsed
  if (marks['online'] === undefined && seen.online.size >= N) marks['online'] = elapsed
  if (elapsed > 120_000) throw new Error(`after 120 s: ${seen.discovered.size} discovered, ${seen.online.size} online, ${seen.state.size} with state`)
  await sleep(5)
}
const allMs = performance.now() - t0
marks['discovered'] ??= allMs
marks['online'] ??= allMs
const started = await bridge.request<Usage>('usage')
await sleep(5000)
const settled = await bridge.request<Usage>('usage')
// The idle window starts well after that forced GC: V8 finishes its work after a GC on helper
// threads, whose CPU time process.cpuUsage() counts too.
await sleep(5000)
const idleStartUs = await bridge.request<number>('cpu')
await sleep(IDLE_S * 1000)
const idleEndUs = await bridge.request<number>('cpu')
const idle = await bridge.request<Usage>('usage')

const indexes = Array.from({ length: CHANGES }, (_, k) => (k * 7919) % N)
const values = Array.from({ length: CHANGES }, (_, k) => 1000 + k)
await bridge.request('profile-start')
const changeStart = performance.now()
const times = await devices.request<number[]>('change', { indexes, values, intervalMs: CHANGE_INTERVAL_MS })
await sleep(1000)
const changed = await bridge.request<Usage>('usage')
await bridge.request('profile-stop', { name: 'changes' })
const changeS = (performance.now() - changeStart) / 1000
const idleUsPerS = (idleEndUs - idleStartUs) / IDLE_S
const latencies: number[] = []
let lost = 0
times.forEach((t, k) => {
  const at = arrivals.get(`${specs[indexes[k]!]!.id}:${values[k]}`)
  if (at === undefined) lost++
  else latencies.push(at - t)
})
latencies.sort((a, b) => a - b)

// The same publishes from a bare MQTT.js client: what MQTT.js and the kernel cost, bridge or not.
const floor = await startChild(new URL('./support/floor-child.ts', import.meta.url), { url: broker.url })
const floorUsPerChange = await floor.request<number>('publish', { count: CHANGES, intervalMs: CHANGE_INTERVAL_MS })
await floor.close()

await bridge.request('stop')
await observer.endAsync()
await bridge.close()
await devices.close()
await broker.stop()

const perDevice = (a: number, b: number) => (b - a) / N
const rows: Array<[string, string]> = [
  ['devices (3.1 / 3.3 / 3.4 / 3.5 in turn)', String(N)],
  ['time until all discovered, online and with state on the broker', `${allMs.toFixed(0)} ms (all discovery configs at ${marks['discovered']!.toFixed(0)} ms, all online at ${marks['online']!.toFixed(0)} ms)`],
  ['state change to publish, p50 / p99 / max', `${percentile(latencies, 50).toFixed(2)} / ${percentile(latencies, 99).toFixed(2)} / ${latencies.at(-1)!.toFixed(2)} ms (${latencies.length} changes, ${lost} lost)`],
  ['bridge CPU per device at start-up (connect, handshake, status, publishes)', `${(perDevice(base.cpuAfterGcUs, started.cpuUs) / 1000).toFixed(2)} ms`],
  ['bridge CPU at idle', `${((idleUsPerS / 1e6) * 100).toFixed(2)} % of one core (${(idleUsPerS / N).toFixed(1)} µs/s per device)`],
  ['bridge CPU per device-side change (push in, 2 publishes out)', `${((changed.cpuUs - idle.cpuAfterGcUs - idleUsPerS * changeS) / CHANGES).toFixed(0)} µs above the idle rate (a bare MQTT.js client publishing the same two messages: ${floorUsPerChange.toFixed(0)} µs)`],
  ['bridge heap per device (after GC, settled)', `${kib(perDevice(base.heapUsed, settled.heapUsed))} KiB (plus MQTT.js's fixed ${(mqttFixedBytes / 1048576).toFixed(1)} MiB once per process, in the baseline)`],
  ['bridge external + array buffers per device', `${kib(perDevice(base.external + base.arrayBuffers, settled.external + settled.arrayBuffers))} KiB`],
  // RSS moves with V8's young generation (grown by the start-up burst, given back later), by more
  // than a KiB per device: the process's RSS as a whole says more than a difference per device.
  ['bridge process RSS: before the bridge / all online and settled / after idle', `${mib(base.rss)} / ${mib(settled.rss)} / ${mib(idle.rss)} MiB`],
  ['devices online at the end', String(changed.online)],
]
console.log(`\n| ${'what'} | result |\n|---|---|`)
for (const [what, result] of rows) console.log(`| ${what} | ${result} |`)
