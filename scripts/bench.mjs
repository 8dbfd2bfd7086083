#!/usr/bin/env node
// `npm run bench`: runs every packages/*/bench/*.bench.ts on Node (through tsx), one after
// the other (benchmarks must not compete for the CPU). Benchmarks import other packages by
// name, so build first (`npm run build`).
//
//   node scripts/bench.mjs [SUBSTRING]...   only bench files whose path contains one of them
//
// Exits non-zero when a benchmark fails (e.g. its setup check finds the libraries disagree).
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { ROOT, workspaces } from './workspaces.mjs'

const filters = process.argv.slice(2)
const files = []
for (const ws of workspaces()) {
  const dir = join(ws.dir, 'bench')
  if (!ws.dir.includes('/packages/') || !existsSync(dir)) continue
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name)
    if (name.endsWith('.bench.ts') && (filters.length === 0 || filters.some((f) => relative(ROOT, file).includes(f)))) files.push({ ws, file })
  }
}

let failed = 0
for (const { ws, file } of files) {
  console.log(`\n=== ${relative(ROOT, file)} (node ${process.version})\n`)
  const result = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: ws.dir, stdio: 'inherit' })
  if (result.status !== 0) {
    failed++
    console.log(`\n[bench.mjs] ${relative(ROOT, file)} failed (exit ${result.status ?? result.signal})`)
  }
}
console.log(`\n${files.length} benchmark file(s), ${failed} failed`)
process.exit(failed ? 1 : 0)
