/**
 * Discovery: find devices from their UDP beacons. Three simulated devices beacon to loopback
 * ports (3.1 plaintext, 3.3 encrypted, and a 3.5 device that stays silent until asked), and
 * one scan finds all three, asking the 3.5 device with a solicitation sent to 127.0.0.1 only.
 * On a real network: `scan({ solicit: { address: '192.168.1.255' } })` on the default ports.
 *
 *   node --import tsx examples/discover.ts   |   bun examples/discover.ts   |   deno run -A examples/discover.ts
 */
import { createSocket } from 'node:dgram'
import { scan } from '@tuya/discovery'
import { createMockDevice } from '@tuya/mock'

/** A free UDP port on 127.0.0.1 (instead of the real 6666/6667/7000, which need no other listener). */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const { port } = socket.address()
  await new Promise<void>((resolve) => socket.close(() => resolve()))
  return port
}

const ports = { plaintext: await freeUdpPort(), encrypted: await freeUdpPort(), replies: await freeUdpPort() }
await using plug = await createMockDevice({ version: '3.1', id: 'bf31aaaaaaaaaaaaaaaa', beacon: { port: ports.plaintext, intervalMs: 300 } })
await using lamp = await createMockDevice({ version: '3.3', id: 'bf33bbbbbbbbbbbbbbbb', beacon: { port: ports.encrypted, intervalMs: 300 } })
await using bulb = await createMockDevice({ version: '3.5', id: 'bf35cccccccccccccccc', beacon: { port: ports.encrypted, intervalMs: 0, solicitationPort: 0, replyPort: ports.replies } })

const started = Date.now()
const devices = await scan({
  bindAddress: '127.0.0.1',
  ports,
  solicit: { address: '127.0.0.1', port: bulb.solicitationPort!, ip: '127.0.0.1' },
  ids: [plug.id, lamp.id, bulb.id], // return as soon as all three are seen
  timeoutMs: 5000,
})
for (const d of devices) console.log(`found ${d.id}  ip ${d.ip}  protocol ${d.version}  ${d.isEncrypted ? 'encrypted' : 'plaintext'} beacon (${d.framing})`)
console.log(`${devices.length} devices in ${Date.now() - started} ms`)
