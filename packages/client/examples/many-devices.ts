/**
 * Several devices at once, with at most two connection attempts in flight (a shared gate),
 * reading each device's state and reporting who is online.
 */
// In your project: import { createConnectGate, createDevice } from '@tuya/client'
import { createConnectGate, createDevice, type Dps } from '../src/index.ts'
import type { ExampleConfig } from './config.ts'

export async function main(configs: ExampleConfig[]): Promise<Array<{ id: string; state?: Dps; error?: string }>> {
  const gate = createConnectGate({ concurrency: 2 })
  const devices = configs.map((c) => createDevice({ ...c, connectGate: gate, timeoutMs: 3000 }))
  try {
    return await Promise.all(devices.map(async (device) => {
      try {
        return { id: device.id, state: await device.status() }
      } catch (error) {
        return { id: device.id, error: (error as Error).message }
      }
    }))
  } finally {
    await Promise.all(devices.map((d) => d.close()))
  }
}
