/**
 * Follow a device: connection events, every DP report as an event, and the same reports as
 * an async iterator that stops when you abort it.
 */
// In your project: import { createDevice } from '@tuya/client'
import { createDevice, type DpsDetail } from '../src/index.ts'
import { configFromEnv, type ExampleConfig } from './config.ts'

export async function main(config: ExampleConfig, options: { count?: number; onReady?: () => void } = {}): Promise<DpsDetail[]> {
  const device = createDevice(config)
  device.addEventListener('connected', (e) => console.log(`connected (${e.detail.version}${e.detail.isReconnect ? ', reconnect' : ''})`))
  device.addEventListener('disconnected', (e) => console.log(`disconnected: ${e.detail.reason}; reconnect: ${e.detail.willReconnect}`))
  device.addEventListener('error', (e) => console.log(`problem: ${e.detail.error.message}`))
  device.addEventListener('dps', (e) => console.log(`${e.detail.source}:`, e.detail.dps, '->', e.detail.state))

  const seen: DpsDetail[] = []
  const stop = new AbortController()
  try {
    await device.connect() // stay online: heartbeats keep the connection, drops are reconnected
    options.onReady?.()
    for await (const update of device.updates({ signal: stop.signal })) {
      seen.push(update)
      if (seen.length === (options.count ?? 3)) stop.abort(new Error('enough'))
    }
  } catch (error) {
    if (!stop.signal.aborted) throw error // aborting ends the loop with the signal's reason
  } finally {
    await device.close()
  }
  return seen
}

const config = configFromEnv()
if (config !== undefined) await main(config, { count: 5 })
