/**
 * Child process of the fleet benchmark: one client process holding N device connections,
 * either our fleet (`createFleet`) or N tuyapi instances connected through a limiter of the
 * same cap (tuyapi has no fleet manager). The parent drives the phases over IPC: baseline
 * (idle CPU, then memory once the process has settled), setup (handles), connect (all online),
 * idle (CPU and reconnects), close. Run with --expose-gc.
 *
 * Configuration (from the parent): { impl: 'ours' | 'tuyapi', devices: [{ id, port, version }], cap, staggerMs }
 */
import { readdirSync } from 'node:fs'
import type { Socket } from 'node:net'
import v8 from 'node:v8'
import process from 'node:process'
import TuyAPI from 'tuyapi'
import { childConfig, serveParent } from './child.ts'
import { createFleet } from './client.ts'
import { KEY } from './peers.ts'

/** The configuration of this script. */
export interface FleetClientConfig {
  impl: 'ours' | 'tuyapi'
  devices: Array<{ id: string; port: number; version: string }>
  cap: number
  staggerMs: number
}

/**
 * Memory after a full GC, in bytes. `youngGen` is the resident part of V8's young generation
 * (new space): V8 grows it during an allocation burst (such as connecting a thousand devices)
 * and keeps it until its memory reducer runs, ~8 s after the burst; it is in `rss`.
 */
export interface Memory { heapUsed: number; external: number; arrayBuffers: number; rss: number; youngGen: number }

const config = await childConfig<FleetClientConfig>()
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run the fleet client with --expose-gc')
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

async function memory(): Promise<Memory> {
  for (let i = 0; i < 3; i++) {
    gc!()
    await sleep(20)
  }
  const youngGen = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.physical_space_size ?? 0
  try {
    const m = process.memoryUsage()
    return { heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss, youngGen }
  } catch {
    // The RSS is read from /proc/self/stat: EMFILE once every descriptor is in use.
    return { heapUsed: v8.getHeapStatistics().used_heap_size, external: Number.NaN, arrayBuffers: Number.NaN, rss: Number.NaN, youngGen }
  }
}

/**
 * How long after its start this process has settled: by then V8 has given back the young
 * generation that loading the modules grew (its memory reducer runs ~8 s after the last full
 * GC), and tsx's module loader thread (a second V8 isolate, ~30 MB, only in this harness)
 * has shrunk its heap. A baseline taken earlier holds up to ~15 MB that goes away later on
 * its own, whatever the library, and makes the RSS rows depend on when that happens.
 */
const SETTLED_AFTER_MS = 12_000

const fds = (): number => {
  try {
    return readdirSync('/proc/self/fd').length
  } catch {
    return Number.NaN
  }
}

const counters = { online: 0, offline: 0, errors: 0, firstError: '' }
const count = (name: 'online' | 'offline' | 'errors', error?: unknown) => {
  counters[name]++
  if (error !== undefined && counters.firstError === '') counters.firstError = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}

let fleet: ReturnType<typeof createFleet> | undefined
let tuyapis: TuyAPI[] = []
/** Memory before any handle exists, once the process has settled (the `baseline` phase). */
let baseline: Memory | undefined

/** CPU time of this process over `ms` of doing nothing (the runtime's and the loader's own cost). */
async function idleCpu(ms: number): Promise<{ elapsedMs: number; cpuUs: number }> {
  const cpu = process.cpuUsage()
  const started = performance.now()
  await sleep(ms)
  const used = process.cpuUsage(cpu)
  return { elapsedMs: performance.now() - started, cpuUs: used.user + used.system }
}

const parent = serveParent({
  baseline: async (m) => {
    const cpu = await idleCpu(m.ms as number)
    await sleep(SETTLED_AFTER_MS - performance.now())
    baseline = await memory()
    return cpu
  },
  setup: async () => {
    baseline ??= await memory()
    if (config.impl === 'ours') {
      // FLEET_SLACK_MS: the fleet's timerSlackMs (unset: its default).
      const slack = process.env.FLEET_SLACK_MS
      fleet = createFleet({ maxConcurrentConnects: config.cap, staggerMs: config.staggerMs, ...(slack === undefined ? {} : { timerSlackMs: Number(slack) }) })
      for (const d of config.devices) fleet.add({ id: d.id, key: KEY, host: '127.0.0.1', port: d.port, version: d.version as '3.4' })
      fleet.addEventListener('online', () => count('online'))
      fleet.addEventListener('offline', () => count('offline'))
      fleet.addEventListener('error', (e) => count('errors', e.detail.error))
    } else {
      tuyapis = config.devices.map((d) => {
        const dev = new TuyAPI({ ip: '127.0.0.1', port: d.port, id: d.id, key: KEY, version: d.version, issueGetOnConnect: false })
        dev.on('connected', () => count('online'))
        dev.on('disconnected', () => count('offline'))
        dev.on('error', (e: unknown) => count('errors', e))
        return dev
      })
    }
    return { baseline, handles: await memory(), fds: fds() }
  },
  connect: async () => {
    const cpu = process.cpuUsage()
    const started = performance.now()
    let online = 0
    let failed = 0
    let firstFailure = ''
    if (fleet !== undefined) {
      const result = await fleet.connectAll()
      online = result.online.length
      failed = result.failed.length
      const f = result.failed[0]
      if (f !== undefined) firstFailure = `${f.error.name}: ${f.error.message}${f.error.cause instanceof Error ? ` (${f.error.cause.message})` : ''}`
    } else {
      // tuyapi has no fleet manager: connect through a limiter of the same cap, as a user would.
      let next = 0
      const worker = async () => {
        while (next < tuyapis.length) {
          const dev = tuyapis[next++]!
          try {
            await dev.connect()
            online++
          } catch (error) {
            failed++
            if (firstFailure === '') firstFailure = String(error)
          }
        }
      }
      await Promise.all(Array.from({ length: config.cap }, worker))
    }
    const ms = performance.now() - started
    const used = process.cpuUsage(cpu)
    return { ms, cpuUs: used.user + used.system, online, failed, firstFailure, connected: await memory(), fds: fds() }
  },
  idle: async (m) => {
    const before = { ...counters }
    const cpu = process.cpuUsage()
    const started = performance.now()
    // Event-loop delay while idle (heartbeats of every device).
    let lagMax = 0
    let tick = performance.now()
    const timer = setInterval(() => {
      const now = performance.now()
      lagMax = Math.max(lagMax, now - tick - 100)
      tick = now
    }, 100)
    await sleep(m.ms as number)
    clearInterval(timer)
    const used = process.cpuUsage(cpu)
    const elapsedMs = performance.now() - started
    const stillOnline = fleet !== undefined ? fleet.onlineCount : tuyapis.filter((d) => d.isConnected()).length
    return {
      elapsedMs,
      cpuUs: used.user + used.system,
      cpuUserUs: used.user,
      cpuSystemUs: used.system,
      reconnects: counters.online - before.online,
      disconnects: counters.offline - before.offline,
      errors: counters.errors - before.errors,
      firstError: counters.firstError,
      stillOnline,
      lagMaxMs: lagMax,
      memory: await memory(),
    }
  },
  // Until every connection has closed, for both: fleet.close() resolves once every socket is
  // closed; tuyapi's disconnect() destroys the socket and returns before its 'close' event.
  close: async () => {
    const started = performance.now()
    if (fleet !== undefined) await fleet.close()
    const closed = tuyapis.map((dev) => {
      const socket = (dev as unknown as { client?: Socket }).client
      return socket === undefined || socket.closed ? undefined : new Promise<void>((resolve) => socket.once('close', () => resolve()))
    })
    for (const dev of tuyapis) dev.disconnect()
    await Promise.all(closed)
    return { ms: performance.now() - started }
  },
})
parent.ready({ pid: process.pid })
