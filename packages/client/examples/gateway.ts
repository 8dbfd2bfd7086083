/**
 * A Zigbee/BLE gateway: list its children, then read and switch one. Children share the
 * gateway's single connection.
 */
// In your project: import { createDevice } from '@tuya/client'
import { createDevice, type Dps } from '../src/index.ts'
import { configFromEnv, type ExampleConfig } from './config.ts'

export async function main(config: ExampleConfig): Promise<{ online: string[]; child?: { cid: string; before: Dps; after: Dps } }> {
  const gateway = createDevice({ ...config, isGateway: true })
  try {
    const { online } = await gateway.subdevices()
    const cid = online[0]
    if (cid === undefined) return { online }
    const child = gateway.subdevice(cid)
    child.addEventListener('dps', (e) => console.log(`${cid}:`, e.detail.dps))
    const before = await child.status()
    await child.set({ '1': !before['1'] })
    return { online, child: { cid, before, after: { ...child.state } } }
  } finally {
    await gateway.close()
  }
}

const config = configFromEnv()
if (config !== undefined) console.log(await main(config))
