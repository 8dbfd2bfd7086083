/**
 * Whether the pooled random source earns its place: 3.5 `encodeFrame` with the default IV
 * source (`@tuya/crypto`'s `defaultRandom`, `crypto.getRandomValues` drawn 4 KiB at a time)
 * against the same encode with one `getRandomValues` call per IV, on both crypto backends,
 * side by side in one run; plus the two sources alone for a 12-byte IV. The result is kept in
 * the root bench/README.md ("random source").
 *
 *   node --import tsx bench/iv-source.bench.ts    (also: bun bench/iv-source.bench.ts,
 *                                                  deno run -A --no-check bench/iv-source.bench.ts)
 */
import process from 'node:process'
import { encodeFrame } from '@tuya/codec'
import { createKeyring, defaultRandom, type RandomSource } from '@tuya/crypto'
import { nodeCryptoBackend } from '@tuya/crypto/node'
import { bench, do_not_optimize, group, run, summary } from 'mitata'
import { payloadCases, SEQ, SESSION_KEYS } from './fixtures.ts'

const perCall: RandomSource = (length) => globalThis.crypto.getRandomValues(new Uint8Array(length))
const key = SESSION_KEYS['3.5']!

group('12-byte IV', () => {
  summary(() => {
    bench('pooled defaultRandom', () => do_not_optimize(defaultRandom(12)))
    bench('getRandomValues per IV', () => do_not_optimize(perCall(12)))
  })
})

for (const [backendName, keyring] of [['noble', createKeyring()], ['node', createKeyring({ backend: nodeCryptoBackend })]] as const) {
  for (const c of payloadCases('3.5')) {
    group(`3.5 encode ${c.label} ${c.jsonBytes} B (${backendName})`, () => {
      summary(() => {
        bench(`${c.label} ${backendName} pooled`, () => do_not_optimize(encodeFrame({ version: '3.5', key, seq: SEQ, cmd: c.cmd, payload: c.payload, keyring })))
        bench(`${c.label} ${backendName} per-IV`, () => do_not_optimize(encodeFrame({ version: '3.5', key, seq: SEQ, cmd: c.cmd, payload: c.payload, keyring, random: perCall })))
      })
    })
  }
}

await run()
const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } }
console.log(`\n${g.Bun ? `Bun ${g.Bun.version}` : g.Deno ? `Deno ${g.Deno.version.deno}` : `Node ${process.version}`}, ${new Date().toISOString().slice(0, 10)}`)
