#!/usr/bin/env node
// A/B of @tuya/codec's encodeFrame and decodeFrame between two checkouts of this repository,
// in one process and one mitata run: each checkout's packages/codec/bench/ours.ts (so each
// its own built codec and crypto, on noble), the frames of packages/codec/bench/fixtures.ts
// (a ~110-byte CONTROL and a 1 KB STATUS on 3.3, 3.4 and 3.5), A and B side by side per group.
//
//   node scripts/bench-ab-codec.mjs <checkout A> <checkout B> [regex]
//
// Both checkouts must be installed and built (`npm ci && npm run build`).
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import process from 'node:process'
import { pathToFileURL } from 'node:url'
import { bench, do_not_optimize, group, run, summary } from 'mitata'
import { tsImport } from 'tsx/esm/api'

const [dirA, dirB, filter] = process.argv.slice(2)
if (dirA === undefined || dirB === undefined) {
  console.error('usage: node scripts/bench-ab-codec.mjs <checkout A> <checkout B> [regex]')
  process.exit(2)
}
const load = async (dir, file) => {
  const path = resolve(dir, 'packages/codec/bench', file)
  if (!existsSync(resolve(dir, 'packages/codec/dist/index.js'))) throw new Error(`${dir}: build it first (npm run build)`)
  return tsImport(pathToFileURL(path).href, import.meta.url)
}
const sides = await Promise.all([['A', dirA], ['B', dirB]].map(async ([name, dir]) => ({ name, ...(await load(dir, 'ours.ts')) })))
const { payloadCases, SEQ, VERSIONS } = await load(dirA, 'fixtures.ts')

for (const version of VERSIONS) {
  for (const c of payloadCases(version)) {
    const codecs = sides.map((s) => ({ name: s.name, codec: s.createOurCodec(version) }))
    // Both decode the same device frame, made by A.
    const reply = codecs[0].codec.deviceFrame(c.cmd, SEQ, c.payload)
    for (const { name, codec } of codecs) {
      if (JSON.stringify(codec.decode(reply).json) !== JSON.stringify(c.payload)) throw new Error(`${name} does not read the ${version} ${c.label} frame back`)
    }
    for (const op of ['encode', 'decode']) {
      group(`${version} ${op} ${c.label} ${c.jsonBytes} B`, () => {
        summary(() => {
          for (const { name, codec } of codecs) {
            bench(`${version} ${op} ${c.label} ${name}`, op === 'encode'
              ? () => do_not_optimize(codec.encode(c.cmd, SEQ, c.payload))
              : () => do_not_optimize(codec.decode(reply)))
          }
        })
      })
    }
  }
}

console.log(`A = ${resolve(dirA)}\nB = ${resolve(dirB)}\n`)
await run(filter === undefined ? {} : { filter: new RegExp(filter) })
