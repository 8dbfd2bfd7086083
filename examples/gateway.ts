/**
 * A gateway with sub-devices (Zigbee/BLE children): list the children, read and switch one.
 * Children share the gateway's single connection and are addressed by their node id (cid).
 *
 *   node --import tsx examples/gateway.ts   |   bun examples/gateway.ts   |   deno run -A examples/gateway.ts
 */
import { createDevice } from '@tuya/client'
import { createMockDevice } from '@tuya/mock'

await using mock = await createMockDevice({
  version: '3.4',
  id: 'bf07e3a9d5c1b8f4e2a6',
  localKey: 'Wc8Jf3Gh6Tk1Yp5S',
  gateway: { a4c1380f4cd8e7b2: { '1': false }, a4c1380f4cd8e7c3: { '1': true, '2': 21 } },
})

await using gateway = createDevice({ id: 'bf07e3a9d5c1b8f4e2a6', key: 'Wc8Jf3Gh6Tk1Yp5S', host: '127.0.0.1', port: mock.port, version: '3.4', isGateway: true })
const { online, offline } = await gateway.subdevices()
console.log(`children online: ${online.join(', ')}; offline: ${offline.length === 0 ? 'none' : offline.join(', ')}`)

for (const cid of online) {
  const child = gateway.subdevice(cid)
  console.log(`child ${cid} status: ${JSON.stringify(await child.status())}`)
}
const lamp = gateway.subdevice('a4c1380f4cd8e7b2')
console.log(`child a4c1380f4cd8e7b2 set 1=true, reported: ${JSON.stringify(await lamp.set({ '1': true }))}`)
console.log(`the gateway now holds for it: ${JSON.stringify(mock.getDps('a4c1380f4cd8e7b2'))}`)
