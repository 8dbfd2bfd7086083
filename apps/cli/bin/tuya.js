#!/usr/bin/env node
// The `tuya` command. A committed shim, so that `npm ci` links the command before the
// first build; it loads the compiled CLI from dist/ (run `npm run build` first).
import { existsSync } from 'node:fs'

const main = new URL('../dist/bin.js', import.meta.url)
if (!existsSync(main)) {
  console.error('tuya: the CLI is not built yet; run `npm run build` at the repository root first')
  process.exit(1)
}
await import(main.href)
