/**
 * Read all DPs, switch DP 1, set several DPs at once, and look at the cached state.
 */
// In your project: import { createDevice } from '@tuya/client'
import { createDevice, type Dps } from '../src/index.ts'
import { configFromEnv, type ExampleConfig } from './config.ts'

export async function main(config: ExampleConfig): Promise<{ before: Dps; reported: Dps; state: Dps }> {
  const device = createDevice(config) // nothing is sent yet: the first command connects
  try {
    const before = await device.status() // { '1': false, '2': 50, … }
    await device.set('1', !before['1']) // one DP
    const reported = await device.set({ '1': before['1'] ?? false, '2': 25 }) // several: resolves with what the device reported
    return { before, reported, state: { ...device.state } } // state: merged from every reply and push
  } finally {
    await device.close()
  }
}

const config = configFromEnv()
if (config !== undefined) console.log(await main(config))
