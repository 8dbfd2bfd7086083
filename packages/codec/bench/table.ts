/**
 * Turns mitata's results into the markdown table of the README: frames per second for
 * each library, and ours / tuyapi (above 1: ours is faster).
 */
import type { run } from 'mitata'

type Trial = Awaited<ReturnType<typeof run>>['benchmarks'][number]

/** One table row: which two benchmarks (by name) to put side by side. */
export interface Row {
  version: string
  operation: string
  payload: string
  ours: string
  /** The same code with its keyring on `nodeCryptoBackend`. */
  oursNative: string
  tuyapi: string
}

function opsPerSecond(trials: Trial[], name: string): number {
  const stats = trials.find((t) => t.alias === name)?.runs[0]?.stats
  if (stats === undefined) return Number.NaN
  return 1e9 / stats.avg
}

const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}x` : 'n/a')
const fmt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a')

export function markdownTable(rows: Row[], trials: Trial[]): string {
  const lines = [
    '| version | operation | payload | ours, pure JS (frames/s) | ours, node:crypto backend | tuyapi | pure JS / tuyapi | node backend / tuyapi |',
    '|---|---|---|--:|--:|--:|--:|--:|',
  ]
  for (const r of rows) {
    const ours = opsPerSecond(trials, r.ours)
    const native = opsPerSecond(trials, r.oursNative)
    const theirs = opsPerSecond(trials, r.tuyapi)
    lines.push(`| ${r.version} | ${r.operation} | ${r.payload} | ${fmt(ours)} | ${fmt(native)} | ${fmt(theirs)} | ${ratio(ours, theirs)} | ${ratio(native, theirs)} |`)
  }
  return lines.join('\n')
}
