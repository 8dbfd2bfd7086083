/**
 * Time to find 50 beaconing devices with `scan({ ids })`, against the beacon interval (target:
 * within one interval + 100 ms; tinytuya's scanner always takes its fixed 18 s), and time to
 * find 50 silent 3.5 devices through the solicitation. Real UDP broadcast on 6666/6667/7000,
 * so it runs inside shared/tools/netns-run (it re-executes itself there):
 *
 *   node --import tsx bench/scan.bench.ts [intervalMs=5000] [runs=5]
 *   (also: bun bench/scan.bench.ts, deno run -A --no-check bench/scan.bench.ts)
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import process from 'node:process'
import { createMockDevice, type MockDevice } from '@tuya/mock'
import { createDiscovery } from '../src/index.ts'

const DEVICES = 50
const TINYTUYA_SCAN_MS = 18_000
const intervalMs = Number(process.argv[2] ?? 5000)
const runs = Number(process.argv[3] ?? 5)
const HOST = '10.203.0.1'
const BROADCAST = '10.203.0.255'
const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } }
const runtime = g.Deno !== undefined ? 'deno' : g.Bun !== undefined ? 'bun' : 'node'
const runtimeVersion = g.Deno?.version.deno ?? g.Bun?.version ?? process.version

if (process.env.TUYA_IN_NETNS !== '1') {
  const netnsRun = fileURLToPath(new URL('../../../../shared/tools/netns-run', import.meta.url))
  if (!existsSync(netnsRun)) throw new Error(`${netnsRun} not found: this benchmark broadcasts and only runs inside netns-run`)
  const self = fileURLToPath(import.meta.url)
  const cmd = runtime === 'deno' ? [process.execPath, 'run', '-A', '--no-check', '--no-lock', self] : runtime === 'bun' ? [process.execPath, self] : [process.execPath, '--import', 'tsx', self]
  const r = spawnSync('bash', [netnsRun, 'env', 'TUYA_IN_NETNS=1', ...cmd, String(intervalMs), String(runs)], { stdio: 'inherit' })
  process.exit(r.status ?? 1)
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const VERSIONS = ['3.1', '3.2', '3.3', '3.4', '3.5'] as const

function stats(values: number[]) {
  const s = [...values].sort((a, b) => a - b)
  return { min: s[0]!, median: s[Math.floor(s.length / 2)]!, max: s.at(-1)! }
}

/** 50 devices, 10 of each version, each starting its beacon period at a random phase. */
async function beaconingFleet(): Promise<MockDevice[]> {
  const devices: MockDevice[] = []
  const gapMs = intervalMs / DEVICES
  for (let i = 0; i < DEVICES; i++) {
    const version = VERSIONS[i % VERSIONS.length]!
    devices.push(await createMockDevice({ version, host: HOST, beacon: { address: BROADCAST, intervalMs, ip: HOST, solicitationPort: false } }))
    await sleep(Math.random() * gapMs * 2)
  }
  return devices
}

async function timeBeaconScan(ids: string[]): Promise<number> {
  const started = performance.now()
  const discovery = await createDiscovery()
  try {
    const found = await discovery.scan({ ids, timeoutMs: intervalMs * 3 })
    if (found.length < ids.length) throw new Error(`only ${found.length} of ${ids.length} found`)
    return performance.now() - started
  } finally {
    await discovery.close()
  }
}

async function timeSolicitedScan(): Promise<{ ms: number; solicitations: number }> {
  const devices: MockDevice[] = []
  try {
    for (let i = 0; i < DEVICES; i++) {
      devices.push(await createMockDevice({ version: '3.5', host: '0.0.0.0', beacon: { intervalMs: 0, ip: HOST, solicitationPort: 7001, replyPort: 7000 } }))
    }
    const started = performance.now()
    const discovery = await createDiscovery({ solicit: { address: BROADCAST, port: 7001 } })
    try {
      const found = await discovery.scan({ ids: devices.map((d) => d.id), timeoutMs: 10_000 })
      if (found.length < DEVICES) throw new Error(`only ${found.length} of ${DEVICES} silent devices answered`)
      return { ms: performance.now() - started, solicitations: discovery.stats.solicitationsSent }
    } finally {
      await discovery.close()
    }
  } finally {
    await Promise.all(devices.map((d) => d.close()))
  }
}

console.log(`${runtime} ${runtimeVersion}: ${DEVICES} devices (10 each of 3.1-3.5), beacon interval ${intervalMs} ms, ${runs} runs`)
const fleet = await beaconingFleet()
const times: number[] = []
try {
  for (let i = 0; i < runs; i++) {
    await sleep(Math.random() * intervalMs) // a random phase against the beacons
    times.push(await timeBeaconScan(fleet.map((d) => d.id)))
    console.log(`  run ${i + 1}: all ${DEVICES} found in ${times.at(-1)!.toFixed(0)} ms`)
  }
} finally {
  await Promise.all(fleet.map((d) => d.close()))
}
const solicited = await timeSolicitedScan()
const t = stats(times)
const target = intervalMs + 100
console.log('')
console.log('| what | min | median | max | target | tinytuya |')
console.log('|---|---|---|---|---|---|')
console.log(`| ${DEVICES} beaconing devices, \`scan({ ids })\`, interval ${intervalMs} ms | ${t.min.toFixed(0)} ms | ${t.median.toFixed(0)} ms | ${t.max.toFixed(0)} ms | ≤ ${target} ms | ${TINYTUYA_SCAN_MS} ms (fixed) |`)
console.log(`| ${DEVICES} silent 3.5 devices, solicitation | ${solicited.ms.toFixed(0)} ms | | | | ${TINYTUYA_SCAN_MS} ms (fixed) |`)
console.log(`\nworst case ${t.max.toFixed(0)} ms ${t.max <= target ? '<=' : '>'} target ${target} ms; ${solicited.solicitations} solicitation(s) sent`)
if (t.max > target) process.exitCode = 1
