/**
 * Reads the `mapping` that tinytuya's wizard writes into devices.json for each device: DP id ->
 * `{ code, type, values }`, where `type` is Tuya's (`Boolean`, `Integer`, `Enum`, `String`,
 * `Json`, `Raw`, `Bitmap`) and `values` holds the range (`min`, `max`, `step`, `scale`, `unit`)
 * or the enum values (`range`). `values` is an object in current files and a JSON string in
 * older ones (the cloud API returns it as a string).
 */
import { ProfileError } from '../errors.ts'
import type { DpSpec, DpType } from './types.ts'

const TYPES: Readonly<Record<string, DpType>> = {
  boolean: 'bool',
  bool: 'bool',
  integer: 'value',
  value: 'value',
  enum: 'enum',
  string: 'string',
  json: 'json',
  raw: 'raw',
  bitmap: 'bitmap',
}

/**
 * Tuya's standard codes whose DP only reports (measurements and positions as the device sees
 * them); the mapping itself does not say which DPs are read-only.
 */
const READ_ONLY_CODES = new Set(['cur_power', 'cur_voltage', 'cur_current', 'add_ele', 'temp_current', 'percent_state', 'humidity_value', 'va_temperature', 'va_humidity', 'battery_percentage', 'fault'])

/** Tuya's spellings of units (`kwh`, `℃`, `w`) as Home Assistant and everyone else write them. */
const UNITS: Readonly<Record<string, string>> = { kwh: 'kWh', wh: 'Wh', w: 'W', kw: 'kW', v: 'V', mv: 'mV', a: 'A', ma: 'mA', '℃': '°C', '℉': '°F', c: '°C', f: '°F', s: 's', min: 'min', h: 'h', '%': '%', lux: 'lx', lx: 'lx', ppm: 'ppm' }

/**
 * A unit as HA expects it.
 * @param unit - the unit as the mapping gives it
 * @returns the usual spelling, or the unit unchanged when it is not a known one
 */
export function normaliseUnit(unit: string): string {
  return UNITS[unit.trim().toLowerCase()] ?? UNITS[unit.trim()] ?? unit.trim()
}

function objectOf(value: unknown, where: string): Record<string, unknown> {
  if (value === undefined || value === null || value === '') return {}
  if (typeof value === 'string') {
    try {
      return objectOf(JSON.parse(value), where)
    } catch (error) {
      if (error instanceof ProfileError) throw error
      throw new ProfileError(`${where}: values is a string that is not JSON`, { cause: error })
    }
  }
  if (typeof value !== 'object' || Array.isArray(value)) throw new ProfileError(`${where}: values must be an object`)
  return value as Record<string, unknown>
}

function numberOf(values: Record<string, unknown>, name: string, where: string): number | undefined {
  const value = values[name]
  if (value === undefined || value === null || value === '') return undefined
  const n = typeof value === 'string' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new ProfileError(`${where}: values.${name} must be a number, got ${JSON.stringify(value)}`)
  return n
}

/**
 * Reads one DP of a tinytuya mapping.
 * @param id - the DP id (`"20"`)
 * @param entry - `{ code, type, values }`
 * @param where - for messages
 * @returns the DP spec
 * @throws ProfileError when the type is unknown or the values are unusable
 */
export function dpSpecFromMapping(id: string, entry: unknown, where = 'mapping'): DpSpec {
  const at = `${where} DP ${id}`
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new ProfileError(`${at} must be an object { code, type, values }`)
  const raw = entry as Record<string, unknown>
  const code = typeof raw['code'] === 'string' && raw['code'] !== '' ? raw['code'] : undefined
  const typeName = typeof raw['type'] === 'string' ? raw['type'].toLowerCase() : ''
  const type = TYPES[typeName]
  if (type === undefined) throw new ProfileError(`${at}: unknown type ${JSON.stringify(raw['type'])} (Boolean, Integer, Enum, String, Json, Raw or Bitmap)`)
  const values = objectOf(raw['values'], at)
  const spec: { -readonly [K in keyof DpSpec]: DpSpec[K] } = { type }
  if (code !== undefined) spec.code = code
  if (type === 'value') {
    const min = numberOf(values, 'min', at)
    const max = numberOf(values, 'max', at)
    const step = numberOf(values, 'step', at)
    const scale = numberOf(values, 'scale', at)
    if (min !== undefined) spec.min = min
    if (max !== undefined) spec.max = max
    if (step !== undefined && step > 0) spec.step = step
    if (scale !== undefined && scale !== 0) spec.scale = scale
  }
  if (typeof values['unit'] === 'string' && values['unit'] !== '') spec.unit = normaliseUnit(values['unit'])
  if (type === 'enum' && Array.isArray(values['range'])) spec.values = values['range'].map(String)
  if (raw['mode'] === 'ro' || (code !== undefined && READ_ONLY_CODES.has(code))) spec.isReadOnly = true
  return spec
}

/**
 * Reads a whole tinytuya mapping (the `mapping` field of a devices.json entry).
 * @param mapping - DP id -> `{ code, type, values }`
 * @param where - for messages (the device name)
 * @returns DP id -> spec
 * @throws ProfileError for an entry that cannot be read
 * @example dpsFromMapping({ '1': { code: 'switch_1', type: 'Boolean', values: {} } }) // { '1': { code: 'switch_1', type: 'bool' } }
 */
export function dpsFromMapping(mapping: unknown, where = 'mapping'): Record<string, DpSpec> {
  if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) throw new ProfileError(`${where} must be an object of DP id -> { code, type, values }`)
  const dps: Record<string, DpSpec> = {}
  for (const [id, entry] of Object.entries(mapping)) {
    if (!/^\d+$/.test(id)) throw new ProfileError(`${where}: DP id ${JSON.stringify(id)} is not a number`)
    dps[id] = dpSpecFromMapping(id, entry, where)
  }
  return dps
}
