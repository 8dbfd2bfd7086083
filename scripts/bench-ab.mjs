#!/usr/bin/env node
// A/B of the client's persistent round trip (packages/client/bench/roundtrip.bench.ts) between
// two checkouts of this repository, in one run: CPU time per request of the client process,
// p50 latency, and the ratio B / A.
//
//   node scripts/bench-ab.mjs <checkout A> <checkout B>
//     env: VERSIONS=3.1,3.3,3.4,3.5  OPS=status,set  ROUNDS=12  SLICE_MS=150
//
// Both checkouts must be installed and built (`npm ci && npm run build`). The mock devices
// (from this checkout) run in one child process; the clients are each checkout's own
// bench/support/contender.ts, so each loads its own built @tuya/client. For every version and
// operation, A and B get a process each, connected to twin mock devices, and take turns in
// slices: A B, then B A in the next round, and so on, so a noisy neighbour and any drift hit
// both alike. Each round gives a B / A ratio of its own; their spread is the run's noise.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import process from 'node:process'
import { pathToFileURL } from 'node:url'
import { tsImport } from 'tsx/esm/api'

const [dirA, dirB] = process.argv.slice(2).map((d) => resolve(d))
if (dirA === undefined || dirB === undefined) {
  console.error('usage: node scripts/bench-ab.mjs <checkout A> <checkout B>   (env: VERSIONS, OPS, ROUNDS, SLICE_MS)')
  process.exit(2)
}
for (const dir of [dirA, dirB]) {
  for (const need of ['packages/client/dist/index.js', 'packages/client/bench/support/contender.ts']) {
    if (!existsSync(resolve(dir, need))) {
      console.error(`${dir} has no ${need}: install and build it first (npm ci && npm run build)`)
      process.exit(2)
    }
  }
}

const VERSIONS = (process.env.VERSIONS ?? '3.1,3.3,3.4,3.5').split(',')
const OPS = (process.env.OPS ?? 'status,set').split(',')
const ROUNDS = Number(process.env.ROUNDS ?? 12)
const SLICE_MS = Number(process.env.SLICE_MS ?? 150)
const WARMUP_MS = 300
const DPS = { 1: false, 2: 50, 3: 'white', 101: 1000 }

const here = new URL('../', import.meta.url)
const support = (file) => new URL(`./packages/client/bench/support/${file}`, here).href
const { startChild } = await tsImport(support('child.ts'), import.meta.url)
const { benchId, KEY } = await tsImport(support('peers.ts'), import.meta.url)

/** Short commit of a checkout, with `+dirty` when it has uncommitted changes. */
function describe(dir) {
  try {
    const commit = execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
    const dirty = execFileSync('git', ['-C', dir, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== ''
    return `${commit}${dirty ? '+dirty' : ''}`
  } catch {
    return 'not a git checkout'
  }
}

const median = (values) => {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

// Twin mock devices per version: one for A's client, one for B's.
const mocks = await startChild(new URL(support('mock-server.ts')), {
  devices: VERSIONS.flatMap((version, i) => [0, 1].map(() => ({ id: benchId(i), version, localKey: KEY, dps: DPS }))),
})

const rows = []
try {
  for (const [i, version] of VERSIONS.entries()) {
    for (const operation of OPS) {
      const sides = []
      for (const [name, dir, port] of [['A', dirA, mocks.ready.ports[2 * i]], ['B', dirB, mocks.ready.ports[2 * i + 1]]]) {
        const contender = pathToFileURL(resolve(dir, 'packages/client/bench/support/contender.ts'))
        const child = await startChild(contender, { kind: 'ours', operation, version, id: benchId(i), port })
        sides.push({ name, child, cpuUs: 0, n: 0, samples: [], roundCpu: [] })
      }
      try {
        for (const side of sides) await side.child.request('run', { ms: WARMUP_MS, record: false })
        for (let round = 0; round < ROUNDS; round++) {
          for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
            const slice = await side.child.request('run', { ms: SLICE_MS, record: true })
            side.cpuUs += slice.cpuUs
            side.n += slice.samples.length
            for (const s of slice.samples) side.samples.push(s)
            side.roundCpu[round] = slice.cpuUs / slice.samples.length
          }
        }
      } finally {
        await Promise.all(sides.map(async (s) => {
          await s.child.request('close', {}, 5000).catch(() => {})
          await s.child.close()
        }))
      }
      const [a, b] = sides
      const perRound = a.roundCpu.map((cpu, r) => b.roundCpu[r] / cpu)
      const row = {
        version,
        operation,
        a: { cpuUs: a.cpuUs / a.n, p50: median(a.samples), n: a.n },
        b: { cpuUs: b.cpuUs / b.n, p50: median(b.samples), n: b.n },
        roundMin: Math.min(...perRound),
        roundMedian: median(perRound),
        roundMax: Math.max(...perRound),
      }
      row.ratio = row.b.cpuUs / row.a.cpuUs
      rows.push(row)
      console.log(`${version} ${operation.padEnd(6)} A ${row.a.cpuUs.toFixed(1)} µs/req  B ${row.b.cpuUs.toFixed(1)} µs/req  B/A ${row.ratio.toFixed(3)}  (rounds ${row.roundMin.toFixed(2)}-${row.roundMax.toFixed(2)})`)
    }
  }
} finally {
  await mocks.close()
}

console.log(`\nA = ${dirA} (${describe(dirA)})\nB = ${dirB} (${describe(dirB)})`)
console.log(`node ${process.version}, ${ROUNDS} rounds of ${SLICE_MS} ms per side after a ${WARMUP_MS} ms warm-up, A and B alternating (A B, B A, ...), one request in flight, the same mock process for both\n`)
console.log('| version | op | A CPU µs/req | B CPU µs/req | B / A | B / A per round: min, median, max | A p50 ms | B p50 ms | requests A / B |')
console.log('|---|---|--:|--:|--:|--:|--:|--:|--:|')
for (const r of rows) {
  console.log(`| ${r.version} | ${r.operation} | ${r.a.cpuUs.toFixed(1)} | ${r.b.cpuUs.toFixed(1)} | ${r.ratio.toFixed(3)} | ${r.roundMin.toFixed(2)}, ${r.roundMedian.toFixed(2)}, ${r.roundMax.toFixed(2)} | ${r.a.p50.toFixed(3)} | ${r.b.p50.toFixed(3)} | ${r.a.n} / ${r.b.n} |`)
}
const geomean = (values) => Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length)
console.log(`\nB / A CPU per request over ${rows.length} rows: geometric mean ${geomean(rows.map((r) => r.ratio)).toFixed(3)}, worst row ${Math.max(...rows.map((r) => r.ratio)).toFixed(3)};`)
// One slow round (a neighbour's burst) moves a row's total; the median round does not.
console.log(`per-round medians: geometric mean ${geomean(rows.map((r) => r.roundMedian)).toFixed(3)}, worst row ${Math.max(...rows.map((r) => r.roundMedian)).toFixed(3)}`)
