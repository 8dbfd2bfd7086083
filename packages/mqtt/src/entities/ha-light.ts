/**
 * Home Assistant's JSON light schema on a light's entity topics: the state the bridge publishes
 * (`{"state":"ON","brightness":128,"color_mode":"hs","color":{"h":120,"s":100}}`, brightness
 * 0-255, colour temperature in kelvin) and the commands HA sends in the same shape.
 */
import type { Dps } from '@tuya/client'
import { CommandError } from '../errors.ts'
import type { DpSpec, LightEntity } from '../profile/types.ts'
import { lightDps, readLight, type LightChange } from './light.ts'

/** The JSON state of a light, as HA's JSON schema reads it. */
export interface HaLightState {
  state: 'ON' | 'OFF'
  brightness?: number
  color_mode?: 'hs' | 'color_temp' | 'brightness' | 'onoff'
  color?: { h: number; s: number }
  color_temp?: number
}

/**
 * The JSON state of a light.
 * @param entity - the light
 * @param specs - the profile's DP specs
 * @param state - the device's DPs
 */
export function haLightState(entity: LightEntity, specs: Readonly<Record<string, DpSpec>>, state: Dps): HaLightState {
  const light = readLight(entity, specs, state)
  const out: HaLightState = { state: light.isOn ? 'ON' : 'OFF' }
  if (light.brightness !== undefined) out.brightness = Math.round((light.brightness * 255) / 100)
  if (light.mode === 'colour' && light.colour !== undefined) {
    out.color_mode = 'hs'
    out.color = { h: light.colour.h, s: light.colour.s }
  } else if (entity.colourTemp !== undefined) {
    out.color_mode = 'color_temp'
    if (light.kelvin !== undefined) out.color_temp = light.kelvin
  } else out.color_mode = entity.brightness === undefined ? 'onoff' : 'brightness'
  return out
}

/**
 * The DPs for a command in HA's JSON light schema.
 * @param entity - the light
 * @param specs - the profile's DP specs
 * @param state - the device's current DPs
 * @param payload - the parsed command: `{ state?, brightness?, color?: { h, s }, color_temp? }`
 * @returns the DPs to set
 * @throws CommandError for anything the light cannot take
 */
export function haLightCommand(entity: LightEntity, specs: Readonly<Record<string, DpSpec>>, state: Dps, payload: unknown): Dps {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new CommandError('a light command must be a JSON object such as {"state":"ON","brightness":128}')
  const command = payload as Record<string, unknown>
  const known = ['state', 'brightness', 'color', 'color_temp', 'transition', 'color_mode']
  for (const name of Object.keys(command)) if (!known.includes(name)) throw new CommandError(`a light command takes ${known.join(', ')}; ${JSON.stringify(name)} is not one of them`)
  const change: { -readonly [K in keyof LightChange]: LightChange[K] } = {}
  if (command['state'] !== undefined) {
    if (command['state'] !== 'ON' && command['state'] !== 'OFF') throw new CommandError(`state must be "ON" or "OFF", got ${JSON.stringify(command['state'])}`)
    change.isOn = command['state'] === 'ON'
  }
  const brightness = command['brightness']
  if (brightness !== undefined) {
    if (typeof brightness !== 'number' || !(brightness >= 0 && brightness <= 255)) throw new CommandError(`brightness must be a number from 0 to 255, got ${JSON.stringify(brightness)}`)
    change.brightness = Math.round((brightness * 1000) / 255) / 10
  }
  const color = command['color']
  if (color !== undefined) {
    const c = color as Record<string, unknown>
    if (typeof color !== 'object' || color === null || typeof c['h'] !== 'number' || typeof c['s'] !== 'number') throw new CommandError('color must be {"h": 0-360, "s": 0-100}')
    const current = readLight(entity, specs, state)
    change.colour = { h: c['h'], s: c['s'], v: change.brightness ?? (current.mode === 'colour' ? current.colour?.v : current.brightness) ?? 100 }
  }
  if (command['color_temp'] !== undefined) {
    if (typeof command['color_temp'] !== 'number') throw new CommandError(`color_temp must be a number of kelvin, got ${JSON.stringify(command['color_temp'])}`)
    change.kelvin = command['color_temp']
  }
  try {
    return lightDps(entity, specs, state, change)
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) throw new CommandError(error.message, { cause: error })
    throw error
  }
}
