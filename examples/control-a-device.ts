/**
 * The client: read a device, switch it, and follow what it reports on its own. The device is
 * simulated (@tuya/mock on 127.0.0.1), so this runs without hardware; for a real one, use its
 * address, id, local key and version.
 *
 *   node --import tsx examples/control-a-device.ts   |   bun examples/control-a-device.ts   |   deno run -A examples/control-a-device.ts
 */
import { createDevice } from '@tuya/client'
import { createMockDevice } from '@tuya/mock'

await using mock = await createMockDevice({ version: '3.4', id: 'bf1234567890abcdefgh', localKey: '0123456789abcdef', dps: { '1': false, '2': 50 } })

await using device = createDevice({ id: 'bf1234567890abcdefgh', key: '0123456789abcdef', host: '127.0.0.1', port: mock.port, version: '3.4' })
device.addEventListener('connected', (e) => console.log(`connected: protocol ${e.detail.version}, session key negotiated`))
device.addEventListener('dps', (e) => console.log(`${e.detail.source.padEnd(5)} ${JSON.stringify(e.detail.dps)}  state now ${JSON.stringify(e.detail.state)}`))

console.log('status:', JSON.stringify(await device.status()))
console.log('set 1=true, the device reported:', JSON.stringify(await device.set({ '1': true })))

// Someone presses the button: the device pushes a STATUS frame, which arrives as a 'dps' event.
const pushed = new Promise<void>((resolve) => device.addEventListener('dps', (e) => e.detail.source === 'push' && e.detail.dps['2'] === 80 && resolve()))
mock.setDps({ '2': 80 })
await pushed
console.log('final state:', JSON.stringify(device.state))
