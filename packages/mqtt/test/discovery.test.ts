/**
 * Home Assistant discovery configs for every kind of entity a profile can make, checked against
 * HA's documented options (support/ha-schema.ts) without a broker: the broker tests cover lights,
 * covers, switches, numbers and sensors as published; this covers thermostats, selects, binary
 * sensors, dimmer-only and on/off-only lights, v1 colour lights and hand-written profiles too.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { deviceTopics, discoveryConfig, discoveryTopic, parseBridgeFile, profileFromMapping, type DeviceProfile } from '../src/index.ts'
import { haProblems } from './support/ha-schema.ts'
import { THERMOSTAT_MAPPING } from './support/devices.ts'

const config = (profile: DeviceProfile, id = 'bf0000000000000000aa') => discoveryConfig({ id, name: 'Test', profile, topics: deviceTopics('tuya', id) }, 'tuya/bridge/availability') as { cmps: Record<string, Record<string, unknown>> }

const PROFILES: Record<string, DeviceProfile> = {
  thermostat: profileFromMapping(THERMOSTAT_MAPPING),
  'dimmer only': profileFromMapping({ '1': { code: 'switch_led', type: 'Boolean' }, '2': { code: 'bright_value', type: 'Integer', values: { min: 25, max: 255 } } }),
  'on/off light': profileFromMapping({ '1': { code: 'switch_led', type: 'Boolean' } }),
  'v1 colour light': profileFromMapping({ '1': { code: 'switch_led', type: 'Boolean' }, '2': { code: 'work_mode', type: 'Enum', values: { range: ['white', 'colour'] } }, '5': { code: 'colour_data', type: 'String' } }),
  'everything else': profileFromMapping({ '1': { code: 'switch_1', type: 'Boolean' }, '7': { code: 'child_lock', type: 'Boolean', mode: 'ro' }, '38': { code: 'relay_status', type: 'Enum', values: { range: ['off', 'on', 'memory'] } }, '9': { code: 'countdown_1', type: 'Integer', values: { min: 0, max: 86400, unit: 's' } }, '60': { code: 'product_info', type: 'String' }, '61': { type: 'Integer' } }),
  'cover without position': profileFromMapping({ '1': { code: 'control', type: 'Enum', values: { range: ['open', 'pause', 'close'] } } }),
  'hand-written heater': parseBridgeFile('profiles:\n  heater:\n    dps:\n      1: { type: bool }\n      2: { type: value, min: 50, max: 350, step: 5, scale: 1, unit: °C }\n      3: { type: value, scale: 1, unit: °C, readOnly: true }\n    entities:\n      - { kind: climate, key: heater, switch: 1, target: 2, current: 3 }\n      - { kind: sensor, key: inside, dp: 3, deviceClass: temperature, stateClass: measurement }\n').profiles['heater']!,
}

describe('discovery configs are valid for HA for every kind of entity', () => {
  for (const [name, profile] of Object.entries(PROFILES)) {
    it(name, () => assert.deepEqual(haProblems(config(profile)), []))
  }

  it('a thermostat: scaled target and current temperature, off/heat from the switch, presets from mode', () => {
    const c = config(PROFILES['thermostat']!).cmps['climate']!
    assert.equal(c['p'], 'climate')
    assert.deepEqual([c['min_temp'], c['max_temp'], c['temp_step']], [5, 35, 0.5])
    assert.equal(c['temperature_command_template'], '{{ (value | float * 10) | round(0) | int }}')
    assert.equal(c['current_temperature_template'], '{{ (value_json | float / 10) | round(1) }}')
    assert.deepEqual(c['modes'], ['off', 'heat'])
    assert.deepEqual(c['preset_modes'], ['auto', 'manual', 'holiday'])
  })

  it('lights: the color modes HA allows for what the device has', () => {
    assert.deepEqual(config(PROFILES['dimmer only']!).cmps['light']!['supported_color_modes'], ['brightness'])
    assert.deepEqual(config(PROFILES['on/off light']!).cmps['light']!['supported_color_modes'], ['onoff'])
    assert.equal(config(PROFILES['on/off light']!).cmps['light']!['brightness'], false)
    assert.deepEqual(config(PROFILES['v1 colour light']!).cmps['light']!['supported_color_modes'], ['hs'])
  })

  it('the rest by type: select, binary sensor, number with its unit, sensors', () => {
    const c = config(PROFILES['everything else']!).cmps
    assert.deepEqual(Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v['p']])), { switch_1: 'switch', child_lock: 'binary_sensor', relay_status: 'select', countdown_1: 'number', product_info: 'sensor', dp_61: 'sensor' })
    assert.deepEqual(c['relay_status']!['options'], ['off', 'on', 'memory'])
    assert.equal(c['countdown_1']!['unit_of_measurement'], 's')
  })

  it('a cover whose motor says pause instead of stop', () => {
    const c = config(PROFILES['cover without position']!).cmps['cover']!
    assert.deepEqual([c['payload_open'], c['payload_close'], c['payload_stop']], ['open', 'close', 'pause'])
    assert.equal(c['set_position_topic'], undefined)
  })

  it('the discovery topic and the device identifier are what HA allows', () => {
    assert.equal(discoveryTopic('homeassistant', 'bf0000000000000000aa'), 'homeassistant/device/tuya_bf0000000000000000aa/config')
    assert.match(haProblems({ dev: { ids: ['x'] }, o: { name: 'x' }, cmps: { 'a b': { p: 'switch', unique_id: 'u', command_topic: 't' } } }).join(), /characters HA does not allow/)
  })
})
