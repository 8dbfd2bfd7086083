/**
 * The bridge under test, alone in its process, so that its CPU time and memory are its own:
 * `start` creates and starts it, `usage` reports CPU time and memory (after a full GC).
 */
import { connectAsync } from 'mqtt'
import { createBridge, profileFromMapping, type BridgeDevice, type TuyaMqttBridge } from '@tuya/mqtt'
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { childSide } from './ipc.ts'

interface Config {
  url: string
  devices: Array<{ id: string; key: string; port: number; version: '3.1' | '3.3' | '3.4' | '3.5' }>
}

const MAPPING = { '1': { code: 'switch_1', type: 'Boolean', values: {} }, '19': { code: 'cur_power', type: 'Integer', values: { unit: 'W', scale: 1 } } }

const { config, serve } = await childSide<Config>()
let bridge: TuyaMqttBridge | undefined
const gc = (globalThis as { gc?: () => void }).gc
const session = new Session()

serve({
  // MQTT.js (mqtt-packet) builds a table of 65,536 two-byte Buffers, about 6 MiB, at the first
  // packet a process writes: a fixed cost, taken here before the baseline so that the figures
  // per device are per device (the bench reports it on its own).
  async warm() {
    gc?.()
    const before = process.memoryUsage().heapUsed
    const client = await connectAsync(config.url, { protocolVersion: 5 })
    await client.publishAsync('warm-up', '', { qos: 1 })
    await client.endAsync()
    gc?.()
    return process.memoryUsage().heapUsed - before
  },
  async start() {
    const profile = profileFromMapping(MAPPING)
    const devices: BridgeDevice[] = config.devices.map((d, i) => ({ id: d.id, key: d.key, host: '127.0.0.1', port: d.port, version: d.version, name: `Plug ${i + 1}`, profile }))
    bridge = createBridge({ mqtt: { url: config.url, reconnectPeriod: 500 }, devices })
    await bridge.start()
    return true
  },
  // CPU time is read before the full GCs that make the memory figures comparable, and again
  // after them, so that an interval counts only the bridge's own work (cpuUs of the later
  // reading minus cpuAfterGcUs of the earlier one).
  usage() {
    const before = process.cpuUsage()
    gc?.()
    gc?.()
    const after = process.cpuUsage()
    const m = process.memoryUsage()
    return { cpuUs: before.user + before.system, cpuAfterGcUs: after.user + after.system, rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, online: bridge?.fleet.onlineCount ?? 0 }
  },
  /** CPU time only, no GC: for intervals that a forced GC (and V8's work after it) would disturb. */
  cpu() {
    const { user, system } = process.cpuUsage()
    return user + system
  },
  // BRIDGE_CPU_PROF=dir: a CPU profile of one phase (the parent names it), for finding where the time goes.
  async 'profile-start'() {
    if (process.env['BRIDGE_CPU_PROF'] === undefined) return false
    session.connect()
    await session.post('Profiler.enable')
    await session.post('Profiler.start')
    return true
  },
  async 'profile-stop'(m) {
    if (process.env['BRIDGE_CPU_PROF'] === undefined) return false
    const { profile } = await session.post('Profiler.stop')
    writeFileSync(`${process.env['BRIDGE_CPU_PROF']}/${String(m['name'])}.cpuprofile`, JSON.stringify(profile))
    session.disconnect()
    return true
  },
  async stop() {
    await bridge?.close()
    return true
  },
})
