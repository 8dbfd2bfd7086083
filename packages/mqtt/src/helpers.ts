/**
 * Typed helpers for the common kinds of device, built on a profile: `createLight(device,
 * profile).setColour({ h, s, v })`, `createCover(device, profile).setPosition(50)`,
 * `createClimate(device, profile).setTargetTemperature(21.5)`. They compute the DPs from the
 * profile (ranges, scales, colour encodings) and send them with `device.set()`.
 */
import type { CallOptions, Dps } from '@tuya/client'
import type { Hsv } from './colour.ts'
import { lightDps, readLight, type LightChange, type LightState } from './entities/light.ts'
import { NoSuchEntityError } from './errors.ts'
import type { ClimateEntity, CoverEntity, DeviceProfile, Entity, LightEntity } from './profile/types.ts'
import { checkDpValue, scaledValue } from './profile/values.ts'

/** What the helpers need of a device: `set()` and its cached `state` (a `TuyaDevice` has both). */
export interface SettableDevice {
  set(dps: Dps, options?: CallOptions): Promise<Dps>
  readonly state: Readonly<Dps>
}

function entityOf<K extends Entity['kind']>(profile: DeviceProfile, kind: K, key: string | undefined): Extract<Entity, { kind: K }> {
  const found = profile.entities.find((e) => e.kind === kind && (key === undefined || e.key === key))
  if (found === undefined) throw new NoSuchEntityError(`the profile has no ${kind}${key === undefined ? '' : ` named ${key}`} (its entities: ${profile.entities.map((e) => `${e.kind} ${e.key}`).join(', ') || 'none'})`)
  return found as Extract<Entity, { kind: K }>
}

/** A light (see {@link createLight}). */
export interface Light {
  readonly entity: LightEntity
  /** On/off, brightness %, mode, colour and kelvin, from the device's cached state. */
  readonly state: LightState
  turnOn(options?: CallOptions): Promise<Dps>
  turnOff(options?: CallOptions): Promise<Dps>
  /** Brightness in percent (0-100) in the current mode. */
  setBrightness(percent: number, options?: CallOptions): Promise<Dps>
  /** Colour mode with this colour: h 0-360, s and v 0-100. */
  setColour(colour: Hsv, options?: CallOptions): Promise<Dps>
  /** White mode at this colour temperature (kelvin, within the entity's `minKelvin`..`maxKelvin`). */
  setColourTemperature(kelvin: number, options?: CallOptions): Promise<Dps>
  /** Several changes in one command. */
  change(change: LightChange, options?: CallOptions): Promise<Dps>
}

/**
 * A typed light on a device.
 * @param device - a `TuyaDevice` (or anything with `set()` and `state`)
 * @param profile - its profile (`profileFromMapping(entry.mapping)` or a profile file)
 * @param key - which light, when the profile has several
 * @returns the helper
 * @throws NoSuchEntityError when the profile has no light
 * @example
 * ```ts
 * const light = createLight(device, profileFromMapping(entry.mapping))
 * await light.setColour({ h: 120, s: 100, v: 50 })
 * ```
 */
export function createLight(device: SettableDevice, profile: DeviceProfile, key?: string): Light {
  const entity = entityOf(profile, 'light', key)
  const change = (c: LightChange, options?: CallOptions): Promise<Dps> => device.set(lightDps(entity, profile.dps, device.state, c), options)
  return {
    entity,
    get state() {
      return readLight(entity, profile.dps, device.state)
    },
    turnOn: (options) => change({ isOn: true }, options),
    turnOff: (options) => change({ isOn: false }, options),
    setBrightness: (brightness, options) => change({ brightness }, options),
    setColour: (colour, options) => change({ isOn: true, colour }, options),
    setColourTemperature: (kelvin, options) => change({ isOn: true, kelvin }, options),
    change,
  }
}

/** A cover (see {@link createCover}). */
export interface Cover {
  readonly entity: CoverEntity
  /** The position the device reports, 0-100 %, if it has one. */
  readonly position: number | undefined
  open(options?: CallOptions): Promise<Dps>
  close(options?: CallOptions): Promise<Dps>
  stop(options?: CallOptions): Promise<Dps>
  /** Moves to a position, 0-100 %. */
  setPosition(percent: number, options?: CallOptions): Promise<Dps>
}

/**
 * A typed cover (curtain, blind, shutter) on a device.
 * @param device - a `TuyaDevice`
 * @param profile - its profile
 * @returns the helper
 * @throws NoSuchEntityError when the profile has no cover
 * @example await createCover(device, profile).setPosition(50)
 */
export function createCover(device: SettableDevice, profile: DeviceProfile): Cover {
  const entity = entityOf(profile, 'cover', undefined)
  const command = (word: string, options?: CallOptions): Promise<Dps> => {
    if (entity.control === undefined) throw new NoSuchEntityError('this cover has no control DP (its profile has no control code)')
    const spec = profile.dps[entity.control]
    // Some motors call stop "pause" or open "on"; take the first word the device knows.
    const choices = { open: ['open', 'on'], close: ['close', 'off'], stop: ['stop', 'pause', 'continue'] }[word] ?? [word]
    const value = spec?.values?.find((v) => choices.includes(v)) ?? word
    return device.set({ [entity.control]: checkDpValue(entity.control, value, spec) }, options)
  }
  return {
    entity,
    get position() {
      const dp = entity.positionState ?? entity.position
      const value = dp === undefined ? undefined : device.state[dp]
      return typeof value === 'number' ? value : undefined
    },
    open: (options) => command('open', options),
    close: (options) => command('close', options),
    stop: (options) => command('stop', options),
    setPosition(percent, options) {
      if (entity.position === undefined) return Promise.reject(new NoSuchEntityError('this cover has no position DP (its profile has no percent_control)'))
      if (typeof percent !== 'number' || !Number.isInteger(percent) || percent < 0 || percent > 100) return Promise.reject(new RangeError(`percent must be an integer from 0 to 100, got ${String(percent)}`))
      return device.set({ [entity.position]: percent }, options)
    },
  }
}

/** A thermostat (see {@link createClimate}). */
export interface Climate {
  readonly entity: ClimateEntity
  /** Target temperature (scaled: 21.5), if the device has one. */
  readonly targetTemperature: number | undefined
  readonly currentTemperature: number | undefined
  setTargetTemperature(celsius: number, options?: CallOptions): Promise<Dps>
  /** One of the mode DP's values (`auto`, `manual`, ...). */
  setMode(mode: string, options?: CallOptions): Promise<Dps>
  turnOn(options?: CallOptions): Promise<Dps>
  turnOff(options?: CallOptions): Promise<Dps>
}

/**
 * A typed thermostat on a device (`temp_set`, `temp_current`, `mode`, `switch`).
 * @param device - a `TuyaDevice`
 * @param profile - its profile
 * @returns the helper
 * @throws NoSuchEntityError when the profile has no climate entity
 */
export function createClimate(device: SettableDevice, profile: DeviceProfile): Climate {
  const entity = entityOf(profile, 'climate', undefined)
  const read = (dp: string | undefined): number | undefined => {
    const value = dp === undefined ? undefined : device.state[dp]
    return typeof value === 'number' ? scaledValue(profile.dps[dp!], value) : undefined
  }
  const need = (dp: string | undefined, what: string): string => {
    if (dp === undefined) throw new NoSuchEntityError(`this thermostat has no ${what} DP`)
    return dp
  }
  return {
    entity,
    get targetTemperature() {
      return read(entity.target)
    },
    get currentTemperature() {
      return read(entity.current)
    },
    async setTargetTemperature(celsius, options) {
      const dp = need(entity.target, 'target temperature (temp_set)')
      const spec = profile.dps[dp]
      const raw = Math.round(celsius * 10 ** (spec?.scale ?? 0))
      return device.set({ [dp]: checkDpValue(dp, raw, spec) }, options)
    },
    async setMode(mode, options) {
      const dp = need(entity.mode, 'mode')
      return device.set({ [dp]: checkDpValue(dp, mode, profile.dps[dp]) }, options)
    },
    async turnOn(options) {
      return device.set({ [need(entity.switch, 'switch')]: true }, options)
    },
    async turnOff(options) {
      return device.set({ [need(entity.switch, 'switch')]: false }, options)
    },
  }
}
