/**
 * decodeBeacon per framing (mitata): how much CPU one datagram costs, so a busy network's
 * broadcast traffic is no concern.
 *
 *   node --import tsx bench/decode.bench.ts   (also: bun bench/decode.bench.ts, deno run -A --no-check bench/decode.bench.ts)
 */
import { readFileSync } from 'node:fs'
import { bench, do_not_optimize, run, summary } from 'mitata'
import { hexToBytes } from '@tuya/crypto'
import { decodeBeacon } from '../src/index.ts'

const { cases } = JSON.parse(readFileSync(new URL('../test/vectors/discovery.json', import.meta.url), 'utf8')) as { cases: Array<{ name: string; frame_hex: string }> }
const source = { address: '192.168.1.50', port: 6667 }

summary(() => {
  for (const c of cases) {
    const bytes = hexToBytes(c.frame_hex)
    bench(`decodeBeacon ${c.name} (${bytes.length} B)`, () => do_not_optimize(decodeBeacon(bytes, source)))
  }
  const junk = new Uint8Array(300).fill(0xa5)
  bench('decodeBeacon junk (300 B)', () => do_not_optimize(decodeBeacon(junk, source)))
})

await run()
