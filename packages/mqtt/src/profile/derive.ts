/**
 * Turns DP specs into entities by Tuya's standard codes (the "standard instruction set" codes
 * the cloud and tinytuya's mapping use), then anything left by its type:
 *
 * - `switch_led` with `bright_value(_v2)`, `temp_value(_v2)`, `colour_data(_v2)`, `work_mode`: one light
 * - `control`, `percent_control`, `percent_state`: a cover
 * - `temp_set`, `temp_current`, `mode` (and `switch`): a thermostat
 * - `cur_power`, `cur_voltage`, `cur_current`, `add_ele`: sensors with unit and scale
 * - `switch`, `switch_N`, and any other bool: a switch (read-only: a binary sensor)
 * - any other value: a number (read-only: a sensor); enum: a select (read-only: a sensor);
 *   string and json: a sensor; raw and bitmap DPs get no entity (their topics still carry them)
 */
import type { Dps } from '@tuya/client'
import type { DeviceProfile, DpSpec, Entity, LightEntity } from './types.ts'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** Ranges and units of standard codes, for mappings that leave them out. */
const CODE_DEFAULTS: Readonly<Record<string, Partial<DpSpec>>> = {
  bright_value: { min: 25, max: 255 },
  bright_value_v2: { min: 10, max: 1000 },
  temp_value: { min: 0, max: 255 },
  temp_value_v2: { min: 0, max: 1000 },
  percent_control: { min: 0, max: 100, unit: '%' },
  percent_state: { min: 0, max: 100, unit: '%' },
  cur_power: { unit: 'W', scale: 1 },
  cur_voltage: { unit: 'V', scale: 1 },
  cur_current: { unit: 'mA' },
  add_ele: { unit: 'kWh', scale: 3 },
  temp_set: { unit: '°C' },
  temp_current: { unit: '°C' },
}

/** HA device and state classes of the metering codes. */
const SENSOR_CLASSES: Readonly<Record<string, { deviceClass: string; stateClass: string }>> = {
  cur_power: { deviceClass: 'power', stateClass: 'measurement' },
  cur_voltage: { deviceClass: 'voltage', stateClass: 'measurement' },
  cur_current: { deviceClass: 'current', stateClass: 'measurement' },
  add_ele: { deviceClass: 'energy', stateClass: 'total_increasing' },
  temp_current: { deviceClass: 'temperature', stateClass: 'measurement' },
}

/**
 * Fills in what a standard code implies and the mapping left out (`bright_value_v2` is 10-1000,
 * `cur_power` is in tenths of a watt).
 * @param spec - the DP spec as read
 * @returns the spec with the code's defaults under it
 */
export function withCodeDefaults(spec: DpSpec): DpSpec {
  const defaults = spec.code === undefined ? undefined : CODE_DEFAULTS[spec.code]
  return defaults === undefined ? spec : { ...defaults, ...spec }
}

function byCode(dps: Readonly<Record<string, DpSpec>>): Map<string, string> {
  const codes = new Map<string, string>()
  for (const [id, spec] of Object.entries(dps)) if (spec.code !== undefined && !codes.has(spec.code)) codes.set(spec.code, id)
  return codes
}

function keyOf(spec: DpSpec, id: string): string {
  return (spec.code ?? `dp_${id}`).toLowerCase().replace(/[^a-z0-9_]/g, '_')
}

/**
 * Builds the entities of a device from its DP specs.
 * @param dps - DP id -> spec (from a tinytuya mapping or a profile file)
 * @returns the entities, lights and covers first
 */
export function deriveEntities(dps: Readonly<Record<string, DpSpec>>): Entity[] {
  const codes = byCode(dps)
  const used = new Set<string>()
  const entities: Entity[] = []
  const take = (code: string): string | undefined => {
    const id = codes.get(code)
    if (id !== undefined) used.add(id)
    return id
  }
  const pick = (...names: string[]): string | undefined => names.map((n) => codes.get(n)).find((id) => id !== undefined)

  if (codes.has('switch_led')) {
    const light: Mutable<LightEntity> = { kind: 'light', key: 'light', switch: take('switch_led')! }
    const brightness = pick('bright_value_v2', 'bright_value')
    const colourTemp = pick('temp_value_v2', 'temp_value')
    const colour = pick('colour_data_v2', 'colour_data')
    if (brightness !== undefined) light.brightness = brightness
    if (colourTemp !== undefined) light.colourTemp = colourTemp
    if (colour !== undefined) {
      light.colour = colour
      light.colourFormat = dps[colour]!.code === 'colour_data' ? 'rgbhsv14' : 'hsv12'
    }
    for (const id of [brightness, colourTemp, colour]) if (id !== undefined) used.add(id)
    const mode = take('work_mode')
    if (mode !== undefined) light.mode = mode
    entities.push(light)
  }
  if (codes.has('control') || codes.has('percent_control') || codes.has('percent_state')) {
    const control = take('control')
    const position = take('percent_control')
    const positionState = take('percent_state')
    entities.push({ kind: 'cover', key: 'cover', ...(control === undefined ? {} : { control }), ...(position === undefined ? {} : { position }), ...(positionState === undefined ? {} : { positionState }) })
  }
  if (codes.has('temp_set')) {
    const target = take('temp_set')
    const current = take('temp_current')
    const mode = take('mode')
    const power = take('switch')
    entities.push({ kind: 'climate', key: 'climate', ...(target === undefined ? {} : { target }), ...(current === undefined ? {} : { current }), ...(mode === undefined ? {} : { mode }), ...(power === undefined ? {} : { switch: power }) })
  }
  const keys = new Set(entities.map((e) => e.key))
  for (const [id, spec] of Object.entries(dps)) {
    if (used.has(id)) continue
    let key = keyOf(spec, id)
    if (keys.has(key)) key = `${key}_${id}`
    keys.add(key)
    const classes = spec.code === undefined ? undefined : SENSOR_CLASSES[spec.code]
    if (classes !== undefined) {
      entities.push({ kind: 'sensor', key, dp: id, ...classes })
      continue
    }
    const isReadOnly = spec.isReadOnly === true
    switch (spec.type) {
      case 'bool':
        entities.push(isReadOnly ? { kind: 'binary_sensor', key, dp: id } : { kind: 'switch', key, dp: id })
        break
      case 'value':
        entities.push(isReadOnly || spec.min === undefined || spec.max === undefined ? { kind: 'sensor', key, dp: id } : { kind: 'number', key, dp: id })
        break
      case 'enum':
        entities.push(isReadOnly || spec.values === undefined || spec.values.length === 0 ? { kind: 'sensor', key, dp: id } : { kind: 'select', key, dp: id })
        break
      case 'string':
      case 'json':
        entities.push({ kind: 'sensor', key, dp: id })
        break
      default:
        break
    }
  }
  return entities
}

/**
 * A profile from DP specs: the standard codes' defaults filled in, entities derived.
 * @param dps - DP id -> spec
 * @returns the profile
 */
export function profileFromDps(dps: Readonly<Record<string, DpSpec>>): DeviceProfile {
  const filled: Record<string, DpSpec> = {}
  for (const [id, spec] of Object.entries(dps)) filled[id] = withCodeDefaults(spec)
  return { dps: filled, entities: deriveEntities(filled) }
}

/**
 * A profile guessed from the values a device reported, for a device with no mapping and no
 * profile: bools become switches, everything else read-only sensors (a number's range is unknown,
 * so it is not offered as settable).
 * @param state - the device's DPs
 * @returns the profile
 */
export function profileFromValues(state: Dps): DeviceProfile {
  const dps: Record<string, DpSpec> = {}
  for (const [id, value] of Object.entries(state)) {
    if (typeof value === 'boolean') dps[id] = { type: 'bool' }
    else if (typeof value === 'number') dps[id] = { type: 'value', isReadOnly: true }
    else if (typeof value === 'string') dps[id] = { type: 'string', isReadOnly: true }
  }
  return { dps, entities: deriveEntities(dps) }
}
