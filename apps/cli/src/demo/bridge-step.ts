/**
 * The demo's MQTT step: an embedded broker (aedes) on 127.0.0.1, one simulated plug behind
 * `@tuya/mqtt`'s bridge, and an MQTT client that reads its retained state, switches it on over
 * MQTT and reads the result, as Home Assistant would. No ports or timings in the output.
 */
import { createMockDevice } from '@tuya/mock'
import { createBridge, profileFromMapping } from '@tuya/mqtt'
import { connectAsync } from 'mqtt'
import { startEmbeddedBroker } from '../bridge/embedded-broker.ts'

/** What the step needs of the demo's narrator. */
export interface BridgeStepNarrator {
  step(n: number, text: string, source: string | undefined): void
  ok(text: string, extra?: string): void
  sub(text: string): void
}

const PLUG = { id: 'bf5e2a7c9d1b3f4e6a80', key: 'Hn4Rt8Wq2Zx6Vb1M', name: 'Kitchen plug' } as const
const MAPPING = { '1': { code: 'switch_1', type: 'Boolean', values: {} }, '19': { code: 'cur_power', type: 'Integer', values: { unit: 'W', scale: 1 } } }

/**
 * Runs the step.
 * @param say - the narrator
 * @param n - the step number
 * @param signal - stops the demo
 * @returns whether the command sent over MQTT reached the device
 */
export async function runBridgeStep(say: BridgeStepNarrator, n: number, signal: AbortSignal): Promise<boolean> {
  say.step(n, 'Everything on an MQTT broker, for Home Assistant', '@tuya/mqtt')
  await using plug = await createMockDevice({ version: '3.4', id: PLUG.id, localKey: PLUG.key, dps: { '1': false, '19': 0 } })
  const broker = await startEmbeddedBroker(0)
  const bridge = createBridge({
    mqtt: { url: broker.url, protocolVersion: 4 },
    devices: [{ id: PLUG.id, key: PLUG.key, host: '127.0.0.1', port: plug.port, version: '3.4', name: PLUG.name, profile: profileFromMapping(MAPPING) }],
  })
  const client = await connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 })
  try {
    const messages = new Map<string, string>()
    const waiters: Array<() => void> = []
    client.on('message', (topic, payload) => {
      messages.set(topic, payload.toString())
      for (const w of waiters.splice(0)) w()
    })
    const next = (topic: string, accept: (text: string) => boolean): Promise<string> =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const text = messages.get(topic)
          if (text !== undefined && accept(text)) resolve(text)
          else waiters.push(check)
        }
        signal.addEventListener('abort', () => reject(signal.reason), { once: true })
        check()
      })
    await client.subscribeAsync(['tuya/#', 'homeassistant/#'], { qos: 1 })
    await bridge.start({ signal })
    await next(`tuya/${PLUG.id}/availability`, (text) => text === 'online')
    say.ok('an MQTT broker on 127.0.0.1 (aedes, in this process); the bridge connected and the plug came online')
    const config = JSON.parse(await next(`homeassistant/device/tuya_${PLUG.id}/config`, () => true)) as { cmps: Record<string, { p: string }> }
    say.ok(`Home Assistant discovery: ${Object.entries(config.cmps).map(([key, c]) => `${key} (${c.p})`).join(', ')}`)
    say.sub(`homeassistant/device/tuya_${PLUG.id}/config`)
    say.ok(`retained state tuya/${PLUG.id}/state ${await next(`tuya/${PLUG.id}/state`, () => true)}`)
    await client.publishAsync(`tuya/${PLUG.id}/set`, JSON.stringify({ dps: { '1': true }, id: 'demo-1' }), { qos: 1 })
    const result = await next(`tuya/${PLUG.id}/result`, () => true)
    say.ok(`published tuya/${PLUG.id}/set {"1":true}; the result: ${result}`)
    const state = await next(`tuya/${PLUG.id}/state`, (text) => (JSON.parse(text) as Record<string, unknown>)['1'] === true)
    say.sub(`the plug's own state: ${JSON.stringify(plug.getDps())}; the state topic follows: ${state}`)
    return plug.getDps()?.['1'] === true
  } finally {
    await client.endAsync(true).catch(() => {})
    await bridge.close()
    await broker.close()
  }
}
