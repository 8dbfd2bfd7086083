/**
 * A fleet of simulated devices in separate processes (createMockFleet, versions 3.1/3.3/3.4/3.5
 * in turn) and one client process holding a connection to each: time until all are online
 * under a connect cap, heap / RSS / file descriptors per connected device, CPU at idle
 * (heartbeats only), and reconnects over the idle window, seen by the client and by the
 * devices. Our fleet and tuyapi 7 (one instance per device, connected through a limiter of
 * the same cap) run one after the other against the same mock processes, each in a fresh
 * client process, after a warm-up connect of up to 1,000 devices from the parent process (so
 * that the devices' code is as warm for the first library as for the second).
 *
 * RSS right after the connect burst includes V8's young generation, which the burst grows
 * (up to 16 MB per semi-space) and V8 gives back ~8 s later, whatever the library: it is
 * shown apart, and the RSS after an idle phase of 10 s or more is without it.
 *
 *   node --import tsx bench/fleet.bench.ts
 *   env: FLEET_DEVICES=1000 FLEET_IDLE_MS=60000 FLEET_CAP=16 FLEET_STAGGER_MS=0
 *        FLEET_PEERS=ours,tuyapi FLEET_MOCK_PROCS=(1 per 3,500 devices)
 *   10,000 devices: FLEET_DEVICES=10000 FLEET_PEERS=ours (needs ~10,100 descriptors in the
 *   client and ~2 per device in the mock processes: `ulimit -n` >= 12000).
 */
import { readdirSync } from 'node:fs'
import process from 'node:process'
import { startChild, type Child } from './support/child.ts'
import type { FleetClientConfig, Memory } from './support/fleet-client.ts'
import type { MockServerConfig, MockServerReady, MockServerStats } from './support/mock-server.ts'
import { createFleet } from './support/client.ts'
import { benchId, KEY } from './support/peers.ts'
import { fmtInt, fmtKiB } from './support/stats.ts'

const N = Number(process.env.FLEET_DEVICES ?? 1000)
const idleMs = Number(process.env.FLEET_IDLE_MS ?? 60_000)
const cap = Number(process.env.FLEET_CAP ?? 16)
const staggerMs = Number(process.env.FLEET_STAGGER_MS ?? 0)
const peers = (process.env.FLEET_PEERS ?? 'ours,tuyapi').split(',') as Array<'ours' | 'tuyapi'>
const mockProcs = Number(process.env.FLEET_MOCK_PROCS ?? Math.ceil(N / 3500))
const VERSIONS = ['3.1', '3.3', '3.4', '3.5'] as const

const devices = Array.from({ length: N }, (_, i) => ({ id: benchId(i), version: VERSIONS[i % VERSIONS.length]!, localKey: KEY }))
console.log(`fleet: ${fmtInt(N)} devices (${VERSIONS.join('/')} in turn) in ${mockProcs} mock process(es), cap ${cap}, stagger ${staggerMs} ms, idle ${idleMs / 1000} s; node ${process.version}`)

const mocks: Array<Child<MockServerReady>> = []
const mockStarted = performance.now()
const per = Math.ceil(N / mockProcs)
try {
  for (let p = 0; p < mockProcs; p++) {
    mocks.push(await startChild<MockServerReady>(new URL('./support/mock-server.ts', import.meta.url), { devices: devices.slice(p * per, (p + 1) * per) } satisfies MockServerConfig, { readyTimeoutMs: 600_000 }))
  }
} catch (error) {
  console.log(`the mock processes could not start ${fmtInt(N)} devices: ${(error as Error).message}`)
  await Promise.all(mocks.map((m) => m.close()))
  process.exit(1)
}
const ports = mocks.flatMap((m) => m.ready.ports)
console.log(`mocks listening after ${((performance.now() - mockStarted) / 1000).toFixed(1)} s`)
const targets = devices.map((d, i) => ({ id: d.id, version: d.version, port: ports[i]! }))

// Warm the device processes before the first library: their code runs unoptimised for the
// first few hundred handshakes, which made whichever library went first pay ~40 % more device
// CPU per connect and look slower to get online. Up to 1,000 devices (spread over every mock
// process and version) connect once from this process and close; the devices' state is
// reset afterwards as before each library.
{
  const step = Math.max(1, Math.floor(N / 1000))
  const warm = createFleet({ maxConcurrentConnects: cap })
  for (let i = 0; i < N; i += step) warm.add({ id: targets[i]!.id, key: KEY, host: '127.0.0.1', port: targets[i]!.port, version: targets[i]!.version })
  const warmed = await warm.connectAll()
  await warm.close()
  console.log(`devices warmed up: ${fmtInt(warmed.online.length)} connected once from this process and closed`)
  await new Promise((r) => setTimeout(r, 1000))
}

const mockStats = async (): Promise<MockServerStats> => {
  const all = await Promise.all(mocks.map((m) => m.request<MockServerStats>('stats')))
  const closes: Record<string, number> = {}
  for (const s of all) for (const [k, v] of Object.entries(s.closes)) closes[k] = (closes[k] ?? 0) + v
  return { connections: all.reduce((n, s) => n + s.connections, 0), handshakes: all.reduce((n, s) => n + s.handshakes, 0), open: all.reduce((n, s) => n + s.open, 0), closes }
}
const mockCpuUs = async (): Promise<number> => (await Promise.all(mocks.map((m) => m.request<number>('cpu')))).reduce((a, b) => a + b, 0)

interface Result {
  impl: string
  baseline: { elapsedMs: number; cpuUs: number }
  setup: { baseline: Memory; handles: Memory; fds: number }
  connect: { ms: number; cpuUs: number; online: number; failed: number; firstFailure: string; connected: Memory; fds: number }
  mockConnectCpuUs: number
  idle: { elapsedMs: number; cpuUs: number; cpuUserUs: number; cpuSystemUs: number; reconnects: number; disconnects: number; errors: number; firstError: string; stillOnline: number; lagMaxMs: number; memory: Memory }
  mockIdle: MockServerStats
  mockIdleCpuUs: number
  closeMs: number
  error?: string
}
const results: Result[] = []

for (const impl of peers) {
  const client = await startChild<{ pid: number }>(new URL('./support/fleet-client.ts', import.meta.url), { impl, devices: targets, cap, staggerMs } satisfies FleetClientConfig, { execArgv: ['--expose-gc', ...(process.env.FLEET_CPU_PROF ? ['--cpu-prof', '--cpu-prof-interval=100', `--cpu-prof-dir=${process.env.FLEET_CPU_PROF}`] : [])] })
  const result = { impl } as Result
  try {
    await Promise.all(mocks.map((m) => m.request('reset')))
    result.baseline = await client.request('baseline', { ms: 5000 })
    result.setup = await client.request('setup')
    const connectCpu0 = await mockCpuUs()
    result.connect = await client.request('connect')
    result.mockConnectCpuUs = (await mockCpuUs()) - connectCpu0
    console.log(`${impl}: ${fmtInt(result.connect.online)} online, ${result.connect.failed} failed, in ${result.connect.ms.toFixed(0)} ms${result.connect.firstFailure ? `; first failure: ${result.connect.firstFailure}` : ''}`)
    await Promise.all(mocks.map((m) => m.request('reset')))
    const cpu0 = await mockCpuUs()
    result.idle = await client.request('idle', { ms: idleMs }, idleMs + 120_000)
    result.mockIdleCpuUs = (await mockCpuUs()) - cpu0
    result.mockIdle = await mockStats()
    console.log(`${impl}: idle ${(idleMs / 1000).toFixed(0)} s: ${result.idle.reconnects} reconnects, ${result.idle.disconnects} disconnects, ${result.idle.errors} errors (client); ${result.mockIdle.connections} new connections, closes ${JSON.stringify(result.mockIdle.closes)} (devices)`)
    result.closeMs = (await client.request<{ ms: number }>('close')).ms
  } catch (error) {
    result.error = (error as Error).message
    console.log(`${impl}: ${result.error}`)
  } finally {
    await client.close()
  }
  results.push(result)
  // Let the devices see every close before the next client.
  await new Promise((r) => setTimeout(r, 1000))
}
await Promise.all(mocks.map((m) => m.close()))

const pct = (cpuUs: number, ms: number) => ((100 * cpuUs) / 1000 / ms).toFixed(2)
const perDevice = (after: number, before: number) => fmtKiB((after - before) / N)
const mib = (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 1048576).toFixed(1)} MiB` : 'n/a')
// V8 keeps the young generation it grew during the connect burst until its memory reducer
// runs, ~8 s after the burst: an idle phase shorter than ~10 s still holds it.
const idleLabel = idleMs >= 10_000 ? `${idleMs / 1000} s, V8 has shrunk its young generation again` : `${idleMs / 1000} s: too short for V8 to shrink its young generation`
const rows: Array<[string, (r: Result) => string]> = [
  ['devices online', (r) => `${fmtInt(r.connect?.online)} / ${fmtInt(N)}`],
  [`time to all online (cap ${cap})`, (r) => (r.connect ? `${fmtInt(r.connect.ms)} ms` : 'n/a')],
  ['connects per second', (r) => (r.connect ? fmtInt(r.connect.online / (r.connect.ms / 1000)) : 'n/a')],
  ['CPU per connect: client / device processes', (r) => (r.connect ? `${(r.connect.cpuUs / N).toFixed(0)} / ${(r.mockConnectCpuUs / N).toFixed(0)} µs` : 'n/a')],
  ['heap per handle, not connected', (r) => (r.setup ? perDevice(r.setup.handles.heapUsed, r.setup.baseline.heapUsed) : 'n/a')],
  ['heap per connected device', (r) => (r.connect ? perDevice(r.connect.connected.heapUsed, r.setup.baseline.heapUsed) : 'n/a')],
  ['external + array buffers per connected device', (r) => (r.connect ? perDevice(r.connect.connected.external + r.connect.connected.arrayBuffers, r.setup.baseline.external + r.setup.baseline.arrayBuffers) : 'n/a')],
  ['RSS per connected device (right after the burst)', (r) => (r.connect ? perDevice(r.connect.connected.rss, r.setup.baseline.rss) : 'n/a')],
  ['V8 young generation: baseline -> right after the burst (in all, not per device)', (r) => (r.connect ? `${mib(r.setup.baseline.youngGen)} -> ${mib(r.connect.connected.youngGen)}` : 'n/a')],
  ['RSS per connected device, young generation left out', (r) => (r.connect ? perDevice(r.connect.connected.rss - r.connect.connected.youngGen, r.setup.baseline.rss - r.setup.baseline.youngGen) : 'n/a')],
  ['file descriptors per connected device', (r) => (r.connect ? ((r.connect.fds - r.setup.fds) / N).toFixed(2) : 'n/a')],
  ['client process CPU before any handle (baseline)', (r) => (r.baseline ? `${pct(r.baseline.cpuUs, r.baseline.elapsedMs)} %` : 'n/a')],
  [`client CPU at idle, connected (% of one core, ${idleMs / 1000} s)`, (r) => (r.idle ? `${pct(r.idle.cpuUs, r.idle.elapsedMs)} % (user ${pct(r.idle.cpuUserUs, r.idle.elapsedMs)}, system ${pct(r.idle.cpuSystemUs, r.idle.elapsedMs)})` : 'n/a')],
  ['client CPU at idle above baseline, per device', (r) => (r.idle ? `${((r.idle.cpuUs / r.idle.elapsedMs - r.baseline.cpuUs / r.baseline.elapsedMs) * 1000 / N).toFixed(1)} µs/s` : 'n/a')],
  ['mock processes CPU at idle (% of one core)', (r) => (r.idle ? `${pct(r.mockIdleCpuUs, r.idle.elapsedMs)} %` : 'n/a')],
  ['reconnects while idle (client events)', (r) => (r.idle ? `${r.idle.reconnects} (${r.idle.disconnects} disconnects, ${r.idle.errors} errors)` : 'n/a')],
  ['new connections while idle (devices)', (r) => (r.mockIdle ? String(r.mockIdle.connections) : 'n/a')],
  ['still online after idle', (r) => (r.idle ? fmtInt(r.idle.stillOnline) : 'n/a')],
  ['max event-loop lag while idle', (r) => (r.idle ? `${r.idle.lagMaxMs.toFixed(1)} ms` : 'n/a')],
  ['heap per device after idle', (r) => (r.idle ? perDevice(r.idle.memory.heapUsed, r.setup.baseline.heapUsed) : 'n/a')],
  [`RSS per device after idle (${idleLabel})`, (r) => (r.idle ? perDevice(r.idle.memory.rss, r.setup.baseline.rss) : 'n/a')],
  ['close all (until every connection has closed)', (r) => (r.closeMs !== undefined ? `${fmtInt(r.closeMs)} ms` : 'n/a')],
]
console.log(`\n${fmtInt(N)} devices in ${mockProcs} mock process(es), one client process per library; memory after a full GC, relative to the client process before any handle (once settled, 12 s after its start); node ${process.version}\n`)
console.log(`| | ${results.map((r) => (r.impl === 'ours' ? '@tuya/client fleet' : 'tuyapi 7.7.1')).join(' | ')} |`)
console.log(`|---|${results.map(() => '--:').join('|')}|`)
for (const [label, cell] of rows) console.log(`| ${label} | ${results.map(cell).join(' | ')} |`)
for (const r of results) if (r.idle?.firstError) console.log(`\n${r.impl}: first error event: ${r.idle.firstError}`)
for (const r of results) if (r.error) console.log(`\n${r.impl}: stopped: ${r.error}`)
try {
  console.log(`\nthis process: ${readdirSync('/proc/self/fd').length} descriptors open; limit: see \`ulimit -n\``)
} catch {
  // not Linux
}
