/**
 * `devices.json`: the device list written by tinytuya's wizard (`python -m tinytuya wizard`), used
 * by every command to turn a device name or id into its id, local key, address and version.
 *
 * Format: a JSON array of objects with `id`, `name`, `key`, `ip` (or `last_ip`), `version`,
 * and for gateway children `node_id` plus `parent` (`parent_id`/`gateway_id` accepted) and
 * `sub: true`. Other fields (`mac`, `uuid`, `category`, `product_name`, `mapping`, ...) are kept
 * but not needed. `{ "devices": [...] }` (tinytuya's snapshot.json) is accepted too.
 *
 * Where it is read from: `--devices FILE`, else `$TUYA_DEVICES`, else `./devices.json`, else
 * `$XDG_CONFIG_HOME/tuya/devices.json` (default `~/.config/tuya/devices.json`).
 */
import { readFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { isProtocolVersion, type ProtocolVersion } from '@tuya/codec'
import { CliError } from './errors.ts'
import type { FlagSpec } from './args.ts'

/** The `--devices FILE` flag, for every command that takes a device name or id. */
export const DEVICES_FLAG: FlagSpec = {
  name: 'devices',
  type: 'string',
  valueName: 'FILE',
  description: 'devices.json (tinytuya wizard format) to look device names and keys up in',
  defaultText: '$TUYA_DEVICES, ./devices.json, ~/.config/tuya/devices.json',
}

/** devices.json cannot be read, is not JSON, or an entry is unusable. */
export class DevicesFileError extends CliError {
  static override readonly code: string = 'TUYA_ERR_DEVICES_FILE'
}

/** No devices.json where one was required. */
export class DevicesFileNotFoundError extends DevicesFileError {
  static override readonly code: string = 'TUYA_ERR_DEVICES_FILE_NOT_FOUND'
}

/** No device in devices.json has this name or id. */
export class UnknownDeviceError extends CliError {
  static override readonly code: string = 'TUYA_ERR_DEVICE_NOT_IN_FILE'
}

/** Several devices match a name or prefix; `candidates` lists them. */
export class AmbiguousDeviceError extends CliError {
  static override readonly code: string = 'TUYA_ERR_AMBIGUOUS_DEVICE'
  /** The matching entries. */
  readonly candidates: readonly DeviceEntry[]
  constructor(message: string, candidates: readonly DeviceEntry[]) {
    super(message)
    this.candidates = candidates
  }
}

/** The device was found but lacks what is needed to talk to it (key, gateway). */
export class IncompleteDeviceError extends CliError {
  static override readonly code: string = 'TUYA_ERR_INCOMPLETE_DEVICE'
}

/** One entry of devices.json, normalised. */
export interface DeviceEntry {
  readonly id: string
  /** The name from the file, or the id when it has none. */
  readonly name: string
  /** The 16-character local key, when the file has a non-empty one. */
  readonly key?: string
  /** `ip` (or `last_ip`), when non-empty. */
  readonly ip?: string
  /** The protocol version, when the file has a known one (`"3.3"` or `3.3`). */
  readonly version?: ProtocolVersion
  /** A `version` that is none of 3.1-3.5 or auto (such as `"9.9"`), as written: using this device is an error. */
  readonly invalidVersion?: string
  /** Gateway children: the node id (`cid` on the wire). */
  readonly nodeId?: string
  /** Gateway children: the gateway's device id. */
  readonly parentId?: string
  /** True for gateway children (`sub: true`, or a node id with a parent). */
  readonly isSub: boolean
  /** The entry exactly as in the file. */
  readonly raw: Readonly<Record<string, unknown>>
}

/** What a command needs to talk to a device (what {@link resolveDevice} returns). */
export interface ResolvedDevice {
  /** The device's own id (for a child, the child's id). */
  readonly id: string
  readonly name: string
  /** The local key to use: a child's gateway key. */
  readonly key: string
  /** The address to connect to: a child's gateway address. */
  readonly ip?: string
  readonly version?: ProtocolVersion
  /** A gateway child's node id. */
  readonly cid?: string
  /** A gateway child's gateway id (the `devId` of requests). */
  readonly gatewayId?: string
}

/** Where to look for devices.json; every field defaults to the process's. */
export interface DevicesFileOptions {
  /** Environment (for `TUYA_DEVICES`, `XDG_CONFIG_HOME`). Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Directory for `./devices.json`. Default `process.cwd()`. */
  readonly cwd?: string
  /** Home directory. Default `os.homedir()`. */
  readonly homeDir?: string
}

const MAX_FILE_BYTES = 16 * 1024 * 1024

/**
 * The default locations, in the order they are tried (after `--devices`).
 * @param options - env, cwd and home directory
 * @returns absolute paths: `$TUYA_DEVICES` (if set), `./devices.json`, the config-directory file
 */
export function devicesFileCandidates(options: DevicesFileOptions = {}): string[] {
  const env = options.env ?? process.env
  const cwd = options.cwd ?? process.cwd()
  const home = options.homeDir ?? homedir()
  const config = env['XDG_CONFIG_HOME'] !== undefined && env['XDG_CONFIG_HOME'] !== '' ? env['XDG_CONFIG_HOME'] : join(home, '.config')
  const paths: string[] = []
  const fromEnv = env['TUYA_DEVICES']
  if (fromEnv !== undefined && fromEnv !== '') paths.push(resolve(cwd, fromEnv))
  paths.push(resolve(cwd, 'devices.json'), join(config, 'tuya', 'devices.json'))
  return paths
}

/**
 * Finds the devices.json to use.
 * @param path - an explicit `--devices FILE` (returned as is, resolved against cwd)
 * @param options - env, cwd and home directory
 * @returns the path, or undefined when no default location has a file
 * @throws DevicesFileNotFoundError when `$TUYA_DEVICES` names a missing file
 */
export function findDevicesFile(path?: string, options: DevicesFileOptions = {}): string | undefined {
  const cwd = options.cwd ?? process.cwd()
  if (path !== undefined) return resolve(cwd, path)
  const env = options.env ?? process.env
  const [first, ...rest] = devicesFileCandidates(options)
  if (env['TUYA_DEVICES'] !== undefined && env['TUYA_DEVICES'] !== '') {
    if (!existsSync(first!)) throw new DevicesFileNotFoundError(`TUYA_DEVICES names ${first}, which does not exist`)
    return first
  }
  return [first!, ...rest].find((p) => existsSync(p))
}

/**
 * Loads devices.json from `path`, or from the first default location that has one.
 * @param path - `--devices FILE`; must exist when given
 * @param options - env, cwd, home directory; `isRequired: false` returns [] when no file is found
 * @returns the entries, in file order
 * @throws DevicesFileNotFoundError when no file is found (and one is required) or `path` is missing
 * @throws DevicesFileError when the file is not valid JSON or not in tinytuya's format
 * @example const devices = await loadDevices(); resolveDevice('Living room lamp', devices)
 */
export async function loadDevices(path?: string, options: DevicesFileOptions & { readonly isRequired?: boolean } = {}): Promise<DeviceEntry[]> {
  const file = findDevicesFile(path, options)
  if (file === undefined) {
    if (options.isRequired === false) return []
    const where = devicesFileCandidates(options).join(', ')
    throw new DevicesFileNotFoundError(`no devices.json found (looked in ${where}); pass --devices FILE or set TUYA_DEVICES`)
  }
  let bytes: Uint8Array
  try {
    bytes = await readFile(file)
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'ENOENT') throw new DevicesFileNotFoundError(`${file} does not exist`, { cause: error })
    throw new DevicesFileError(`cannot read ${file}: ${(error as Error).message}`, { cause: error })
  }
  if (bytes.length > MAX_FILE_BYTES) throw new DevicesFileError(`${file} is larger than ${MAX_FILE_BYTES} bytes; is it really a devices.json?`)
  return parseDevices(new TextDecoder().decode(bytes), file)
}

function optionalString(entry: Record<string, unknown>, names: readonly string[], where: string): string | undefined {
  for (const name of names) {
    const value = entry[name]
    if (value === undefined || value === null || value === '') continue
    if (typeof value === 'number' && Number.isFinite(value)) return String(value)
    if (typeof value !== 'string') throw new DevicesFileError(`${where}: ${name} must be a string, got ${typeof value}`)
    return value.trim()
  }
  return undefined
}

/** The versions a device may be given, in devices.json and as `--version`: one rule for both. */
export const VERSION_CHOICES = '3.1, 3.2, 3.3, 3.4, 3.5 or auto'

function parseVersion(value: unknown): { version?: ProtocolVersion; invalid?: string } {
  // tinytuya writes "3.3" from scans and 3.3 (a float) in older files; "" or 0 when unknown.
  if (value === undefined || value === null || value === '' || value === 0) return {}
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : JSON.stringify(value)
  if (isProtocolVersion(text)) return { version: text }
  if (text === '' || text.toLowerCase() === 'auto') return {}
  return { invalid: text }
}

function checkVersion(entry: DeviceEntry, user: DeviceEntry = entry): void {
  if (entry.invalidVersion === undefined) return
  const whose = entry === user ? `device "${entry.name}" (${entry.id})` : `gateway "${entry.name}" (${entry.id}) of sub-device "${user.name}"`
  throw new DevicesFileError(`${whose} has "version": "${entry.invalidVersion}" in devices.json; a version must be ${VERSION_CHOICES} (fix the entry, or remove "version" to detect it)`)
}

function parseEntry(value: unknown, index: number, source: string): DeviceEntry {
  const at = `${source}: entry ${index}`
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new DevicesFileError(`${at} is not an object`)
  const raw = value as Record<string, unknown>
  const id = optionalString(raw, ['id'], at)
  if (id === undefined) throw new DevicesFileError(`${at} has no id`)
  const where = `${source}: device ${id}`
  const name = optionalString(raw, ['name'], where) ?? id
  const key = optionalString(raw, ['key', 'local_key'], where)
  const ip = optionalString(raw, ['ip', 'last_ip'], where)
  const nodeId = optionalString(raw, ['node_id', 'cid'], where)
  const parentId = optionalString(raw, ['parent', 'parent_id', 'gateway_id'], where)
  const { version, invalid: invalidVersion } = parseVersion(raw['version'])
  const isSub = raw['sub'] === true || (nodeId !== undefined && parentId !== undefined)
  return {
    id,
    name,
    isSub,
    raw,
    ...(key === undefined ? {} : { key }),
    ...(ip === undefined ? {} : { ip }),
    ...(version === undefined ? {} : { version }),
    ...(invalidVersion === undefined ? {} : { invalidVersion }),
    ...(nodeId === undefined ? {} : { nodeId }),
    ...(parentId === undefined ? {} : { parentId }),
  }
}

/**
 * Parses the text of a devices.json.
 * @param text - the file's contents
 * @param source - the file name, for messages
 * @returns the entries, in file order
 * @throws DevicesFileError when it is not JSON, not an array (or `{ devices: [...] }`), or an entry has no id
 */
export function parseDevices(text: string, source = 'devices.json'): DeviceEntry[] {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new DevicesFileError(`${source} is not valid JSON: ${(error as Error).message}`, { cause: error })
  }
  if (typeof json === 'object' && json !== null && !Array.isArray(json) && Array.isArray((json as { devices?: unknown }).devices)) {
    json = (json as { devices: unknown[] }).devices
  }
  if (!Array.isArray(json)) throw new DevicesFileError(`${source} must hold a JSON array of devices (tinytuya's wizard format)`)
  return json.map((entry, i) => parseEntry(entry, i, source))
}

function describe(entries: readonly DeviceEntry[]): string {
  const shown = entries.slice(0, 8).map((d) => `"${d.name}" (${d.id})`)
  if (entries.length > shown.length) shown.push(`and ${entries.length - shown.length} more`)
  return shown.join(', ')
}

function unique(entries: readonly DeviceEntry[]): DeviceEntry[] {
  return [...new Set(entries)]
}

/**
 * Finds one entry by id or name: exact (case-insensitive) first, then a unique prefix.
 * @param nameOrId - what the user typed
 * @param devices - the entries of devices.json
 * @returns the entry
 * @throws UnknownDeviceError when nothing matches; AmbiguousDeviceError when several do
 */
export function findDevice(nameOrId: string, devices: readonly DeviceEntry[]): DeviceEntry {
  if (typeof nameOrId !== 'string' || nameOrId.trim() === '') throw new TypeError('nameOrId must be a non-empty string')
  const wanted = nameOrId.trim().toLowerCase()
  const byId = devices.filter((d) => d.id.toLowerCase() === wanted)
  if (byId.length === 1) return byId[0]!
  const exact = unique([...byId, ...devices.filter((d) => d.name.toLowerCase() === wanted)])
  if (exact.length === 1) return exact[0]!
  if (exact.length > 1) throw new AmbiguousDeviceError(`"${nameOrId}" matches ${exact.length} devices: ${describe(exact)}; use the id`, exact)
  const prefixed = unique(devices.filter((d) => d.id.toLowerCase().startsWith(wanted) || d.name.toLowerCase().startsWith(wanted)))
  if (prefixed.length === 1) return prefixed[0]!
  if (prefixed.length > 1) throw new AmbiguousDeviceError(`"${nameOrId}" matches ${prefixed.length} devices: ${describe(prefixed)}; type more of the name or use the id`, prefixed)
  throw new UnknownDeviceError(`no device named "${nameOrId}" in devices.json (${devices.length} devices); check the name or run the tinytuya wizard again`)
}

/**
 * Resolves a device name or id to what a command needs: a gateway child gets its gateway's
 * address, key and version, plus `cid` (its node id) and `gatewayId`.
 * @param nameOrId - a name or id (exact, case-insensitive; or a unique prefix)
 * @param devices - the entries of devices.json ({@link loadDevices})
 * @returns id, name, key, ip?, version?, cid?, gatewayId?
 * @throws UnknownDeviceError, AmbiguousDeviceError, IncompleteDeviceError (no key, child without gateway), DevicesFileError (a version that is none of 3.1-3.5 or auto)
 * @example resolveDevice('living', devices) // { id: 'bf…', name: 'Living room lamp', key: '…', ip: '192.168.1.50', version: '3.3' }
 */
export function resolveDevice(nameOrId: string, devices: readonly DeviceEntry[]): ResolvedDevice {
  const entry = findDevice(nameOrId, devices)
  if (!entry.isSub) {
    checkVersion(entry)
    if (entry.key === undefined) throw new IncompleteDeviceError(`device "${entry.name}" (${entry.id}) has no local key in devices.json`)
    return {
      id: entry.id,
      name: entry.name,
      key: entry.key,
      ...(entry.ip === undefined ? {} : { ip: entry.ip }),
      ...(entry.version === undefined ? {} : { version: entry.version }),
    }
  }
  if (entry.parentId === undefined) throw new IncompleteDeviceError(`sub-device "${entry.name}" (${entry.id}) has no parent gateway in devices.json`)
  if (entry.nodeId === undefined) throw new IncompleteDeviceError(`sub-device "${entry.name}" (${entry.id}) has no node_id in devices.json`)
  const gateway = devices.find((d) => d.id === entry.parentId)
  if (gateway === undefined) throw new IncompleteDeviceError(`the gateway ${entry.parentId} of sub-device "${entry.name}" is not in devices.json`)
  const key = gateway.key ?? entry.key
  if (key === undefined) throw new IncompleteDeviceError(`gateway "${gateway.name}" (${gateway.id}) of sub-device "${entry.name}" has no local key in devices.json`)
  checkVersion(gateway, entry)
  if (gateway.version === undefined) checkVersion(entry)
  const version = gateway.version ?? entry.version
  return {
    id: entry.id,
    name: entry.name,
    key,
    cid: entry.nodeId,
    gatewayId: gateway.id,
    ...(gateway.ip === undefined ? {} : { ip: gateway.ip }),
    ...(version === undefined ? {} : { version }),
  }
}

/**
 * What a command does with its device argument: load devices.json (`--devices` or the default
 * locations) and resolve the name or id in it.
 * @param nameOrId - the device argument, e.g. `"Living room lamp"`
 * @param path - `--devices FILE`, if given
 * @param options - env, cwd, home directory
 * @returns the resolved device
 * @throws DevicesFileNotFoundError, DevicesFileError, UnknownDeviceError, AmbiguousDeviceError, IncompleteDeviceError
 * @example const device = await lookUpDevice('Living room lamp', args.values['devices'] as string | undefined)
 */
export async function lookUpDevice(nameOrId: string, path?: string, options: DevicesFileOptions = {}): Promise<ResolvedDevice> {
  return resolveDevice(nameOrId, await loadDevices(path, options))
}
