/**
 * The bridge's YAML file: MQTT settings, device profiles, and the devices (see the README's
 * "Profile file"). One format for every device: a profile lists DPs (`code`, `type`, range,
 * enum values, unit, scale) and optionally the entities made of them; a device names a profile
 * or carries one inline, and may carry its connection details too.
 */
import { parse } from 'yaml'
import { ProfileError } from '../errors.ts'
import { profileFromDps, withCodeDefaults } from './derive.ts'
import type { DeviceProfile, DpSpec, DpType, Entity, EntityKind } from './types.ts'

/** MQTT settings of the file. */
export interface FileMqttSettings {
  readonly url?: string
  readonly username?: string
  readonly password?: string
  /** Path of a CA certificate (PEM) for `mqtts://`. */
  readonly ca?: string
  readonly clientId?: string
}

/** One device of the file. */
export interface FileDevice {
  readonly id: string
  readonly name?: string
  readonly profile?: DeviceProfile
  readonly key?: string
  readonly host?: string
  readonly port?: number
  readonly version?: string
  /** A gateway child: its node id, and `gateway` the gateway's device id. */
  readonly cid?: string
  readonly gateway?: string
  readonly isGateway?: boolean
}

/** What the file holds. */
export interface BridgeFile {
  readonly mqtt: FileMqttSettings
  readonly root?: string
  readonly discoveryPrefix?: string
  readonly profiles: Readonly<Record<string, DeviceProfile>>
  readonly devices: readonly FileDevice[]
}

const DP_TYPES = new Set<DpType>(['bool', 'value', 'enum', 'string', 'json', 'raw', 'bitmap'])
const ENTITY_DPS: Readonly<Record<EntityKind, readonly string[]>> = {
  switch: ['dp'],
  sensor: ['dp'],
  binary_sensor: ['dp'],
  number: ['dp'],
  select: ['dp'],
  light: ['switch', 'brightness', 'colourTemp', 'colour', 'mode'],
  cover: ['control', 'position', 'positionState'],
  climate: ['target', 'current', 'switch', 'mode'],
}
const REQUIRED_DPS: Partial<Record<EntityKind, string>> = { switch: 'dp', sensor: 'dp', binary_sensor: 'dp', number: 'dp', select: 'dp', light: 'switch' }
const ENTITY_OTHER = new Set(['kind', 'key', 'name', 'colourFormat', 'minKelvin', 'maxKelvin', 'deviceClass', 'stateClass'])

type Obj = Record<string, unknown>

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function only(value: Obj, allowed: readonly string[], where: string): void {
  for (const name of Object.keys(value)) if (!allowed.includes(name)) throw new ProfileError(`${where}: unknown field ${JSON.stringify(name)} (fields: ${allowed.join(', ')})`)
}

function str(value: Obj, name: string, where: string): string | undefined {
  const v = value[name]
  if (v === undefined || v === null) return undefined
  if (typeof v === 'number') return String(v)
  if (typeof v !== 'string' || v === '') throw new ProfileError(`${where}: ${name} must be a non-empty string`)
  return v
}

function num(value: Obj, name: string, where: string): number | undefined {
  const v = value[name]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ProfileError(`${where}: ${name} must be a number`)
  return v
}

function readDp(id: string, raw: unknown, where: string): DpSpec {
  const at = `${where} DP ${id}`
  if (!isObject(raw)) throw new ProfileError(`${at} must be a mapping such as { code: switch_1, type: bool }`)
  only(raw, ['code', 'type', 'name', 'min', 'max', 'step', 'scale', 'unit', 'values', 'readOnly'], at)
  const type = raw['type']
  if (typeof type !== 'string' || !DP_TYPES.has(type as DpType)) throw new ProfileError(`${at}: type must be one of ${[...DP_TYPES].join(', ')}`)
  const values = raw['values']
  if (values !== undefined && (!Array.isArray(values) || values.some((v) => typeof v !== 'string'))) throw new ProfileError(`${at}: values must be a list of strings`)
  if (raw['readOnly'] !== undefined && typeof raw['readOnly'] !== 'boolean') throw new ProfileError(`${at}: readOnly must be true or false`)
  const spec: Obj = { type }
  for (const name of ['code', 'name', 'unit'] as const) {
    const v = str(raw, name, at)
    if (v !== undefined) spec[name] = v
  }
  for (const name of ['min', 'max', 'step', 'scale'] as const) {
    const v = num(raw, name, at)
    if (v !== undefined) spec[name] = v
  }
  if (values !== undefined) spec['values'] = values
  if (raw['readOnly'] === true) spec['isReadOnly'] = true
  return withCodeDefaults(spec as unknown as DpSpec)
}

function readEntity(raw: unknown, index: number, dps: Readonly<Record<string, DpSpec>>, where: string): Entity {
  const at = `${where} entity ${index + 1}`
  if (!isObject(raw)) throw new ProfileError(`${at} must be a mapping such as { kind: switch, dp: 1 }`)
  const kind = raw['kind'] as EntityKind
  const refs = ENTITY_DPS[kind]
  if (refs === undefined) throw new ProfileError(`${at}: kind must be one of ${Object.keys(ENTITY_DPS).join(', ')}`)
  only(raw, [...ENTITY_OTHER, ...refs], at)
  const entity: Obj = { kind, key: str(raw, 'key', at) ?? `${kind}_${index + 1}` }
  for (const name of ['name', 'deviceClass', 'stateClass', 'colourFormat'] as const) {
    const v = str(raw, name, at)
    if (v !== undefined) entity[name] = v
  }
  for (const name of ['minKelvin', 'maxKelvin'] as const) {
    const v = num(raw, name, at)
    if (v !== undefined) entity[name] = v
  }
  if (entity['colourFormat'] !== undefined && entity['colourFormat'] !== 'hsv12' && entity['colourFormat'] !== 'rgbhsv14') throw new ProfileError(`${at}: colourFormat must be hsv12 or rgbhsv14`)
  for (const name of refs) {
    const dp = str(raw, name, at)
    if (dp === undefined) continue
    if (dps[dp] === undefined) throw new ProfileError(`${at}: ${name} names DP ${dp}, which the profile does not list`)
    entity[name] = dp
  }
  const required = REQUIRED_DPS[kind]
  if (required !== undefined && entity[required] === undefined) throw new ProfileError(`${at}: a ${kind} needs ${required} (a DP id)`)
  if (kind === 'light' && entity['colour'] !== undefined && entity['colourFormat'] === undefined) entity['colourFormat'] = dps[entity['colour'] as string]!.code === 'colour_data' ? 'rgbhsv14' : 'hsv12'
  return entity as unknown as Entity
}

/**
 * Reads one profile: `{ dps: { <id>: { code, type, ... } }, entities?: [...] }`.
 * @param raw - the parsed YAML
 * @param where - for messages
 * @returns the profile (entities derived from the codes when the file lists none)
 * @throws ProfileError naming the field at fault
 */
export function readProfile(raw: unknown, where: string): DeviceProfile {
  if (!isObject(raw)) throw new ProfileError(`${where} must be a mapping with dps (and optionally entities)`)
  only(raw, ['dps', 'entities'], where)
  if (!isObject(raw['dps'])) throw new ProfileError(`${where}: dps must map DP ids to { code, type, ... }`)
  const dps: Record<string, DpSpec> = {}
  for (const [id, spec] of Object.entries(raw['dps'])) {
    if (!/^\d+$/.test(id)) throw new ProfileError(`${where}: DP id ${JSON.stringify(id)} is not a number`)
    dps[id] = readDp(id, spec, where)
  }
  const entities = raw['entities']
  if (entities === undefined) return profileFromDps(dps)
  if (!Array.isArray(entities)) throw new ProfileError(`${where}: entities must be a list`)
  return { dps, entities: entities.map((e, i) => readEntity(e, i, dps, where)) }
}

/**
 * Parses the bridge's YAML file.
 * @param text - the file's contents
 * @param source - the file name, for messages
 * @returns MQTT settings, topic root, discovery prefix, profiles and devices
 * @throws ProfileError when it is not YAML or a field is wrong (the message names it)
 * @example parseBridgeFile('devices:\n  bf1234567890abcdefgh:\n    dps:\n      1: { code: switch_1, type: bool }\n')
 */
export function parseBridgeFile(text: string, source = 'bridge.yaml'): BridgeFile {
  let raw: unknown
  try {
    raw = parse(text)
  } catch (error) {
    throw new ProfileError(`${source} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, { cause: error })
  }
  if (raw === null || raw === undefined) raw = {}
  if (!isObject(raw)) throw new ProfileError(`${source} must be a mapping (mqtt, root, discoveryPrefix, profiles, devices)`)
  only(raw, ['mqtt', 'root', 'discoveryPrefix', 'profiles', 'devices'], source)
  const mqttRaw = raw['mqtt'] ?? {}
  if (!isObject(mqttRaw)) throw new ProfileError(`${source}: mqtt must be a mapping (url, username, password, ca, clientId)`)
  only(mqttRaw, ['url', 'username', 'password', 'ca', 'clientId'], `${source}: mqtt`)
  const mqtt: Obj = {}
  for (const name of ['url', 'username', 'password', 'ca', 'clientId']) {
    const v = str(mqttRaw, name, `${source}: mqtt`)
    if (v !== undefined) mqtt[name] = v
  }
  const profiles: Record<string, DeviceProfile> = {}
  const profilesRaw = raw['profiles'] ?? {}
  if (!isObject(profilesRaw)) throw new ProfileError(`${source}: profiles must map names to profiles`)
  for (const [name, profile] of Object.entries(profilesRaw)) profiles[name] = readProfile(profile, `${source}: profile ${name}`)
  const devicesRaw = raw['devices'] ?? {}
  if (!isObject(devicesRaw)) throw new ProfileError(`${source}: devices must map device ids to settings`)
  const devices: FileDevice[] = []
  for (const [id, value] of Object.entries(devicesRaw)) {
    const at = `${source}: device ${id}`
    const device = value ?? {}
    if (!isObject(device)) throw new ProfileError(`${at} must be a mapping (name, profile or dps, key, host, version, cid, gateway)`)
    only(device, ['name', 'profile', 'dps', 'entities', 'key', 'host', 'port', 'version', 'cid', 'gateway', 'isGateway'], at)
    const entry: Obj = { id }
    for (const name of ['name', 'key', 'host', 'version', 'cid', 'gateway'] as const) {
      const v = str(device, name, at)
      if (v !== undefined) entry[name] = v
    }
    const port = num(device, 'port', at)
    if (port !== undefined) entry['port'] = port
    if (device['isGateway'] !== undefined) {
      if (typeof device['isGateway'] !== 'boolean') throw new ProfileError(`${at}: isGateway must be true or false`)
      entry['isGateway'] = device['isGateway']
    }
    if (device['profile'] !== undefined && device['dps'] !== undefined) throw new ProfileError(`${at}: give either profile (a name) or dps, not both`)
    if (device['profile'] !== undefined) {
      const name = str(device, 'profile', at)!
      const profile = profiles[name]
      if (profile === undefined) throw new ProfileError(`${at}: profile ${JSON.stringify(name)} is not in profiles (${Object.keys(profiles).join(', ') || 'none'})`)
      entry['profile'] = profile
    } else if (device['dps'] !== undefined) {
      entry['profile'] = readProfile({ dps: device['dps'], ...(device['entities'] === undefined ? {} : { entities: device['entities'] }) }, at)
    }
    devices.push(entry as unknown as FileDevice)
  }
  return { mqtt, ...(raw['root'] === undefined ? {} : { root: str(raw, 'root', source)! }), ...(raw['discoveryPrefix'] === undefined ? {} : { discoveryPrefix: str(raw, 'discoveryPrefix', source)! }), profiles, devices }
}
