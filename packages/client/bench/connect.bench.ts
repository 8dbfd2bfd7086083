/**
 * Connect + handshake, a fresh connection per command, against @tuya/mock on loopback (in a
 * child process): our handle (`connect()`, and `status()` on a new handle: TCP connect, the
 * 3.4/3.5 session handshake, the query and its answer), tuyapi 7 as shipped doing the same
 * (`connect()`, and `connect()` + `get({ schema: true })`), and the floor: a plain node:net
 * connect plus as many round trips as the protocol needs (64-byte requests, 120-byte answers). Each connection is closed after
 * its answer, outside the timed part. Contenders take turns (interleaved slices).
 *
 *   node --import tsx bench/connect.bench.ts        (env: VERSIONS=3.4,3.5 ROUNDS=8 SLICE_MS=250)
 *
 * Target: our p50 per command under 1 ms (tuyapi as shipped: about 44 ms on 3.5: it writes
 * with Nagle on, so its first request waits for the ACK of FINISH).
 */
import process from 'node:process'
import TuyAPI from 'tuyapi'
import { createDevice, type TuyaDevice } from './support/client.ts'
import { startChild } from './support/child.ts'
import type { MockServerConfig, MockServerReady } from './support/mock-server.ts'
import { benchId, connectEcho, KEY, tuyapiDevice, type EchoClient } from './support/peers.ts'
import { fmtInt, fmtMs, interleave, ratio, type InterleavedStats } from './support/stats.ts'

const VERSIONS = (process.env.VERSIONS ?? '3.3,3.4,3.5').split(',') as Array<'3.3' | '3.4' | '3.5'>
const rounds = Number(process.env.ROUNDS ?? 8)
const sliceMs = Number(process.env.SLICE_MS ?? 250)
const DPS = { '1': false, '2': 50, '3': 'white', '101': 1000 }
const CONTENDERS = ['tcp connect', 'echo connect+1 RTT', 'ours connect', 'tuyapi connect', 'echo connect+2 RTT', 'ours status', 'tuyapi status'] as const

// One mock device per contender and version (same id, key and DPs), so that no contender's
// late close can reach another's connection.
const mocks = await startChild<MockServerReady>(new URL('./support/mock-server.ts', import.meta.url), {
  devices: VERSIONS.flatMap((version, i) => CONTENDERS.map(() => ({ id: benchId(i), version, localKey: KEY, dps: DPS }))),
  echo: true,
} satisfies MockServerConfig)

const results: Array<{ version: string; stats: Map<string, InterleavedStats> }> = []
try {
  for (const [v, version] of VERSIONS.entries()) {
    const id = benchId(v)
    const port = (name: (typeof CONTENDERS)[number]) => mocks.ready.ports[v * CONTENDERS.length + CONTENDERS.indexOf(name)]!
    // The floor talks in frames of a status round trip's sizes (1 RTT: TCP connect and the
    // START/RESP exchange; 2 RTT: the handshake then the query).
    await mocks.request('echo-sizes', { request: 64, replies: [120] })
    let device: TuyaDevice | undefined
    let theirs: TuyAPI | undefined
    let echo: EchoClient | undefined
    const closeOurs = async (): Promise<void> => { await device?.close(); device = undefined }
    const closeTheirs = (): void => { theirs?.disconnect(); theirs = undefined }
    const closeEcho = (): void => { echo?.close(); echo = undefined }
    const errors: unknown[] = []
    const newTuyapi = (name: (typeof CONTENDERS)[number]): TuyAPI => {
      const t = tuyapiDevice(port(name), id, version)
      t.dev.on('error', (e: unknown) => errors.push(e))
      return t.dev
    }
    const stats = await interleave([
      { name: 'tcp connect', call: async () => { echo = await connectEcho(mocks.ready.echoPort!, 64, 120) }, untimed: closeEcho },
      { name: 'echo connect+1 RTT', call: async () => { echo = await connectEcho(mocks.ready.echoPort!, 64, 120); await echo.roundTrip() }, untimed: closeEcho },
      { name: 'ours connect', call: async () => { device = createDevice({ id, key: KEY, host: '127.0.0.1', port: port('ours connect'), version }); await device.connect() }, untimed: closeOurs },
      { name: 'tuyapi connect', call: async () => { theirs = newTuyapi('tuyapi connect'); await theirs.connect() }, untimed: closeTheirs },
      { name: 'echo connect+2 RTT', call: async () => { echo = await connectEcho(mocks.ready.echoPort!, 64, 120); await echo.roundTrip(); await echo.roundTrip() }, untimed: closeEcho },
      { name: 'ours status', call: async () => { device = createDevice({ id, key: KEY, host: '127.0.0.1', port: port('ours status'), version }); await device.status() }, untimed: closeOurs },
      { name: 'tuyapi status', call: async () => { theirs = newTuyapi('tuyapi status'); await theirs.connect(); await theirs.get({ schema: true }) }, untimed: closeTheirs },
    ], { rounds, sliceMs, warmupMs: 300 })
    results.push({ version, stats })
    const line = (name: string) => { const s = stats.get(name)!; return `${name} ${fmtInt(s.perSecond)}/s p50 ${fmtMs(s.p50)} p99 ${fmtMs(s.p99)} (n ${s.n})` }
    console.log(`${version}: ${CONTENDERS.map(line).join(' | ')}`)
    if (errors.length > 0) console.log(`${version}: tuyapi reported ${errors.length} error event(s), first: ${String(errors[0])}`)
  }
} finally {
  await mocks.close()
}

console.log(`\nnode ${process.version}, ${rounds} rounds of ${sliceMs} ms per contender (in turns) after a 300 ms warm-up each; a fresh connection per call, closed untimed; times in ms\n`)
console.log('| version | what | ours p50 | ours p99 | ours /s | tuyapi p50 | tuyapi p99 | tuyapi /s | floor p50 (node:net connect + round trips) | ours / tuyapi p50 | ours / floor p50 |')
console.log('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|')
for (const { version, stats } of results) {
  // The floor: as many round trips as the protocol needs (3.3: none to connect, one for the
  // query; 3.4/3.5: one for START/RESP, one more for the query, FINISH going with it).
  const hasHandshake = version !== '3.3'
  for (const [what, ours, theirs, floor] of [['connect (+ handshake)', 'ours connect', 'tuyapi connect', hasHandshake ? 'echo connect+1 RTT' : 'tcp connect'], ['connect + status()', 'ours status', 'tuyapi status', hasHandshake ? 'echo connect+2 RTT' : 'echo connect+1 RTT']] as const) {
    const o = stats.get(ours)!
    const t = stats.get(theirs)!
    const f = stats.get(floor)!
    console.log(`| ${version} | ${what} | ${fmtMs(o.p50)} | ${fmtMs(o.p99)} | ${fmtInt(o.perSecond)} | ${fmtMs(t.p50)} | ${fmtMs(t.p99)} | ${fmtInt(t.perSecond)} | ${fmtMs(f.p50)} | ${ratio(o.p50, t.p50)} | ${ratio(o.p50, f.p50)} |`)
  }
}
