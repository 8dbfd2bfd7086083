/**
 * Which device a command talks to: `--host --port --id --key --version --cid`, or a name or
 * id from devices.json (flags override the file). A gateway child resolves to its gateway
 * plus `cid`; an entry without an address is looked up by its UDP beacon (@tuya/discovery
 * `findDevice`, passive unless `--broadcast`). Shared by `tuya get`, `set` and `watch`.
 */
import type { DeviceOptions } from '@tuya/client'
import { isProtocolVersion, type ProtocolVersion } from '@tuya/codec'
import { DeviceNotFoundError, findDevice as findByBeacon, type DiscoveryOptions } from '@tuya/discovery'
import { UsageError, type CommandIo, type FlagSpec, type ParsedArgs } from './args.ts'
import { DEVICES_FLAG, findDevice, VERSION_CHOICES, IncompleteDeviceError, loadDevices, resolveDevice, UnknownDeviceError, type DeviceEntry, type ResolvedDevice } from './devices-file.ts'
import { DEBUG_FLAG, type FrameDebug } from './debug-frames.ts'
import { DISCOVERY_FLAGS, discoveryOptions, discoveryUsageError, describeBindError } from './discovery-flags.ts'
import { startProgress, type TerminalDeps } from './terminal.ts'

/** Default `--timeout`, in seconds. */
export const DEFAULT_TIMEOUT_S = 10

/** The flags of every command that talks to one device. */
export const TARGET_FLAGS: readonly FlagSpec[] = [
  { name: 'host', type: 'string', valueName: 'ADDR', description: "the device's IP address", defaultText: 'devices.json "ip", else found by its beacon (lookup flags below)' },
  { name: 'port', type: 'number', valueName: 'PORT', description: 'TCP port', defaultText: '6668' },
  { name: 'id', type: 'string', valueName: 'ID', description: 'the device id (a gateway id with --cid)' },
  { name: 'key', type: 'string', valueName: 'KEY', description: 'the 16-character local key', defaultText: 'devices.json "key"' },
  { name: 'version', type: 'string', valueName: '3.x', description: 'protocol version 3.1-3.5, or auto to detect it', defaultText: 'devices.json "version", else auto' },
  { name: 'cid', type: 'string', valueName: 'CID', description: 'address this sub-device (node id) of the gateway --id' },
  DEVICES_FLAG,
  { name: 'timeout', type: 'number', valueName: 'S', description: 'give up after S seconds (also the wait for a beacon)', defaultText: String(DEFAULT_TIMEOUT_S) },
  { name: 'json', type: 'boolean', description: 'JSON on stdout: {"dps":{...}} (get, set), one event per line (watch)' },
  { name: 'no-color', type: 'boolean', description: 'no colours (also NO_COLOR=1; colours only on a terminal anyway)' },
  DEBUG_FLAG,
  ...DISCOVERY_FLAGS.map((f) => ({ ...f, description: `lookup: ${f.description}` })),
]

/** Everything needed to open a device handle, plus how to name it in messages. */
export interface DeviceTarget {
  /** How messages name the device: its devices.json name, or its id. */
  readonly label: string
  /** The id to connect with (the gateway's id for a sub-device). */
  readonly id: string
  /** The sub-device addressed through the gateway, if any. */
  readonly cid?: string
  readonly host: string
  readonly port: number
  readonly version: ProtocolVersion | 'auto'
  readonly key: string
  readonly timeoutMs: number
  /** DP id -> code from devices.json's `mapping` (tinytuya), for nicer output and `set code=value`. */
  readonly mapping: Readonly<Record<string, string>>
  /** Where the address came from: `flag`, `devices.json` or `beacon`. */
  readonly hostSource: 'flag' | 'devices.json' | 'beacon'
}

/** Context of {@link resolveTarget}. */
export interface TargetContext {
  readonly io: CommandIo
  readonly terminal: TerminalDeps
  /** Command name for the messages (`tuya get`). */
  readonly program: string
}

/**
 * Reads `--timeout S` as milliseconds.
 * @param args - the parsed command line
 * @param allowZero - 0 means "no limit" (scan)
 * @throws UsageError for a negative or zero value
 */
export function timeoutMsOf(args: ParsedArgs, allowZero = false): number {
  const raw = args.values['timeout']
  if (raw === undefined) return DEFAULT_TIMEOUT_S * 1000
  const seconds = raw as number
  if (seconds < 0 || (seconds === 0 && !allowZero) || seconds > 86_400) throw new UsageError(`--timeout must be a number of seconds ${allowZero ? 'from 0' : 'above 0'} up to 86400, got ${seconds}`)
  return Math.round(seconds * 1000)
}

function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name]
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} needs a non-empty value`)
  return value.trim()
}

function portFlag(args: ParsedArgs): number | undefined {
  const port = args.values['port']
  if (port === undefined) return undefined
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) throw new UsageError(`--port must be an integer from 1 to 65535, got ${String(port)}`)
  return port as number
}

function versionFlag(args: ParsedArgs): ProtocolVersion | 'auto' | undefined {
  const version = stringFlag(args, 'version')
  if (version === undefined || version === 'auto' || isProtocolVersion(version)) return version
  throw new UsageError(`--version must be ${VERSION_CHOICES}, got '${version}'`)
}

function checkKey(key: string, where: string): string {
  if (key.length !== 16) throw new IncompleteDeviceError(`${where} is ${key.length} characters long; a local key has 16 (copy it again from the tinytuya wizard or the Tuya IoT platform)`)
  return key
}

/** DP id -> code from a tinytuya `mapping` object ({ "1": { "code": "switch_led", ... } }). */
function mappingOf(entry: DeviceEntry | undefined): Record<string, string> {
  const raw = entry?.raw['mapping']
  const out: Record<string, string> = {}
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return out
  for (const [dp, spec] of Object.entries(raw as Record<string, unknown>)) {
    const code = (spec as { code?: unknown } | null)?.code
    if (typeof code === 'string' && code !== '') out[dp] = code
  }
  return out
}

interface Lookup {
  readonly resolved?: ResolvedDevice
  readonly entry?: DeviceEntry
}

async function lookUp(nameOrId: string | undefined, args: ParsedArgs, ctx: TargetContext): Promise<Lookup> {
  const file = stringFlag(args, 'devices')
  const id = stringFlag(args, 'id')
  if (nameOrId !== undefined) {
    const devices = await loadDevices(file, { env: ctx.terminal.env })
    return { resolved: resolveDevice(nameOrId, devices), entry: findDevice(nameOrId, devices) }
  }
  // Flags only: devices.json may still supply a missing key or address for --id.
  if (id === undefined || (args.values['key'] !== undefined && args.values['host'] !== undefined)) return {}
  const devices = await loadDevices(file, { env: ctx.terminal.env, isRequired: file !== undefined })
  if (devices.length === 0) return {}
  try {
    return { resolved: resolveDevice(id, devices), entry: findDevice(id, devices) }
  } catch (error) {
    if (error instanceof UnknownDeviceError) return {}
    throw error
  }
}

/**
 * Turns the command line into a device to talk to.
 * @param nameOrId - the device argument (a devices.json name or id), if any
 * @param args - the parsed command line (TARGET_FLAGS)
 * @param ctx - io (for the beacon-lookup progress line), terminal, program name
 * @returns the target
 * @throws UsageError for bad or missing flags; devices.json errors; a one-line Error when no beacon came
 */
export async function resolveTarget(nameOrId: string | undefined, args: ParsedArgs, ctx: TargetContext): Promise<DeviceTarget> {
  const timeoutMs = timeoutMsOf(args)
  const flagHost = stringFlag(args, 'host')
  const flagPort = portFlag(args)
  const flagKey = stringFlag(args, 'key')
  const flagVersion = versionFlag(args)
  const flagCid = stringFlag(args, 'cid')
  const flagId = stringFlag(args, 'id')
  if (flagKey !== undefined && flagKey.length !== 16) throw new UsageError(`--key must be the 16-character local key, got ${flagKey.length} characters`)
  if (nameOrId !== undefined && flagId !== undefined) throw new UsageError(`give a device name or --id, not both ('${nameOrId}' and --id ${flagId})`)
  if (nameOrId === undefined && flagId === undefined) throw new UsageError('name a device from devices.json (such as "Living room lamp"), or pass --host, --id and --key')
  const discovery = discoveryOptions(args)
  const { resolved, entry } = await lookUp(nameOrId, args, ctx)
  const id = flagId !== undefined && resolved === undefined ? flagId : (resolved!.gatewayId ?? resolved!.id)
  const keyText = flagKey ?? resolved?.key
  if (keyText === undefined) throw new UsageError(`--key is required: ${flagId} is not in a devices.json with its local key`)
  const label = resolved === undefined ? id : `"${resolved.name}"`
  const key = flagKey ?? checkKey(keyText, `the local key of ${label} in devices.json`)
  const cid = flagCid ?? resolved?.cid
  let host = flagHost ?? resolved?.ip
  let hostSource: DeviceTarget['hostSource'] = flagHost !== undefined ? 'flag' : 'devices.json'
  let beaconVersion: ProtocolVersion | undefined
  if (host === undefined) {
    const found = await findAddress(id, label, timeoutMs, discovery, ctx)
    host = found.ip
    beaconVersion = found.version
    hostSource = 'beacon'
  }
  return {
    label,
    id,
    host,
    port: flagPort ?? 6668,
    version: flagVersion ?? resolved?.version ?? beaconVersion ?? 'auto',
    key,
    timeoutMs,
    mapping: mappingOf(entry),
    hostSource,
    ...(cid === undefined ? {} : { cid }),
  }
}

async function findAddress(id: string, label: string, timeoutMs: number, discovery: DiscoveryOptions, ctx: TargetContext): Promise<{ ip: string; version?: ProtocolVersion }> {
  const seconds = timeoutMs / 1000
  const how = discovery.solicit === undefined ? 'listening for its UDP beacon; nothing is sent' : `listening for its UDP beacon and asking 3.5 devices at ${discovery.solicit.address}`
  const progress = startProgress(ctx.io.err, `${ctx.program}: no address for ${label}: looking for it on the network (${how}, up to ${seconds} s)`, { isLive: ctx.terminal.isStderrTty(), isAnnounced: true, columns: ctx.terminal.columns?.() })
  try {
    const found = await findByBeacon(id, { ...discovery, timeoutMs, signal: ctx.io.signal })
    return { ip: found.ip, ...(found.version === undefined ? {} : { version: found.version }) }
  } catch (error) {
    if (error instanceof DeviceNotFoundError) {
      const hint = discovery.solicit === undefined ? '; 3.5 devices stay silent unless asked: add --broadcast with your subnet\'s broadcast address' : ''
      throw new Error(`no beacon from ${label} (${id}) within ${seconds} s: add its "ip" to devices.json or pass --host${hint}`, { cause: error })
    }
    const bind = describeBindError(error)
    if (bind !== undefined) throw new Error(bind, { cause: error })
    throw discoveryUsageError(error) ?? error
  } finally {
    progress.stop()
  }
}

/**
 * The `createDevice` options of a target: deadlines from `--timeout`. A connection attempt
 * gets at most 5 s of it (so a retry fits in), and always ends a little before the deadline,
 * so its verdict (a wrong key, say) is known when the command gives up.
 * @param target - the resolved target
 * @param debug - `--debug`'s frame reporter, if on: it taps the connection and takes the notes
 * @returns options for `createDevice`
 */
export function deviceOptions(target: DeviceTarget, debug?: FrameDebug): DeviceOptions {
  return {
    ...debug?.deviceOptions({ peer: target.cid === undefined ? target.id : `${target.id}/${target.cid}`, key: target.key, version: target.version }),
    id: target.id,
    key: target.key,
    host: target.host,
    port: target.port,
    version: target.version,
    timeoutMs: target.timeoutMs,
    connectTimeoutMs: Math.min(5000, Math.max(100, target.timeoutMs - 100)),
    ...(target.cid === undefined ? {} : { cid: target.cid }),
  }
}

/**
 * How the device is named in headers: label, id, sub-device and address.
 * @param target - the target
 * @returns e.g. `"Door sensor" (sub-device a4c1… of bf33…gw at 192.168.1.60:6668)`
 */
export function describeTarget(target: DeviceTarget): string {
  const where = `${target.host}:${target.port}`
  if (target.cid !== undefined) {
    const child = `sub-device ${target.cid} of gateway ${target.id} at ${where}`
    return target.label === target.id ? child : `${target.label} (${child})`
  }
  return target.label === target.id ? `${target.id} at ${where}` : `${target.label} (${target.id} at ${where})`
}

/**
 * {@link resolveTarget}, where Ctrl-C during the beacon lookup is a clean stop, not a failure.
 * @param stoppedCode - the exit code of an interrupted command (130 for get/set, 0 for watch)
 * @returns the target, or the exit code after printing `stopped`
 */
export async function resolveTargetOrStop(nameOrId: string | undefined, args: ParsedArgs, ctx: TargetContext, stoppedCode: number): Promise<DeviceTarget | number> {
  try {
    return await resolveTarget(nameOrId, args, ctx)
  } catch (error) {
    if (!ctx.io.signal.aborted) throw error
    ctx.io.err(`${ctx.program}: stopped`)
    return stoppedCode
  }
}
