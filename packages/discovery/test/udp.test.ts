/**
 * Real UDP on 127.0.0.1 (no broadcast needed): the vectors and @tuya/mock beacons through the
 * node:dgram adapter, the 3.5 solicitation answered, junk datagrams, a port held by another
 * socket, two instances sharing ports. Every socket is closed at the end of its test.
 */
import assert from 'node:assert/strict'
import * as dgram from 'node:dgram'
import { describe, it } from 'node:test'
import { decodeFrame, UDP_KEY } from '@tuya/codec'
import { createMockDevice, type MockDevice } from '@tuya/mock'
import { createDiscovery, discover, DiscoveryBindError, findDevice, scan, type Discovery } from '../src/index.ts'
import { h, loadVectors, udpSender, until, vector } from './helpers.ts'

const LOOPBACK = { bindAddress: '127.0.0.1', ports: { plaintext: 0, encrypted: 0, replies: 0 } } as const

function bindExclusive(port: number): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type: 'udp4' }) // no reuseAddr: holds the port alone
  return new Promise((resolve, reject) => {
    socket.once('error', (error) => {
      socket.close()
      reject(error)
    })
    socket.bind({ port, address: '127.0.0.1' }, () => resolve(socket))
  })
}

const closeSocket = (socket: dgram.Socket) => new Promise<void>((resolve) => socket.close(() => resolve()))

/** A UDP port that was free a moment ago. */
async function freePort(): Promise<number> {
  const socket = await bindExclusive(0)
  const { port } = socket.address()
  await closeSocket(socket)
  return port
}

describe('UDP on loopback: hand-made datagrams', () => {
  it('finds every vector device, each on its own port, and returns as soon as all ids are in', async () => {
    const discovery = await createDiscovery(LOOPBACK)
    const sender = await udpSender()
    try {
      const ports = discovery.ports
      const portFor = (udpPort: number) => (udpPort === 6666 ? ports.plaintext! : udpPort === 6667 ? ports.encrypted! : ports.replies!)
      const cases = loadVectors().cases.filter((c) => c.direction !== 'client_broadcast')
      const ids = [...new Set(cases.map((c) => (JSON.parse(c.json_text) as { gwId: string }).gwId))]
      const scanning = discovery.scan({ ids, timeoutMs: 5000 })
      const started = Date.now()
      for (const c of cases) await sender.send(h(c.frame_hex), portFor(c.udp_port))
      const devices = await scanning
      assert.ok(Date.now() - started < 2000)
      assert.deepEqual(devices.map((d) => d.id).sort(), [...ids].sort())
      for (const d of devices) {
        assert.equal(d.source.address, '127.0.0.1')
        assert.equal(d.ip, '192.168.1.50')
        assert.equal(d.hasIpMismatch, true)
      }
      await until(() => discovery.stats.received === cases.length)
      assert.equal(discovery.stats.decoded, cases.length)
    } finally {
      await sender.close()
      await discovery.close()
    }
  })

  it('counts junk datagrams on every port without throwing, and keeps decoding after them', async () => {
    const discovery = await createDiscovery(LOOPBACK)
    const sender = await udpSender()
    try {
      const junk = [new Uint8Array([0]), new TextEncoder().encode('{"hello":"world"}'), h('000055aa0000'), h('00006699' + '00'.repeat(60)), new Uint8Array(64).fill(0xa5)]
      for (const port of Object.values(discovery.ports)) for (const bytes of junk) await sender.send(bytes, port)
      const found = discovery.find('bf0123456789abcdefgh', { timeoutMs: 3000 })
      await sender.send(h(vector('udp6667_v33_ecb').frame_hex), discovery.ports.encrypted!)
      assert.equal((await found).version, '3.3')
      await until(() => discovery.stats.received === 16)
      const stats = discovery.stats
      assert.equal(stats.received, 16)
      assert.equal(stats.decoded, 1)
      assert.equal(Object.values(stats.ignored).reduce((a, b) => a + b, 0), 15)
      assert.equal(stats.ignored.foreign, 9)
      assert.equal(stats.ignored['bad-frame'], 6)
    } finally {
      await sender.close()
      await discovery.close()
    }
  })

  it('sends the 3.5 solicitation where allowed and takes the unicast answer on the replies port', async () => {
    const answered: string[] = []
    const device = dgram.createSocket({ type: 'udp4' })
    await new Promise<void>((resolve) => device.bind({ port: 0, address: '127.0.0.1' }, () => resolve()))
    let replyPort = 0
    device.on('message', (msg) => {
      // A device's view: a 6699 REQ_DEVINFO under the udpkey, answered unicast to ip:replyPort.
      const frame = decodeFrame(msg, { version: '3.5', key: UDP_KEY, direction: 'toDevice' })
      const { from, ip } = frame.json as { from: string; ip: string }
      answered.push(`${frame.cmd} ${from} ${ip}`)
      device.send(h(vector('udp7000_device_reply').frame_hex), replyPort, ip)
    })
    const discovery = await createDiscovery({ ...LOOPBACK, solicit: { address: '127.0.0.1', port: device.address().port, intervalMs: 60_000 } })
    replyPort = discovery.ports.replies!
    try {
      const found = await discovery.find('bf35ab0123456789cdefgh', { timeoutMs: 3000 })
      assert.equal(found.localPort, replyPort)
      assert.equal(found.version, '3.5')
      assert.equal(found.json['lan_cap'], 5030)
      assert.deepEqual(answered, ['37 app 127.0.0.1'])
      assert.equal(discovery.stats.solicitationsSent, 1)
    } finally {
      await discovery.close()
      await closeSocket(device)
    }
  })
})

describe('UDP on loopback: binding', () => {
  it('names the port and its likely holder when another socket holds it without reuseAddr; nothing stays bound', async () => {
    const holder = await bindExclusive(0)
    const heldPort = holder.address().port
    const free = await bindExclusive(0)
    const freePort = free.address().port
    await closeSocket(free)
    try {
      await assert.rejects(createDiscovery({ bindAddress: '127.0.0.1', ports: { plaintext: freePort, encrypted: heldPort, replies: false } }), (error: unknown) => {
        assert.ok(error instanceof DiscoveryBindError, String(error))
        assert.equal(error.port, heldPort)
        assert.equal(error.systemCode, 'EADDRINUSE')
        assert.equal(error.code, 'TUYA_ERR_DISCOVERY_BIND')
        assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${heldPort}`))
        assert.match(error.message, /tinytuya|Home Assistant/)
        assert.ok(error.cause instanceof Error)
        return true
      })
      // The port bound before the failure was released: an exclusive bind succeeds again.
      await closeSocket(await bindExclusive(freePort))
    } finally {
      await closeSocket(holder)
    }
  })

  it('two instances share the same ports (reuseAddr) and both close cleanly', async () => {
    const first = await createDiscovery({ bindAddress: '127.0.0.1', ports: { plaintext: 0, encrypted: false, replies: false } })
    let second: Discovery | undefined
    try {
      second = await createDiscovery({ bindAddress: '127.0.0.1', ports: { plaintext: first.ports.plaintext!, encrypted: false, replies: false } })
      assert.equal(second.ports.plaintext, first.ports.plaintext)
    } finally {
      await second?.close()
      await first.close()
    }
  })
})

describe('UDP on loopback: @tuya/mock beacons', () => {
  it('finds a mock device of every version, and a silent 3.5 one through the solicitation', async () => {
    // The silent device answers to a fixed port, so that port is picked first.
    const replies = await freePort()
    const silent = await createMockDevice({ version: '3.5', beacon: { address: '127.0.0.1', intervalMs: 0, solicitationPort: 0, replyPort: replies } })
    const devices: MockDevice[] = [silent]
    const discovery = await createDiscovery({
      bindAddress: '127.0.0.1',
      ports: { plaintext: 0, encrypted: 0, replies },
      solicit: { address: '127.0.0.1', port: silent.solicitationPort!, intervalMs: 60_000 },
    })
    try {
      const { plaintext, encrypted } = discovery.ports
      for (const version of ['3.1', '3.2', '3.3', '3.4', '3.5'] as const) {
        const port = version === '3.1' ? plaintext! : encrypted!
        devices.push(await createMockDevice({ version, beacon: { address: '127.0.0.1', port, intervalMs: 200, solicitationPort: false } }))
      }
      const ids = devices.map((d) => d.id)
      const result = await discovery.scan({ ids, timeoutMs: 5000, includeKnown: true })
      assert.deepEqual(result.map((d) => d.id).sort(), [...ids].sort())
      for (const d of devices) {
        const record = discovery.get(d.id)!
        assert.equal(record.version, d.version)
        assert.equal(record.ip, '127.0.0.1')
        assert.equal(record.isEncrypted, d.version !== '3.1')
        assert.equal(record.framing, d.version === '3.1' ? '55aa-plain' : d.version === '3.5' ? '6699-gcm' : '55aa-ecb')
      }
      assert.equal(discovery.get(silent.id)!.localPort, replies)
      assert.equal(discovery.get(silent.id)!.json['lan_cap'], 5030)
    } finally {
      await Promise.all(devices.map((d) => d.close()))
      await discovery.close()
    }
  })

  it('findDevice opens, waits for the beacon and closes', async () => {
    const port = await freePort()
    const device = await createMockDevice({ version: '3.3', beacon: { address: '127.0.0.1', port, intervalMs: 100 } })
    try {
      const found = await findDevice(device.id, { bindAddress: '127.0.0.1', ports: { plaintext: false, encrypted: port, replies: false }, timeoutMs: 3000 })
      assert.equal(found.id, device.id)
      assert.equal(found.version, '3.3')
      assert.equal(found.ip, '127.0.0.1')
    } finally {
      await device.close()
    }
  })

  it('scan() and discover() open, listen and close by themselves', async () => {
    const port = await freePort()
    const devices = [
      await createMockDevice({ version: '3.4', beacon: { address: '127.0.0.1', port, intervalMs: 50 } }),
      await createMockDevice({ version: '3.5', beacon: { address: '127.0.0.1', port, intervalMs: 50, solicitationPort: false } }),
    ]
    const setup = { bindAddress: '127.0.0.1', ports: { plaintext: false, encrypted: port, replies: false } } as const
    try {
      const found = await scan({ ...setup, ids: devices.map((d) => d.id), timeoutMs: 3000 })
      assert.deepEqual(found.map((d) => d.version).sort(), ['3.4', '3.5'])
      const controller = new AbortController()
      const seen: string[] = []
      for await (const { change, device } of discover({ ...setup, signal: controller.signal })) {
        seen.push(`${change} ${device.version}`)
        if (seen.length === 2) controller.abort()
      }
      assert.deepEqual(seen.sort(), ['new 3.4', 'new 3.5'])
      // The sockets were closed: the port can be held exclusively again.
      await closeSocket(await bindExclusive(port))
    } finally {
      await Promise.all(devices.map((d) => d.close()))
    }
  })
})
