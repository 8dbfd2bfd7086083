/**
 * The bridge under test, alone in its process, so that its CPU time and memory are its own:
 * `start` creates and starts it, `usage` reports CPU time and memory (after a full GC).
 */
import { createBridge, profileFromMapping, type BridgeDevice, type TuyaMqttBridge } from '@tuya/mqtt'
import { childSide } from './ipc.ts'

interface Config {
  url: string
  devices: Array<{ id: string; key: string; port: number; version: '3.1' | '3.3' | '3.4' | '3.5' }>
}

const MAPPING = { '1': { code: 'switch_1', type: 'Boolean', values: {} }, '19': { code: 'cur_power', type: 'Integer', values: { unit: 'W', scale: 1 } } }

const { config, serve } = await childSide<Config>()
let bridge: TuyaMqttBridge | undefined
const gc = (globalThis as { gc?: () => void }).gc

serve({
  async start() {
    const profile = profileFromMapping(MAPPING)
    const devices: BridgeDevice[] = config.devices.map((d, i) => ({ id: d.id, key: d.key, host: '127.0.0.1', port: d.port, version: d.version, name: `Plug ${i + 1}`, profile }))
    bridge = createBridge({ mqtt: { url: config.url, reconnectPeriod: 500 }, devices })
    await bridge.start()
    return true
  },
  usage() {
    gc?.()
    gc?.()
    const { user, system } = process.cpuUsage()
    const m = process.memoryUsage()
    return { cpuUs: user + system, rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, online: bridge?.fleet.onlineCount ?? 0 }
  },
  async stop() {
    await bridge?.close()
    return true
  },
})
