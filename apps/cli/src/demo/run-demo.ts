/**
 * The narrated demo: simulated devices on loopback, found by @tuya/discovery, driven by
 * @tuya/client. Each step prints what happened; the output is the same on Node, Bun and Deno
 * (no ports or timings unless `isVerbose`).
 */
import { createDevice, type TuyaDevice } from '@tuya/client'
import { VERSION_FACTS, type Dps, type ProtocolVersion } from '@tuya/codec'
import { createDiscovery } from '@tuya/discovery'
import { painter, type Paint } from '../style.ts'
import { runBridgeStep } from './bridge-step.ts'
import { CHILDREN, freeUdpPort, startDemoDevices, type DemoDevice } from './devices.ts'

/** Options of {@link runDemo}. */
export interface DemoOptions {
  out(line: string): void
  readonly isColor: boolean
  readonly isVerbose: boolean
  readonly signal: AbortSignal
}

/** What the demo counted. */
export interface DemoSummary {
  discovered: number
  connected: number
  commands: number
  pushes: number
  reconnects: number
  lost: number
}

const BEACON_INTERVAL_MS = 500
const json = (value: unknown): string => JSON.stringify(value)

/**
 * Runs the demo to its summary.
 * @returns the counters (the command prints them)
 * @throws whatever stops a step (the command turns it into one line and exit code 1)
 */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const paint = painter(options.isColor)
  const say = new Narrator(options.out, paint)
  const summary: DemoSummary = { discovered: 0, connected: 0, commands: 0, pushes: 0, reconnects: 0, lost: 0 }
  const started = Date.now()
  say.title('Tuya LAN demo: four simulated devices on 127.0.0.1, driven by the real packages')

  say.step(1, 'Start simulated devices', '@tuya/mock')
  const ports = { beacons: await freeUdpPort(), replies: await freeUdpPort() }
  const devices = await startDemoDevices(ports, BEACON_INTERVAL_MS)
  const handles: TuyaDevice[] = []
  try {
    for (const d of devices) say.ok(`${d.label.padEnd(17)} protocol ${d.version}  ${describeRole(d)}`, options.isVerbose ? `tcp ${d.mock.port}` : undefined)

    say.step(2, 'Find them on the network', '@tuya/discovery')
    const bulb = byRole(devices, 'bulb')
    await using discovery = await createDiscovery({
      bindAddress: '127.0.0.1',
      ports: { plaintext: false, encrypted: ports.beacons, replies: ports.replies },
      solicit: { address: '127.0.0.1', port: bulb.mock.solicitationPort!, ip: '127.0.0.1', intervalMs: 1000 },
      signal: options.signal,
    })
    say.info('listening for beacons, and soliciting 3.5 devices (which stay silent until asked)')
    const found = await discovery.scan({ ids: devices.map((d) => d.id), timeoutMs: 15_000, signal: options.signal })
    const order = new Map(devices.map((d, i) => [d.id, i]))
    found.sort((a, b) => order.get(a.id)! - order.get(b.id)!)
    for (const f of found) {
      const how = f.localPort === ports.replies ? 'answered the solicitation' : `${f.isEncrypted ? 'encrypted' : 'plain'} beacon`
      say.ok(`${f.id}  ${f.ip}  protocol ${f.version ?? '?'}  (${how})`)
    }
    summary.discovered = found.length
    say.info(`${found.length} of ${devices.length} devices found`, options.isVerbose ? `${Date.now() - started} ms` : undefined)

    say.step(3, 'Connect, negotiate, read status', '@tuya/client')
    for (const d of devices) {
      const seen = found.find((f) => f.id === d.id)
      const handle = createDevice({
        id: d.id,
        key: d.key,
        host: seen?.ip ?? '127.0.0.1',
        port: d.mock.port,
        version: seen?.version ?? 'auto',
        isGateway: d.role === 'gateway',
        reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
      })
      handles.push(handle)
      handle.addEventListener('connected', (e) => {
        if (e.detail.isReconnect) summary.reconnects++
      })
      handle.addEventListener('dps', (e) => {
        if (e.detail.source === 'push') summary.pushes++
      })
      const link = await handle.connect({ signal: options.signal })
      summary.connected++
      const state = await handle.status({ signal: options.signal })
      summary.commands++
      const how = handshakeText(link.version)
      say.ok(`${d.label.padEnd(17)} connected, ${how}`)
      if (handle.isDevice22) say.sub('the device refused the normal status query: switched to the device22 dialect')
      say.sub(`status ${json(state)}`)
      if (d.role === 'gateway') {
        for (const cid of Object.keys(CHILDREN)) {
          const child = await handle.subdevice(cid).status({ signal: options.signal })
          summary.commands++
          say.sub(`child ${cid} ${json(child)} (same connection)`)
        }
      }
    }

    say.step(4, 'Control', '@tuya/client')
    const [plug, light, , gateway] = handles as [TuyaDevice, TuyaDevice, TuyaDevice, TuyaDevice]
    await control(say, summary, 'plug', plug, { '1': true }, options.signal)
    await control(say, summary, 'bulb', light, { '20': true, '22': 800 }, options.signal)
    await control(say, summary, 'gateway child a4c1380f4cd8e7b2', gateway.subdevice('a4c1380f4cd8e7b2'), { '1': true }, options.signal)

    say.step(5, "Someone presses the plug's button", 'pushes')
    const plugMock = byRole(devices, 'plug').mock
    const pushed = nextPush(plug, options.signal)
    plugMock.setDps({ '1': false })
    const push = await pushed
    say.ok(`push ${json(push)}, state now ${json(plug.state)}`)

    say.step(6, 'The bulb restarts while a command is on its way', 'reconnect')
    const bulbMock = bulb.mock
    const back = nextEvent(light, 'connected', options.signal)
    const restart = bulbMock.restart({ downtimeMs: 300 })
    await nextEvent(light, 'disconnected', options.signal)
    say.warn('connection lost (the simulated device closed it)')
    const reply = await light.set({ '21': 'colour' }, { signal: options.signal, timeoutMs: 10_000 })
    summary.commands++
    await Promise.all([back, restart])
    say.ok(`reconnected with a new session key; the command sent while offline was delivered: ${json(reply)}`)
    const received = bulbMock.getDps()
    if (received?.['21'] !== 'colour') summary.lost++
    say.sub(`the device's own state: ${json(received)}`)
  } finally {
    await Promise.allSettled(handles.map((h) => h.close()))
    await Promise.allSettled(devices.map((d) => d.mock.close()))
  }

  if (!(await runBridgeStep(say, 7, options.signal))) summary.lost++

  say.step(8, 'Summary', undefined)
  say.info(`${summary.discovered} devices discovered, ${summary.connected} connected, ${summary.commands} commands answered, ${summary.pushes} pushes received, ${summary.reconnects} reconnect, ${summary.lost} commands lost`)
  if (options.isVerbose) say.info(`done in ${Date.now() - started} ms`)
  return summary
}

async function control(say: Narrator, summary: DemoSummary, what: string, device: TuyaDevice, dps: Dps, signal: AbortSignal): Promise<void> {
  const reported = await device.set(dps, { signal })
  summary.commands++
  say.ok(`${what}: set ${json(dps)}, the device reported ${json(reported)}`)
}

function nextPush(device: TuyaDevice, signal: AbortSignal): Promise<Dps> {
  return new Promise((resolve, reject) => {
    const onDps = (e: CustomEvent<{ dps: Dps; source: string }>): void => {
      if (e.detail.source !== 'push') return
      device.removeEventListener('dps', onDps as never)
      resolve(e.detail.dps)
    }
    device.addEventListener('dps', onDps as never)
    signal.addEventListener('abort', () => reject(signal.reason), { once: true })
  })
}

function nextEvent(device: TuyaDevice, type: 'connected' | 'disconnected', signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    device.addEventListener(type, () => resolve(), { once: true })
    signal.addEventListener('abort', () => reject(signal.reason), { once: true })
  })
}

function byRole(devices: readonly DemoDevice[], role: DemoDevice['role']): DemoDevice {
  return devices.find((d) => d.role === role)!
}

function describeRole(d: DemoDevice): string {
  if (d.role === 'bulb') return 'silent until solicited'
  if (d.role === 'dev22') return 'device22 dialect'
  if (d.role === 'gateway') return `gateway with ${Object.keys(CHILDREN).length} sub-devices`
  return 'beacons every 0.5 s'
}

const FRAME_INTEGRITY = { crc: 'CRC32', hmac: 'HMAC-SHA256', gcm: 'AES-GCM' } as const

function handshakeText(version: ProtocolVersion): string {
  const { hasHandshake, integrity } = VERSION_FACTS[version]
  return hasHandshake ? `protocol ${version}, session key negotiated (${FRAME_INTEGRITY[integrity]} frames)` : `protocol ${version} (local key, no handshake)`
}

class Narrator {
  readonly #out: (line: string) => void
  readonly #paint: Paint

  constructor(out: (line: string) => void, paint: Paint) {
    this.#out = out
    this.#paint = paint
  }

  title(text: string): void {
    this.#out(this.#paint('bold', text))
  }

  step(n: number, text: string, source: string | undefined): void {
    this.#out('')
    this.#out(`${this.#paint('bold', `${n}. ${text}`)}${source ? this.#paint('dim', `  (${source})`) : ''}`)
  }

  ok(text: string, extra?: string): void {
    this.#out(`   ${this.#paint('green', '✓')} ${text}${extra ? this.#paint('dim', `  ${extra}`) : ''}`)
  }

  warn(text: string): void {
    this.#out(`   ${this.#paint('yellow', '!')} ${text}`)
  }

  info(text: string, extra?: string): void {
    this.#out(`   ${text}${extra ? this.#paint('dim', `  ${extra}`) : ''}`)
  }

  sub(text: string): void {
    this.#out(`     ${this.#paint('dim', text)}`)
  }
}
