/**
 * Child process of the round-trip benchmark: ONE contender (our handle, tuyapi, or the bare
 * echo client) with one open connection, running its request loop when the parent says so.
 * Each contender lives in its own process, as it would in a user's program: its garbage, its
 * GC pauses and its JIT state are its own, and cannot land in another contender's time.
 *
 * Configuration (from the parent): {@link ContenderConfig}.
 */
import process from 'node:process'
import { createDevice } from './client.ts'
import { childConfig, serveParent } from './child.ts'
import { connectEcho, KEY, tuyapiDevice } from './peers.ts'
import type { ContenderConfig, SliceResult } from './contenders.ts'

const config = await childConfig<ContenderConfig>()
let value = false
let call: () => Promise<unknown>
let close: () => Promise<void> | void
let errors: unknown[] = []

if (config.kind === 'ours') {
  const device = createDevice({ id: config.id, key: KEY, host: '127.0.0.1', port: config.port, version: config.version })
  await device.connect()
  call = config.operation === 'status' ? () => device.status() : () => device.set({ '1': (value = !value) })
  close = () => device.close()
} else if (config.kind === 'tuyapi') {
  const { dev, errors: seen } = tuyapiDevice(config.port, config.id, config.version)
  await dev.connect()
  const once = config.operation === 'status' ? () => dev.get({ schema: true }) : () => dev.set({ dps: 1, set: (value = !value) })
  // tuyapi sometimes never answers (see the README): bound each call so that the loop ends.
  call = () => Promise.race([once(), new Promise((_r, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2000).unref())])
  close = () => void dev.disconnect()
  errors = seen
} else {
  const echo = await connectEcho(config.port, config.echo!.request, config.echo!.replyBytes)
  call = () => echo.roundTrip()
  close = () => echo.close()
}

/** Runs the loop for `ms`; with `record`, returns every request's time (ms) and the CPU used. */
async function run(ms: number, record: boolean): Promise<SliceResult> {
  const samples: number[] = []
  const cpuBefore = process.cpuUsage()
  const start = performance.now()
  const end = start + ms
  let now = start
  while (now < end || samples.length < 2) {
    const t0 = performance.now()
    await call()
    now = performance.now()
    samples.push(now - t0)
  }
  const cpu = process.cpuUsage(cpuBefore)
  return record ? { samples, elapsedMs: now - start, cpuUs: cpu.user + cpu.system } : { samples: [], elapsedMs: 0, cpuUs: 0 }
}

const parent = serveParent({
  run: (m) => run(m.ms as number, m.record === true),
  errors: () => ({ count: errors.length, first: errors.length > 0 ? String(errors[0]) : undefined }),
  close: async () => {
    await close()
    return true
  },
})
parent.ready({ pid: process.pid })
