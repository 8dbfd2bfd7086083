/**
 * The floor for the bridge's CPU per change: a bare MQTT.js client in its own process publishing
 * what the bridge publishes for one device-side change (the device's state and the DP's state,
 * QoS 1, retained), at the same rate, with no device traffic and no bridge logic.
 */
import { connectAsync } from 'mqtt'
import { childSide } from './ipc.ts'

const { config, serve } = await childSide<{ url: string }>()
const client = await connectAsync(config.url, { protocolVersion: 5 })

serve({
  async publish(m) {
    const count = m['count'] as number
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
    // Idle rate first, so that it can be taken out as for the bridge.
    const i0 = process.cpuUsage()
    const idleStart = performance.now()
    await sleep(2000)
    const idle = process.cpuUsage(i0)
    const idleUsPerMs = (idle.user + idle.system) / (performance.now() - idleStart)
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    for (let k = 0; k < count; k++) {
      const id = `bfbench${String(k % 1000).padStart(13, '0')}`
      void client.publishAsync(`floor/${id}/state`, JSON.stringify({ '1': false, '19': 1000 + k }), { qos: 1, retain: true })
      void client.publishAsync(`floor/${id}/dp/19/state`, String(1000 + k), { qos: 1, retain: true })
      await sleep(m['intervalMs'] as number)
    }
    await sleep(1000)
    const used = process.cpuUsage(c0)
    return (used.user + used.system - idleUsPerMs * (performance.now() - t0)) / count
  },
})
