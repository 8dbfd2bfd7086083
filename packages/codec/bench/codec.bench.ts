/**
 * @tuya/codec against tuyapi's MessageParser: encode (client request) and decode (device
 * reply) frames per second, for a typical CONTROL (~110 bytes of JSON) and a 1 KB STATUS
 * on 3.3, 3.4 and 3.5, side by side in one run. Ends with the markdown table of the README.
 *
 *   node --import tsx bench/codec.bench.ts      (also: bun bench/codec.bench.ts,
 *                                                deno run -A --no-check bench/codec.bench.ts)
 *
 * Pass a regular expression to run only matching benchmarks, e.g. `3\.5`.
 */
import { Buffer } from 'node:buffer'
import process from 'node:process'
import { nodeCryptoBackend } from '@tuya/crypto/node'
import { bench, do_not_optimize, group, run, summary } from 'mitata'
import { payloadCases, SEQ, VERSIONS } from './fixtures.ts'
import { createOurCodec } from './ours.ts'
import { markdownTable, type Row } from './table.ts'
import { createTuyapiCodec } from './tuyapi.ts'
import { verify } from './verify.ts'

const rows: Row[] = []

for (const version of VERSIONS) {
  const ours = createOurCodec(version)
  const oursNative = createOurCodec(version, nodeCryptoBackend)
  const theirs = createTuyapiCodec(version)
  for (const c of payloadCases(version)) {
    verify(version, c, ours, theirs)
    verify(version, c, oursNative, theirs)
    const payload = `${c.label} ${c.jsonBytes} B`
    const { cmd, payload: json } = c
    const reply = ours.deviceFrame(cmd, SEQ, json)
    const replyBuffer = Buffer.from(reply)
    const name = (lib: string, op: string) => `${version} ${op} ${c.label} ${lib}`

    group(`${version} encode ${payload}`, () => {
      summary(() => {
        bench(name('ours', 'encode'), () => do_not_optimize(ours.encode(cmd, SEQ, json)))
        bench(name('ours+node', 'encode'), () => do_not_optimize(oursNative.encode(cmd, SEQ, json)))
        bench(name('tuyapi', 'encode'), () => do_not_optimize(theirs.encode(cmd, SEQ, json)))
      })
    })
    group(`${version} decode ${payload}`, () => {
      summary(() => {
        bench(name('ours', 'decode'), () => do_not_optimize(ours.decode(reply)))
        bench(name('ours+node', 'decode'), () => do_not_optimize(oursNative.decode(reply)))
        bench(name('tuyapi', 'decode'), () => do_not_optimize(theirs.decode(replyBuffer)))
      })
    })
    for (const op of ['encode', 'decode']) {
      rows.push({ version, operation: op, payload, ours: name('ours', op), oursNative: name('ours+node', op), tuyapi: name('tuyapi', op) })
    }
  }
}

console.log(
  `setup check passed for ${rows.length / 2} frame kinds: client requests byte-identical to tuyapi's (3.5 with its clock pinned), ` +
    "our decoder reads tuyapi's requests, both decoders read the same device replies to the same JSON\n",
)

const filter = process.argv[2] === undefined ? undefined : new RegExp(process.argv[2])
const { benchmarks, context } = await run(filter === undefined ? {} : { filter })
const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } }
const runtime = g.Bun ? `Bun ${g.Bun.version}` : g.Deno ? `Deno ${g.Deno.version.deno}` : `Node ${process.version}`
console.log(`\n${runtime}, ${context.cpu.name ?? 'unknown CPU'}, ${new Date().toISOString().slice(0, 10)}\n`)
console.log(markdownTable(rows, benchmarks))
