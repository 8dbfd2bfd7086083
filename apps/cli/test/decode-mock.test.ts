/**
 * End to end: a real TCP conversation between a client (made of @tuya/codec + @tuya/session
 * over node:net) and @tuya/mock on 127.0.0.1 — handshake, status, set, a push from
 * mock.setDps, a heartbeat — recorded from the mock's `frame` events, written by the test as
 * pcap and pcapng with synthesised Ethernet/IPv4/TCP headers (segments split mid-frame), then
 * decoded by decodeCapture and by the built CLI (`node dist/bin.js decode ... --json`).
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import * as net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { buildControlRequest, buildHeartbeatRequest, buildStatusRequest, decodeFrame, Deframer, encodeFrame, readFrameHeader, type KeyInput, type ProtocolVersion } from '@tuya/codec'
import { bytesToHex, utf8ToBytes } from '@tuya/crypto'
import { createMockDevice } from '@tuya/mock'
import { createSession } from '@tuya/session'
import { parseDevices } from '../src/devices-file.ts'
import { decodeCapture, type FrameRecord } from '../src/decode/index.ts'
import { TcpFlow, udpPacket, writePcap, writePcapng, type Packet } from './fixtures/pcap-writer.ts'

const KEY = '0123456789abcdef'
const ID = 'bf1234567890abcdefgh'
const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url))
const isNode = typeof (globalThis as { Bun?: unknown }).Bun === 'undefined' && typeof (globalThis as { Deno?: unknown }).Deno === 'undefined'
const NODE = isNode ? process.execPath : 'node'

let lastUs = 0
function nowUs(): number {
  lastUs = Math.max(lastUs + 1, Math.round((performance.timeOrigin + performance.now()) * 1000))
  return lastUs
}

/** A minimal client over node:net: frames in, frames out. */
class Client {
  private readonly socket: net.Socket
  private readonly deframer = new Deframer()
  private readonly queue: Uint8Array[] = []
  private waiter: (() => void) | undefined

  private constructor(socket: net.Socket) {
    this.socket = socket
    socket.on('data', (chunk: Uint8Array) => {
      this.queue.push(...this.deframer.push(chunk))
      this.waiter?.()
    })
  }

  static connect(port: number): Promise<Client> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port, noDelay: true }, () => resolve(new Client(socket)))
      socket.once('error', reject)
    })
  }

  get localPort(): number {
    return this.socket.localPort!
  }

  send(bytes: Uint8Array): void {
    this.socket.write(bytes)
  }

  /** The next frame with this cmd (others are skipped). */
  async next(cmd: number, timeoutMs = 5000): Promise<Uint8Array> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const index = this.queue.findIndex((f) => readFrameHeader(f).cmd === cmd)
      if (index !== -1) return this.queue.splice(index, 1)[0]!
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no frame with cmd ${cmd} within ${timeoutMs} ms`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiter = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve())
      this.socket.end()
      this.socket.destroy()
    })
  }
}

interface Recorded {
  frames: { from: 'client' | 'device'; bytes: Uint8Array; timeUs: number }[]
  beacons: { bytes: Uint8Array; timeUs: number }[]
  clientPort: number
  devicePort: number
  sessionKey?: Uint8Array
  /** What the client itself decoded from the device frames. */
  clientView: unknown[]
}

async function recordConversation(version: ProtocolVersion): Promise<Recorded> {
  const mock = await createMockDevice({ version, id: ID, localKey: KEY, dps: { '1': false, '2': 50 }, beacon: { intervalMs: 0, solicitationPort: false }, idleTimeoutMs: 0 })
  const recorded: Recorded = { frames: [], beacons: [], clientPort: 0, devicePort: mock.port, clientView: [] }
  mock.addEventListener('frame', (e) => recorded.frames.push({ from: e.detail.direction === 'in' ? 'client' : 'device', bytes: e.detail.bytes.slice(), timeUs: nowUs() }))
  mock.addEventListener('beacon', (e) => recorded.beacons.push({ bytes: e.detail.bytes.slice(), timeUs: nowUs() }))
  try {
    await mock.sendBeacon()
    const client = await Client.connect(mock.port)
    recorded.clientPort = client.localPort
    let key: KeyInput = KEY
    let seq = 1
    if (version === '3.4' || version === '3.5') {
      const session = createSession({ role: 'client', version, localKey: KEY })
      client.send(session.start().send[0]!)
      const resp = await client.next(4)
      client.send(session.receive(resp).send[0]!)
      key = recorded.sessionKey = session.sessionKey!
      seq = session.nextSeq
    }
    const view = (bytes: Uint8Array): void => {
      recorded.clientView.push(decodeFrame(bytes, { version, key, direction: 'fromDevice' }).json ?? null)
    }
    const ctx = { version, devId: ID, t: Math.floor(Date.now() / 1000) }
    const query = buildStatusRequest(ctx)
    client.send(encodeFrame({ version, key, seq: seq++, ...query }))
    view(await client.next(query.cmd))
    const control = buildControlRequest(ctx, { '1': true })
    client.send(encodeFrame({ version, key, seq: seq++, ...control }))
    view(await client.next(control.cmd))
    view(await client.next(8))
    mock.setDps({ '2': 75 })
    view(await client.next(8))
    const hb = buildHeartbeatRequest(ctx)
    client.send(encodeFrame({ version, key, seq: seq++, ...hb }))
    view(await client.next(hb.cmd))
    const closed = mock.waitFor('close', { timeoutMs: 5000 })
    await client.close()
    await closed
  } finally {
    await mock.close()
  }
  return recorded
}

function toPackets(r: Recorded, options: { isOpen?: boolean } = {}): Packet[] {
  const client = { ip: '127.0.0.1', port: r.clientPort }
  const device = { ip: '127.0.0.1', port: r.devicePort }
  const packets: Packet[] = r.beacons.map((b) => udpPacket(device, { ip: '127.0.0.1', port: 6667 }, b.bytes, b.timeUs))
  const flow = new TcpFlow(client, device)
  if (options.isOpen !== false) flow.open(r.frames[0]!.timeUs - 300)
  r.frames.forEach((f, i) => flow.send(f.from, f.bytes, f.timeUs, { splitAt: i % 2 === 0 ? [3, Math.floor(f.bytes.length / 2)] : [] }))
  flow.close(r.frames.at(-1)!.timeUs + 300)
  return [...packets, ...flow.packets]
}

function assertDecoded(records: readonly { kind: string }[], r: Recorded, version: ProtocolVersion): FrameRecord[] {
  const frames = records.filter((x): x is FrameRecord => x.kind === 'frame' && (x as FrameRecord).transport === 'tcp')
  assert.equal(frames.length, r.frames.length, 'every frame of the conversation')
  frames.forEach((f, i) => {
    assert.equal(f.error, undefined, `frame ${i} (${f.cmdName}): ${f.error?.message}`)
    assert.equal(f.version, version)
    assert.equal(f.direction, r.frames[i]!.from === 'client' ? 'toDevice' : 'fromDevice')
  })
  const fromDevice = frames.filter((f) => f.direction === 'fromDevice' && f.cmdName !== 'SESS_KEY_NEG_RESP').map((f) => f.json ?? null)
  assert.deepEqual(fromDevice, r.clientView, 'the decoder sees what the client saw')
  const pushes = frames.filter((f) => f.cmdName === 'STATUS').map((f) => JSON.stringify(f.json))
  assert.ok(pushes.some((p) => p.includes('"1":true')) && pushes.some((p) => p.includes('"2":75')), pushes.join('\n'))
  assert.ok(frames.some((f) => f.direction === 'toDevice' && f.text?.includes('"1":true') === true), 'the CONTROL request')
  return frames
}

const dir = mkdtempSync(join(tmpdir(), 'tuya-decode-mock-'))
after(() => rmSync(dir, { recursive: true, force: true }))

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  assert.ok(existsSync(BIN), `${BIN} is missing: run \`npm run build\` at the repository root first`)
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Uint8Array) => (stdout += new TextDecoder().decode(d)))
    child.stderr.on('data', (d: Uint8Array) => (stderr += new TextDecoder().decode(d)))
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('tuya decode on captures of real conversations with @tuya/mock', () => {
  for (const version of ['3.5', '3.4', '3.3'] as const) {
    it(`${version}: pcap and pcapng decode end to end`, { timeout: 30_000 }, async () => {
      const r = await recordConversation(version)
      const packets = toPackets(r)
      for (const bytes of [writePcap(packets), writePcapng(packets, { isNano: true })]) {
        const result = decodeCapture(bytes, { key: utf8ToBytes(KEY) })
        assertDecoded(result.records, r, version)
        const beacons = result.records.filter((x): x is FrameRecord => x.kind === 'frame' && x.transport === 'udp')
        assert.equal(beacons.length, 1)
        assert.equal((beacons[0]!.json as { gwId: string }).gwId, ID)
        if (version !== '3.3') {
          assert.ok(result.records.some((x) => x.kind === 'notice' && x.message.startsWith(`session key derived (${version}`)))
        }
      }
      writeFileSync(join(dir, `v${version}.pcap`), writePcap(packets))
      writeFileSync(join(dir, `v${version}.pcapng`), writePcapng(packets))
      if (r.sessionKey !== undefined) writeFileSync(join(dir, `v${version}.key`), bytesToHex(r.sessionKey))
      writeFileSync(join(dir, `v${version}.count`), String(r.frames.length))
    })
  }

  it('3.3: the key comes from devices.json by the id in the mock\'s beacon', { timeout: 30_000 }, async () => {
    const r = await recordConversation('3.3')
    const devices = parseDevices(JSON.stringify([{ id: 'bf0000000000000000aa', name: 'Other', key: 'zzzzzzzzzzzzzzzz', ip: '127.0.0.2' }, { id: ID, name: 'Mock plug', key: KEY }]))
    const result = decodeCapture(writePcap(toPackets(r)), { devices })
    assertDecoded(result.records, r, '3.3')
    assert.ok(result.records.some((x) => x.kind === 'notice' && /key: devices\.json "Mock plug" \(by id from a beacon\)/.test(x.message)))
  })

  it('3.5 without SYN: --device-port names the mock', { timeout: 30_000 }, async () => {
    const r = await recordConversation('3.5')
    const result = decodeCapture(writePcap(toPackets(r, { isOpen: false })), { key: utf8ToBytes(KEY), devicePort: r.devicePort })
    assertDecoded(result.records, r, '3.5')
  })

  it('the built CLI decodes the 3.5 capture end to end (--json, and --show-keys)', { timeout: 60_000 }, async () => {
    const file = join(dir, 'v3.5.pcap')
    if (!existsSync(file)) writeFileSync(file, writePcap(toPackets(await recordConversation('3.5'))))
    const count = existsSync(join(dir, 'v3.5.count')) ? Number(readFileSync(join(dir, 'v3.5.count'), 'utf8')) : undefined
    const json = await runCli(['decode', file, '--key', KEY, '--json'])
    assert.equal(json.code, 0, json.stderr)
    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    const tcp = lines.filter((l) => l['transport'] === 'tcp')
    if (count !== undefined) assert.equal(tcp.length, count)
    assert.ok(tcp.every((l) => l['error'] === null && l['version'] === '3.5'))
    assert.deepEqual(tcp.slice(0, 3).map((l) => l['cmdName']), ['SESS_KEY_NEG_START', 'SESS_KEY_NEG_RESP', 'SESS_KEY_NEG_FINISH'])
    assert.equal(tcp[1]!['sessionKeyDerived'], true)
    assert.equal(tcp[1]!['sessionKey'], undefined, 'no key without --show-keys')
    assert.ok(tcp.some((l) => l['cmdName'] === 'STATUS' && JSON.stringify(l['json']).includes('"2":75')))
    assert.match(json.stderr, /session key derived \(3\.5/)
    const human = await runCli(['decode', file, '--key', KEY, '--show-keys', '--utc'])
    assert.equal(human.code, 0, human.stderr)
    const keyHex = existsSync(join(dir, 'v3.5.key')) ? readFileSync(join(dir, 'v3.5.key'), 'utf8') : undefined
    if (keyHex !== undefined) assert.ok(human.stdout.includes(`session key derived (3.5, from the START and RESP nonces): ${keyHex}`), human.stdout)
    assert.match(human.stdout, /client→device {2}seq=1 {2}SESS_KEY_NEG_START {2}client nonce [0-9a-f]{32}/)
    assert.match(human.stdout, /device→client {2}seq=\d+ {2}STATUS {2}retcode=0 {2}\{.*"2":75/)
  })
})
