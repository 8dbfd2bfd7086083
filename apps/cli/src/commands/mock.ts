/**
 * `tuya mock`: runs a simulated Tuya device (@tuya/mock) until SIGINT/SIGTERM. The bound TCP
 * port is the first line of stdout; everything else is logged to stderr, one line per event.
 */
import { createMockDevice, DEFAULT_VERSION, type MockDevice, type MockDeviceOptions } from '@tuya/mock'
import { PROTOCOL_VERSIONS, VERSION_FACTS, type Dps, type ProtocolVersion } from '@tuya/codec'
import { UsageError, type Command, type CommandIo, type FlagSpec, type ParsedArgs } from '../args.ts'

const VERSIONS: readonly ProtocolVersion[] = PROTOCOL_VERSIONS

const FLAGS: readonly FlagSpec[] = [
  { name: 'version', type: 'string', valueName: '3.x', description: 'protocol version: 3.1, 3.2, 3.3, 3.4 or 3.5', defaultText: DEFAULT_VERSION },
  { name: 'local-key', type: 'string', valueName: 'KEY', description: 'the 16-character local key (required)' },
  { name: 'id', type: 'string', valueName: 'ID', description: 'the device id, gwId (required)' },
  { name: 'host', type: 'string', valueName: 'ADDR', description: 'address to listen on', defaultText: '127.0.0.1' },
  { name: 'port', type: 'number', valueName: 'PORT', description: 'TCP port; 0 = any free port', defaultText: '6668' },
  { name: 'dps', type: 'string', valueName: 'JSON', description: 'initial data points', defaultText: '{"1":false}' },
  { name: 'dev22', type: 'boolean', description: 'speak the device22 dialect (3.2-3.4)' },
  { name: 'gateway', type: 'boolean', description: 'act as a gateway with one sub-device a4c1380f4cd8e7b2' },
  { name: 'subdevices', type: 'string', valueName: 'JSON', description: 'gateway sub-devices: {"<cid>":{"1":true},...} (implies --gateway)' },
  { name: 'max-connections', type: 'number', valueName: 'N', description: 'simultaneous clients', defaultText: '1' },
  { name: 'on-extra', type: 'string', valueName: 'POLICY', description: 'extra client: replace, refuse or reset', defaultText: 'replace' },
  { name: 'idle-timeout', type: 'number', valueName: 'MS', description: 'close a silent connection after MS; 0 = never', defaultText: '30000' },
  { name: 'beacon', type: 'boolean', description: 'send UDP discovery beacons (3.5: also answer solicitations on UDP 7000)' },
  { name: 'beacon-address', type: 'string', valueName: 'ADDR', description: 'where beacons go (never a broadcast address unless given)', defaultText: '127.0.0.1' },
  { name: 'beacon-port', type: 'number', valueName: 'PORT', description: 'beacon destination port', defaultText: '6666 (3.1) or 6667' },
  { name: 'beacon-interval', type: 'number', valueName: 'MS', description: 'time between beacons', defaultText: '5000' },
]

function parseJsonObject(raw: string, flag: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    throw new UsageError(`--${flag} must be JSON, such as '{"1":true,"2":50}'`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`--${flag} must be a JSON object`)
  return value as Record<string, unknown>
}

/** Turns flags into device options; every problem is a one-line UsageError naming the flag. */
export function mockOptions(args: ParsedArgs): MockDeviceOptions {
  const v = args.values
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'`)
  const version = (v.version ?? DEFAULT_VERSION) as ProtocolVersion
  if (!VERSIONS.includes(version)) throw new UsageError(`--version must be one of ${VERSIONS.join(', ')}, got '${String(v.version)}'`)
  const key = v['local-key']
  if (typeof key !== 'string') throw new UsageError('--local-key is required (the 16-character local key of the device)')
  if (key.length !== 16) throw new UsageError(`--local-key must be 16 characters, got ${key.length}`)
  const id = v.id
  if (typeof id !== 'string' || id.length === 0) throw new UsageError('--id is required (the device id)')
  if (v.dev22 === true && VERSION_FACTS[version].device22 === 'never') throw new UsageError(`--dev22 is not supported on version ${version}: the device22 dialect exists on 3.2-3.4`)
  const port = v.port ?? 6668
  if (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got ${String(port)}`)
  const policy = v['on-extra'] ?? 'replace'
  if (policy !== 'replace' && policy !== 'refuse' && policy !== 'reset') throw new UsageError(`--on-extra must be replace, refuse or reset, got '${String(policy)}'`)
  const options: MockDeviceOptions = { version, localKey: key, id, host: (v.host as string | undefined) ?? '127.0.0.1', port: port as number, onExtraConnection: policy }
  if (v.dps !== undefined) options.dps = parseJsonObject(v.dps as string, 'dps') as Dps
  if (v.dev22 === true) options.dev22 = true
  if (v.subdevices !== undefined) options.gateway = parseJsonObject(v.subdevices as string, 'subdevices') as Record<string, Dps>
  else if (v.gateway === true) options.gateway = true
  if (v['max-connections'] !== undefined) options.maxConnections = v['max-connections'] as number
  if (v['idle-timeout'] !== undefined) options.idleTimeoutMs = v['idle-timeout'] as number
  if (v.beacon === true) {
    options.beacon = {
      ...(v['beacon-address'] === undefined ? {} : { address: v['beacon-address'] as string }),
      ...(v['beacon-port'] === undefined ? {} : { port: v['beacon-port'] as number }),
      ...(v['beacon-interval'] === undefined ? {} : { intervalMs: v['beacon-interval'] as number }),
    }
    checkBeaconReachable(options.host ?? '127.0.0.1', v['beacon-address'] as string | undefined)
  } else if (v['beacon-address'] !== undefined || v['beacon-port'] !== undefined || v['beacon-interval'] !== undefined) {
    throw new UsageError('--beacon-address, --beacon-port and --beacon-interval need --beacon')
  }
  return options
}

function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127\.\d+\.\d+\.\d+$/.test(address)
}

/**
 * The beacon socket is bound to `--host`: bound to loopback, it cannot reach another network,
 * and the datagrams would vanish without an error. Refuse at start instead.
 */
function checkBeaconReachable(host: string, beaconAddress: string | undefined): void {
  if (beaconAddress === undefined || !isLoopback(host) || isLoopback(beaconAddress)) return
  throw new UsageError(`--beacon-address ${beaconAddress} cannot be reached from --host ${host} (the beacons leave from the listening address, which is loopback): add --host 0.0.0.0, or this machine's address on that network`)
}

function short(json: unknown): string {
  const text = JSON.stringify(json) ?? ''
  return text.length > 200 ? `${text.slice(0, 197)}...` : text
}

function attachLog(mock: MockDevice, io: CommandIo): void {
  mock.addEventListener('connection', (e) => io.err(`#${e.detail.connectionId} connected from ${e.detail.remoteAddress}:${e.detail.remotePort}`))
  mock.addEventListener('handshake', (e) => io.err(`#${e.detail.connectionId} session key negotiated`))
  mock.addEventListener('command', (e) => {
    const d = e.detail
    io.err(`#${d.connectionId} ${d.name} seq=${d.seq}${d.json === undefined ? '' : ` ${short(d.json)}`}`)
  })
  mock.addEventListener('dropped', (e) => io.err(`#${e.detail.connectionId} ignored a frame: ${e.detail.reason}`))
  mock.addEventListener('close', (e) => io.err(`#${e.detail.connectionId} closed (${e.detail.reason})`))
  mock.addEventListener('solicitation', (e) => io.err(`answered a discovery request for ${e.detail.ip}:${e.detail.port}`))
}

async function run(args: ParsedArgs, io: CommandIo): Promise<number> {
  const options = mockOptions(args)
  let mock: MockDevice
  try {
    mock = await createMockDevice(options)
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) throw new UsageError(error.message)
    const code = (error as { code?: unknown }).code
    io.err(`tuya mock: cannot listen on ${options.host}:${options.port}: ${typeof code === 'string' ? code : (error as Error).message}`)
    return 1
  }
  io.out(String(mock.port))
  io.err(`tuya mock: protocol ${mock.version} device ${mock.id} listening on ${mock.host}:${mock.port}${options.dev22 === true || VERSION_FACTS[mock.version].device22 === 'always' ? ' (device22)' : ''}${options.gateway === undefined ? '' : ' (gateway)'}`)
  attachLog(mock, io)
  await new Promise<void>((resolve) => {
    if (io.signal.aborted) resolve()
    else io.signal.addEventListener('abort', () => resolve(), { once: true })
  })
  await mock.close()
  io.err('tuya mock: stopped')
  return 0
}

/** The `mock` command. */
export const mockCommand: Command = {
  name: 'mock',
  summary: 'run a simulated Tuya device (protocol 3.1-3.5, device22, gateway) until Ctrl-C; prints its TCP port first',
  usage: 'mock --local-key KEY --id ID [--version 3.x] [--port PORT] [--host ADDR] [--dps JSON] [--dev22] [--gateway] [--beacon [--beacon-address ADDR]]',
  flags: FLAGS,
  examples: [
    'tuya mock --version 3.4 --local-key 0123456789abcdef --id bf1234567890abcdefgh --port 0',
    `tuya mock --version 3.3 --local-key 0123456789abcdef --id bf1234567890abcdefgh --dps '{"1":true,"2":50}'`,
    'tuya mock --version 3.3 --dev22 --local-key 0123456789abcdef --id eb0123456789abcdefghij',
    'tuya mock --version 3.5 --gateway --local-key 0123456789abcdef --id bf1234567890abcdefgh --beacon',
  ],
  run,
}
