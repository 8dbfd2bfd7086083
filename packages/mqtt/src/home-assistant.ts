/**
 * Home Assistant MQTT discovery, device-based: one retained config per device on
 * `<prefix>/device/<node-id>/config`, with the device (`dev`), the origin (`o`), availability
 * shared by every entity (the bridge's and the device's, both needed), and one component per
 * entity under `cmps`, each with its platform (`p`) and `unique_id` (HA's MQTT integration
 * docs, "Device discovery payload"). Simple entities read and write the per-DP topics through
 * templates; a light uses HA's JSON schema on its entity topics, where the bridge converts.
 */
import type { ClimateEntity, CoverEntity, DeviceProfile, DpSpec, Entity, LightEntity, NumberEntity, SensorEntity, SwitchEntity } from './profile/types.ts'
import { kelvinRange } from './entities/light.ts'
import type { DeviceTopics } from './topics.ts'

/** What discovery needs to know about a device. */
export interface DiscoveryDevice {
  /** The device id (a child's own id). */
  readonly id: string
  readonly name: string
  readonly model?: string
  /** A gateway child: the gateway's device id (HA's `via_device`). */
  readonly viaId?: string
  readonly profile: DeviceProfile
  readonly topics: DeviceTopics
}

type Config = Record<string, unknown>

const ORIGIN = { name: '@tuya/mqtt', url: 'https://www.npmjs.com/package/@tuya/mqtt' } as const

/** HA's device identifier for a Tuya device id. */
export function haDeviceId(id: string): string {
  return `tuya_${id.replace(/[^a-zA-Z0-9_-]/g, '_')}`
}

/**
 * The discovery topic of a device.
 * @param prefix - HA's discovery prefix (`homeassistant`)
 * @param id - the device id
 */
export function discoveryTopic(prefix: string, id: string): string {
  return `${prefix}/device/${haDeviceId(id)}/config`
}

function title(text: string): string {
  const words = text.replace(/_/g, ' ').trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

function nameOf(entity: Entity, spec?: DpSpec): string {
  return entity.name ?? spec?.name ?? title(spec?.code ?? (entity.kind === 'light' || entity.kind === 'cover' || entity.kind === 'climate' ? entity.kind : entity.key))
}

/** A Jinja expression for the real value of a scaled DP. */
function fromDevice(spec: DpSpec | undefined): string {
  const scale = spec?.scale ?? 0
  return scale === 0 ? '{{ value_json }}' : `{{ (value_json | float / ${10 ** scale}) | round(${scale}) }}`
}

function toDevice(spec: DpSpec | undefined): string {
  const scale = spec?.scale ?? 0
  return scale === 0 ? '{{ value | int }}' : `{{ (value | float * ${10 ** scale}) | round(0) | int }}`
}

function scaled(spec: DpSpec | undefined, value: number | undefined): number | undefined {
  return value === undefined ? undefined : value / 10 ** (spec?.scale ?? 0)
}

function switchConfig(e: SwitchEntity, t: DeviceTopics): Config {
  return { p: 'switch', state_topic: t.dpState(e.dp), command_topic: t.dpSet(e.dp), payload_on: 'true', payload_off: 'false', state_on: 'true', state_off: 'false' }
}

function sensorConfig(e: SensorEntity, spec: DpSpec | undefined, t: DeviceTopics): Config {
  if (e.kind === 'binary_sensor') return { p: 'binary_sensor', state_topic: t.dpState(e.dp), payload_on: 'true', payload_off: 'false' }
  const config: Config = { p: 'sensor', state_topic: t.dpState(e.dp), value_template: fromDevice(spec) }
  if (spec?.unit !== undefined) config['unit_of_measurement'] = spec.unit
  if (e.deviceClass !== undefined) config['device_class'] = e.deviceClass
  if (e.stateClass !== undefined) config['state_class'] = e.stateClass
  return config
}

function numberConfig(e: NumberEntity, spec: DpSpec | undefined, t: DeviceTopics): Config {
  if (e.kind === 'select') return { p: 'select', state_topic: t.dpState(e.dp), command_topic: t.dpSet(e.dp), value_template: '{{ value_json }}', options: [...(spec?.values ?? [])] }
  const config: Config = { p: 'number', state_topic: t.dpState(e.dp), command_topic: t.dpSet(e.dp), value_template: fromDevice(spec), command_template: toDevice(spec), min: scaled(spec, spec?.min) ?? 0, max: scaled(spec, spec?.max) ?? 100, step: scaled(spec, spec?.step ?? 1) ?? 1 }
  if (spec?.unit !== undefined) config['unit_of_measurement'] = spec.unit
  return config
}

/** HA's color modes for a light. */
export function colorModes(e: LightEntity): string[] {
  const modes: string[] = []
  if (e.colour !== undefined) modes.push('hs')
  if (e.colourTemp !== undefined) modes.push('color_temp')
  if (modes.length === 0) modes.push(e.brightness === undefined ? 'onoff' : 'brightness')
  return modes
}

function lightConfig(e: LightEntity, t: DeviceTopics): Config {
  const modes = colorModes(e)
  const config: Config = { p: 'light', schema: 'json', state_topic: t.entityState(e.key), command_topic: t.entitySet(e.key), supported_color_modes: modes, brightness: !modes.includes('onoff') }
  if (modes.includes('color_temp')) {
    const [min, max] = kelvinRange(e)
    Object.assign(config, { color_temp_kelvin: true, min_kelvin: min, max_kelvin: max })
  }
  return config
}

function coverConfig(e: CoverEntity, profile: DeviceProfile, t: DeviceTopics): Config {
  const config: Config = { p: 'cover' }
  if (e.control !== undefined) {
    const values = profile.dps[e.control]?.values ?? ['open', 'close', 'stop']
    const word = (choices: string[]): string | null => values.find((v) => choices.includes(v)) ?? null
    Object.assign(config, { command_topic: t.dpSet(e.control), payload_open: word(['open', 'on']), payload_close: word(['close', 'off']), payload_stop: word(['stop', 'pause']) })
  }
  const reported = e.positionState ?? e.position
  if (reported !== undefined) Object.assign(config, { position_topic: t.dpState(reported), position_template: '{{ value_json }}' })
  if (e.position !== undefined) config['set_position_topic'] = t.dpSet(e.position)
  return config
}

function climateConfig(e: ClimateEntity, profile: DeviceProfile, t: DeviceTopics): Config {
  const config: Config = { p: 'climate', temperature_unit: 'C', modes: e.switch === undefined ? ['heat'] : ['off', 'heat'] }
  if (e.target !== undefined) {
    const spec = profile.dps[e.target]
    Object.assign(config, { temperature_command_topic: t.dpSet(e.target), temperature_command_template: toDevice(spec), temperature_state_topic: t.dpState(e.target), temperature_state_template: fromDevice(spec) })
    if (spec?.min !== undefined) config['min_temp'] = scaled(spec, spec.min)
    if (spec?.max !== undefined) config['max_temp'] = scaled(spec, spec.max)
    config['temp_step'] = scaled(spec, spec?.step ?? 1)
  }
  if (e.current !== undefined) Object.assign(config, { current_temperature_topic: t.dpState(e.current), current_temperature_template: fromDevice(profile.dps[e.current]) })
  if (e.switch !== undefined) {
    Object.assign(config, { mode_state_topic: t.dpState(e.switch), mode_state_template: "{{ 'heat' if value_json else 'off' }}", mode_command_topic: t.dpSet(e.switch), mode_command_template: "{{ 'false' if value == 'off' else 'true' }}" })
  }
  const presets = e.mode === undefined ? [] : (profile.dps[e.mode]?.values ?? []).filter((v) => v !== 'none')
  if (e.mode !== undefined && presets.length > 0) {
    Object.assign(config, { preset_modes: presets, preset_mode_command_topic: t.dpSet(e.mode), preset_mode_state_topic: t.dpState(e.mode), preset_mode_value_template: '{{ value_json }}' })
  }
  return config
}

function componentConfig(entity: Entity, profile: DeviceProfile, t: DeviceTopics): Config | undefined {
  switch (entity.kind) {
    case 'switch':
      return switchConfig(entity, t)
    case 'sensor':
    case 'binary_sensor':
      return sensorConfig(entity, profile.dps[entity.dp], t)
    case 'number':
    case 'select':
      return numberConfig(entity, profile.dps[entity.dp], t)
    case 'light':
      return lightConfig(entity, t)
    case 'cover':
      return coverConfig(entity, profile, t)
    case 'climate':
      return climateConfig(entity, profile, t)
  }
}

/**
 * The device discovery payload of one device.
 * @param device - id, name, model, gateway, profile and topics
 * @param bridgeAvailability - the bridge's availability topic
 * @returns the config to publish (retained) on {@link discoveryTopic}
 */
export function discoveryConfig(device: DiscoveryDevice, bridgeAvailability: string): Config {
  const deviceId = haDeviceId(device.id)
  const cmps: Record<string, Config> = {}
  for (const entity of device.profile.entities) {
    const config = componentConfig(entity, device.profile, device.topics)
    if (config === undefined) continue
    const spec = 'dp' in entity ? device.profile.dps[entity.dp] : undefined
    cmps[entity.key] = { ...config, unique_id: `${deviceId}_${entity.key}`, name: nameOf(entity, spec) }
  }
  const dev: Config = { ids: [deviceId], name: device.name, mf: 'Tuya' }
  if (device.model !== undefined) dev['mdl'] = device.model
  if (device.viaId !== undefined) dev['via_device'] = haDeviceId(device.viaId)
  return {
    dev,
    o: ORIGIN,
    availability: [{ topic: bridgeAvailability }, { topic: device.topics.availability }],
    availability_mode: 'all',
    qos: 1,
    cmps,
  }
}
