#!/usr/bin/env node
/**
 * The `tuya` executable: process wiring only (argv, stdout/stderr, SIGINT/SIGTERM, exit code).
 */
import { main } from './cli.ts'

const controller = new AbortController()
const stop = () => controller.abort()
process.once('SIGINT', stop)
process.once('SIGTERM', stop)

const code = await main(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  signal: controller.signal,
})
process.off('SIGINT', stop)
process.off('SIGTERM', stop)
process.exitCode = code
