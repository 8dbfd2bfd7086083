/**
 * Find the protocol version of a device, with frame dumps on the way (keys never appear).
 */
// In your project: import { createDevice } from '@tuya/client'
import { createDevice, type LogEntry, type ProtocolVersion } from '../src/index.ts'
import { configFromEnv, type ExampleConfig } from './config.ts'

export async function main(config: ExampleConfig, log: (entry: LogEntry) => void = (e) => console.log(e.message, e.frame?.hex ?? '')): Promise<{ version: ProtocolVersion; isDevice22: boolean }> {
  const device = createDevice({ ...config, version: 'auto', logger: log })
  try {
    const { version } = await device.connect() // one connection, one round trip (see README "version: 'auto'")
    await device.status() // a device22 unit shows itself here
    return { version, isDevice22: device.isDevice22 }
  } finally {
    await device.close()
  }
}

const config = configFromEnv()
if (config !== undefined) console.log(await main(config))
