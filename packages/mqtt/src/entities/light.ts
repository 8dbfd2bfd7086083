/**
 * A light's DPs in percent, kelvin and HSV: what the typed helper and the Home Assistant light
 * both speak. Brightness maps linearly onto the DP's range (`bright_value_v2`: 1 % is 10, 100 %
 * is 1000), colour temperature onto `minKelvin`..`maxKelvin` (Tuya's 0 is the warmest), and in
 * colour mode the brightness is the colour's value (V), as the bulbs do it.
 */
import type { Dps } from '@tuya/client'
import { decodeColour, encodeColour, type Hsv } from '../colour.ts'
import type { DpSpec, LightEntity } from '../profile/types.ts'

/** A light as read from its DPs. */
export interface LightState {
  readonly isOn: boolean
  /** 0-100 %, in the current mode (white: the brightness DP; colour: the colour's value). */
  readonly brightness?: number
  /** `white` or `colour` (the work mode DP; lights without one are `white`). */
  readonly mode: 'white' | 'colour'
  readonly colour?: Hsv
  readonly kelvin?: number
}

/** What to change on a light; anything left out stays. */
export interface LightChange {
  readonly isOn?: boolean
  /** 0-100 %. */
  readonly brightness?: number
  readonly colour?: Hsv
  readonly kelvin?: number
}

const DEFAULT_MIN_KELVIN = 2700
const DEFAULT_MAX_KELVIN = 6500

/** Kelvin range of a light's colour temperature. */
export function kelvinRange(entity: LightEntity): [number, number] {
  return [entity.minKelvin ?? DEFAULT_MIN_KELVIN, entity.maxKelvin ?? DEFAULT_MAX_KELVIN]
}

function range(spec: DpSpec | undefined, fallback: [number, number]): [number, number] {
  return [spec?.min ?? fallback[0], spec?.max ?? fallback[1]]
}

function toDevice(fraction: number, [min, max]: [number, number]): number {
  return Math.round(min + Math.min(1, Math.max(0, fraction)) * (max - min))
}

function fromDevice(value: unknown, [min, max]: [number, number]): number | undefined {
  if (typeof value !== 'number' || max <= min) return undefined
  return Math.min(1, Math.max(0, (value - min) / (max - min)))
}

/**
 * Reads a light from a device's DPs.
 * @param entity - the light entity of the profile
 * @param specs - the profile's DP specs (ranges)
 * @param state - the device's DPs
 * @returns on/off, brightness %, mode, colour, kelvin (what the device has)
 */
export function readLight(entity: LightEntity, specs: Readonly<Record<string, DpSpec>>, state: Dps): LightState {
  const isColourMode = entity.mode !== undefined ? state[entity.mode] === 'colour' : entity.brightness === undefined && entity.colour !== undefined
  const colour = entity.colour === undefined ? undefined : decodeColour(state[entity.colour], entity.colourFormat ?? 'hsv12')
  let brightness: number | undefined
  if (isColourMode) brightness = colour?.v
  else if (entity.brightness !== undefined) {
    const fraction = fromDevice(state[entity.brightness], range(specs[entity.brightness], [10, 1000]))
    if (fraction !== undefined) brightness = Math.round(fraction * 1000) / 10
  }
  let kelvin: number | undefined
  if (entity.colourTemp !== undefined) {
    const fraction = fromDevice(state[entity.colourTemp], range(specs[entity.colourTemp], [0, 1000]))
    const [low, high] = kelvinRange(entity)
    if (fraction !== undefined) kelvin = Math.round(low + fraction * (high - low))
  }
  return {
    isOn: state[entity.switch] === true,
    mode: isColourMode ? 'colour' : 'white',
    ...(brightness === undefined ? {} : { brightness }),
    ...(colour === undefined ? {} : { colour }),
    ...(kelvin === undefined ? {} : { kelvin }),
  }
}

/**
 * The DPs that make a change on a light: colour switches the work mode to `colour`, a colour
 * temperature to `white`; a brightness alone applies to the current mode.
 * @param entity - the light entity
 * @param specs - the profile's DP specs
 * @param state - the device's current DPs (for the mode, and the colour a brightness applies to)
 * @param change - what to change
 * @returns the DPs to set
 * @throws RangeError for a brightness, colour or kelvin out of range, or one the light does not have
 */
export function lightDps(entity: LightEntity, specs: Readonly<Record<string, DpSpec>>, state: Dps, change: LightChange): Dps {
  const dps: Dps = {}
  const current = readLight(entity, specs, state)
  const { brightness, colour, kelvin } = change
  if (brightness !== undefined && (typeof brightness !== 'number' || !(brightness >= 0 && brightness <= 100))) throw new RangeError(`brightness must be a percentage from 0 to 100, got ${String(brightness)}`)
  if (change.isOn !== undefined) dps[entity.switch] = change.isOn
  if (colour !== undefined) {
    if (entity.colour === undefined) throw new RangeError('this light has no colour DP (its profile has no colour_data)')
    const v = brightness ?? colour.v
    dps[entity.colour] = encodeColour({ h: colour.h, s: colour.s, v }, entity.colourFormat ?? 'hsv12')
    if (entity.mode !== undefined) dps[entity.mode] = 'colour'
  } else if (kelvin !== undefined) {
    if (entity.colourTemp === undefined) throw new RangeError('this light has no colour temperature DP (its profile has no temp_value)')
    const [low, high] = kelvinRange(entity)
    if (typeof kelvin !== 'number' || !(kelvin >= low && kelvin <= high)) throw new RangeError(`kelvin must be from ${low} to ${high}, got ${String(kelvin)}`)
    dps[entity.colourTemp] = toDevice((kelvin - low) / (high - low), range(specs[entity.colourTemp], [0, 1000]))
    if (entity.mode !== undefined) dps[entity.mode] = 'white'
    if (brightness !== undefined && entity.brightness !== undefined) dps[entity.brightness] = toDevice(brightness / 100, range(specs[entity.brightness], [10, 1000]))
  } else if (brightness !== undefined) {
    if (current.mode === 'colour' && entity.colour !== undefined) {
      const base = current.colour ?? { h: 0, s: 0, v: 100 }
      dps[entity.colour] = encodeColour({ h: base.h, s: base.s, v: brightness }, entity.colourFormat ?? 'hsv12')
    } else if (entity.brightness !== undefined) {
      dps[entity.brightness] = toDevice(brightness / 100, range(specs[entity.brightness], [10, 1000]))
    } else throw new RangeError('this light has no brightness DP (its profile has no bright_value)')
  }
  return dps
}
