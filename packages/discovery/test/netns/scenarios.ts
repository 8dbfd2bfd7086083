/**
 * Runs INSIDE `shared/tools/netns-run` (a private network namespace: 10.203.0.1/24 on a veth
 * whose broadcasts never leave it), on the real ports 6666/6667/7000. Started by
 * ../netns.test.ts with the runtime under test; prints one line `NETNS_RESULT <json>`.
 * Refuses to run outside such a namespace (it broadcasts).
 */
import * as dgram from 'node:dgram'
import { networkInterfaces } from 'node:os'
import process from 'node:process'
import { createMockDevice, type MockDevice } from '@tuya/mock'
import { createDiscovery, DiscoveryBindError, type DiscoveredDevice, type Discovery } from '../../src/index.ts'

const SUBNET_BROADCAST = '10.203.0.255'
const HOST = '10.203.0.1'
const SOLICIT_PORT = 7001 // the silent 3.5 mock listens here, so its 0.0.0.0 socket does not share 7000 with the discoveries

function assertInNamespace(): void {
  const names = Object.keys(networkInterfaces())
  const hasVeth = names.includes('tv0') && Object.values(networkInterfaces()).flat().some((i) => i?.address === HOST)
  if (!hasVeth || names.some((n) => !['lo', 'tv0', 'tv1'].includes(n))) {
    console.error(`scenarios.ts must run inside netns-run (interfaces here: ${names.join(', ')}); refusing to broadcast`)
    process.exit(2)
  }
}

function openSocket(port: number, address: string, isExclusive = false): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: !isExclusive })
  return new Promise((resolve, reject) => {
    socket.once('error', reject)
    socket.bind({ port, address }, () => {
      socket.off('error', reject)
      resolve(socket)
    })
  })
}

const close = (socket: dgram.Socket) => new Promise<void>((resolve) => socket.close(() => resolve()))
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function summary(d: DiscoveredDevice) {
  return { id: d.id, version: d.version, ip: d.ip, source: d.source.address, hasIpMismatch: d.hasIpMismatch, framing: d.framing, localPort: d.localPort, isEncrypted: d.isEncrypted }
}

/** Every version beaconing by broadcast, a NAT'd one, a silent 3.5 one; two discoveries side by side. */
async function versions() {
  const devices: MockDevice[] = []
  const discoveries: Discovery[] = []
  const sniffer = await openSocket(SOLICIT_PORT, '0.0.0.0')
  let sniffed = 0
  sniffer.on('message', () => sniffed++)
  try {
    const beacon = (address: string) => ({ address, intervalMs: 300, solicitationPort: false as const })
    for (const version of ['3.1', '3.2', '3.3', '3.4', '3.5'] as const) {
      devices.push(await createMockDevice({ version, host: HOST, beacon: { ...beacon(version === '3.4' ? '255.255.255.255' : SUBNET_BROADCAST), ip: HOST } }))
    }
    const natted = await createMockDevice({ version: '3.3', host: HOST, beacon: { ...beacon(SUBNET_BROADCAST), ip: '192.168.1.50' } })
    const silent = await createMockDevice({ version: '3.5', host: '0.0.0.0', beacon: { intervalMs: 0, ip: HOST, solicitationPort: SOLICIT_PORT, replyPort: 7000 } })
    devices.push(natted, silent)
    let solicitationsSeenBySilent = 0
    silent.addEventListener('solicitation', () => solicitationsSeenBySilent++)

    // B: no solicit option, so no traffic; it leaves 7000 to A (a unicast answer reaches one socket only).
    const b = await createDiscovery({ ports: { replies: false } })
    discoveries.push(b)
    await sleep(700)
    const sniffedWithoutSolicit = sniffed
    const a = await createDiscovery({ solicit: { address: SUBNET_BROADCAST, port: SOLICIT_PORT, intervalMs: 1000 } })
    discoveries.push(a)
    const ids = devices.map((d) => d.id)
    const beaconing = devices.filter((d) => d !== silent).map((d) => d.id)
    const started = Date.now()
    const [foundA, foundB] = await Promise.all([a.scan({ ids, timeoutMs: 5000 }), b.scan({ ids: beaconing, timeoutMs: 5000, includeKnown: true })])
    const elapsedMs = Date.now() - started
    return {
      ids,
      beaconing,
      silentId: silent.id,
      nattedId: natted.id,
      elapsedMs,
      a: { found: foundA.map(summary), stats: a.stats },
      b: { found: foundB.map(summary), stats: b.stats },
      sniffedWithoutSolicit,
      sniffedTotal: sniffed,
      solicitationsSeenBySilent,
    }
  } finally {
    await Promise.all(discoveries.map((d) => d.close()))
    await Promise.all(devices.map((d) => d.close()))
    await close(sniffer)
  }
}

/** A socket bound to 6667 without SO_REUSEADDR (as a careless tool would). */
async function heldPort() {
  const holder = await openSocket(6667, '0.0.0.0', true)
  try {
    const error = await createDiscovery().then(
      async (d) => {
        await d.close()
        return undefined
      },
      (e: unknown) => e,
    )
    // 6666 was bound before 6667 failed: it must be free again for an exclusive bind.
    const probe = await openSocket(6666, '0.0.0.0', true).then(async (s) => (await close(s), true), () => false)
    return {
      isBindError: error instanceof DiscoveryBindError,
      code: (error as DiscoveryBindError | undefined)?.code,
      port: (error as DiscoveryBindError | undefined)?.port,
      systemCode: (error as DiscoveryBindError | undefined)?.systemCode,
      message: (error as Error | undefined)?.message,
      released6666: probe,
    }
  } finally {
    await close(holder)
  }
}

/** Junk broadcast to every port, then a real beacon. */
async function junk() {
  const discovery = await createDiscovery()
  const sender = await openSocket(0, HOST)
  sender.setBroadcast(true)
  const device = await createMockDevice({ version: '3.3', host: HOST, beacon: { address: SUBNET_BROADCAST, intervalMs: 0, ip: HOST } })
  try {
    const datagrams = [new Uint8Array(0), new Uint8Array([0, 0, 0x55, 0xaa, 9, 9]), new TextEncoder().encode('not a beacon'), new Uint8Array(48).fill(7)]
    let sent = 0
    for (const port of [6666, 6667, 7000]) {
      for (const bytes of datagrams) {
        await new Promise<void>((resolve, reject) => sender.send(bytes, port, SUBNET_BROADCAST, (e) => (e ? reject(e) : resolve())))
        sent++
      }
    }
    await sleep(200)
    const found = discovery.find(device.id, { timeoutMs: 3000 })
    await device.sendBeacon()
    const record = await found
    return { sent, stats: discovery.stats, found: summary(record) }
  } finally {
    await device.close()
    await close(sender)
    await discovery.close()
  }
}

assertInNamespace()
const watchdog = setTimeout(() => {
  console.error('scenarios.ts: watchdog fired after 40 s')
  process.exit(4)
}, 40_000)
const g = globalThis as { Bun?: unknown; Deno?: unknown }
const runtime = g.Deno !== undefined ? 'deno' : g.Bun !== undefined ? 'bun' : 'node'
const result = { runtime, versions: await versions(), heldPort: await heldPort(), junk: await junk() }
clearTimeout(watchdog)
console.log(`NETNS_RESULT ${JSON.stringify(result)}`)
