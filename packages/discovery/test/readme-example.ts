import { discover, findDevice, scan } from '../src/index.ts'

// Every device that beacons within 10 s; 3.5 devices answer the solicitation at once.
const devices = await scan({ timeoutMs: 10_000, solicit: { address: '192.168.1.255' } })
for (const d of devices) console.log(d.id, d.ip, d.version, d.productKey)

// One device, for a client: resolves on its first beacon.
const { ip, version } = await findDevice('bf0123456789abcdefgh', { timeoutMs: 8000 })
console.log(`connect to ${ip} with protocol ${version}`)

// Live: new and updated devices until the signal aborts.
for await (const { change, device } of discover({ signal: AbortSignal.timeout(60_000) })) console.log(change, device.id, device.ip)
