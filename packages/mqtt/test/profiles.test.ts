/**
 * Device profiles: tinytuya mappings read into DP specs, entities derived by Tuya's standard
 * codes and by type, the YAML profile file, and command values checked against the specs.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { checkDps, checkDpValue, CommandError, deriveEntities, dpsFromMapping, parseBridgeFile, profileFromMapping, profileFromValues, ProfileError } from '../src/index.ts'
import { THERMOSTAT_MAPPING } from './support/devices.ts'

describe('tinytuya mappings', () => {
  it('reads types, ranges (object or JSON string), enum values and units', () => {
    const dps = dpsFromMapping({
      '1': { code: 'switch_1', type: 'Boolean', values: {} },
      '2': { code: 'bright_value_v2', type: 'Integer', values: '{"min":10,"max":1000,"scale":0,"step":1}' },
      '3': { code: 'work_mode', type: 'Enum', values: { range: ['white', 'colour'] } },
      '4': { code: 'cur_power', type: 'Integer', values: { min: 0, max: 99999, scale: 1, step: 1, unit: 'w' } },
      '5': { code: 'colour_data_v2', type: 'Json' },
    })
    assert.deepEqual(dps['1'], { type: 'bool', code: 'switch_1' })
    assert.deepEqual(dps['2'], { type: 'value', code: 'bright_value_v2', min: 10, max: 1000, step: 1 })
    assert.deepEqual(dps['3'], { type: 'enum', code: 'work_mode', values: ['white', 'colour'] })
    assert.deepEqual(dps['4'], { type: 'value', code: 'cur_power', min: 0, max: 99999, step: 1, scale: 1, unit: 'W', isReadOnly: true })
    assert.deepEqual(dps['5'], { type: 'json', code: 'colour_data_v2' })
  })

  it('refuses what it cannot read, saying where', () => {
    assert.throws(() => dpsFromMapping({ '1': { code: 'x', type: 'Float' } }, 'Lamp'), (e: Error) => e instanceof ProfileError && /Lamp DP 1: unknown type "Float"/.test(e.message))
    assert.throws(() => dpsFromMapping({ a: { type: 'Boolean' } }), /DP id "a" is not a number/)
    assert.throws(() => dpsFromMapping({ '2': { type: 'Integer', values: '{min' } }), /not JSON/)
    assert.throws(() => dpsFromMapping([]), ProfileError)
  })
})

describe('entities from standard codes', () => {
  const kinds = (mapping: Record<string, unknown>) => profileFromMapping(mapping).entities.map((e) => `${e.kind}:${e.key}`)

  it('switch_led with brightness, colour temperature, colour and work mode: one light', () => {
    const profile = profileFromMapping({ '20': { code: 'switch_led', type: 'Boolean' }, '21': { code: 'work_mode', type: 'Enum', values: { range: ['white', 'colour'] } }, '22': { code: 'bright_value_v2', type: 'Integer' }, '23': { code: 'temp_value_v2', type: 'Integer' }, '24': { code: 'colour_data_v2', type: 'Json' } })
    assert.deepEqual(profile.entities, [{ kind: 'light', key: 'light', switch: '20', brightness: '22', colourTemp: '23', colour: '24', colourFormat: 'hsv12', mode: '21' }])
    // The code's default range fills in where the mapping has none.
    assert.equal(profile.dps['22']!.min, 10)
    assert.equal(profile.dps['22']!.max, 1000)
  })

  it('v1 codes: colour_data is the 14-character encoding, bright_value 25-255', () => {
    const profile = profileFromMapping({ '1': { code: 'switch_led', type: 'Boolean' }, '3': { code: 'bright_value', type: 'Integer' }, '5': { code: 'colour_data', type: 'String' } })
    assert.equal((profile.entities[0] as { colourFormat?: string }).colourFormat, 'rgbhsv14')
    assert.deepEqual([profile.dps['3']!.min, profile.dps['3']!.max], [25, 255])
  })

  it('control / percent_control / percent_state: a cover', () => {
    assert.deepEqual(profileFromMapping({ '1': { code: 'control', type: 'Enum', values: { range: ['open', 'stop', 'close'] } }, '2': { code: 'percent_control', type: 'Integer' }, '3': { code: 'percent_state', type: 'Integer' } }).entities, [{ kind: 'cover', key: 'cover', control: '1', position: '2', positionState: '3' }])
  })

  it('temp_set / temp_current / mode / switch: a thermostat', () => {
    assert.deepEqual(profileFromMapping(THERMOSTAT_MAPPING).entities, [{ kind: 'climate', key: 'climate', target: '2', current: '3', mode: '4', switch: '1' }])
    assert.equal(profileFromMapping(THERMOSTAT_MAPPING).dps['2']!.unit, '°C')
  })

  it('metering codes: sensors with device class, unit and scale', () => {
    const profile = profileFromMapping({ '18': { code: 'cur_current', type: 'Integer' }, '19': { code: 'cur_power', type: 'Integer' }, '20': { code: 'cur_voltage', type: 'Integer' }, '17': { code: 'add_ele', type: 'Integer' } })
    assert.deepEqual(profile.entities.map((e) => [e.kind, e.key, (e as { deviceClass?: string }).deviceClass]), [['sensor', 'add_ele', 'energy'], ['sensor', 'cur_current', 'current'], ['sensor', 'cur_power', 'power'], ['sensor', 'cur_voltage', 'voltage']])
    assert.deepEqual([profile.dps['19']!.unit, profile.dps['19']!.scale, profile.dps['17']!.unit, profile.dps['17']!.scale, profile.dps['18']!.unit], ['W', 1, 'kWh', 3, 'mA'])
  })

  it('switch and switch_N: switches; anything else by type', () => {
    assert.deepEqual(kinds({ '1': { code: 'switch_1', type: 'Boolean' }, '2': { code: 'switch_2', type: 'Boolean' }, '9': { code: 'countdown_1', type: 'Integer', values: { min: 0, max: 86400 } }, '38': { code: 'relay_status', type: 'Enum', values: { range: ['off', 'on', 'memory'] } }, '40': { code: 'light_mode', type: 'Enum' }, '41': { code: 'child_lock', type: 'Boolean', mode: 'ro' }, '50': { code: 'fault', type: 'Bitmap' }, '60': { type: 'String' }, '61': { type: 'Raw' } }), ['switch:switch_1', 'switch:switch_2', 'number:countdown_1', 'select:relay_status', 'sensor:light_mode', 'binary_sensor:child_lock', 'sensor:dp_60'])
  })

  it('a value without a range is not offered as settable; without any mapping, entities come from the values', () => {
    assert.deepEqual(deriveEntities({ '5': { type: 'value' } }), [{ kind: 'sensor', key: 'dp_5', dp: '5' }])
    assert.deepEqual(profileFromValues({ '1': true, '2': 17, '3': 'auto' }).entities.map((e) => e.kind), ['switch', 'sensor', 'sensor'])
  })
})

describe('command values', () => {
  const { dps } = profileFromMapping({ '1': { code: 'switch_1', type: 'Boolean' }, '2': { code: 'bright_value_v2', type: 'Integer', values: { min: 10, max: 1000, step: 10 } }, '3': { code: 'work_mode', type: 'Enum', values: { range: ['white', 'colour'] } }, '19': { code: 'cur_power', type: 'Integer' } })

  it('accepts what the DP takes', () => {
    assert.deepEqual(checkDps({ '1': true, '2': 500, '3': 'colour' }, dps, true), { '1': true, '2': 500, '3': 'colour' })
    assert.equal(checkDpValue('7', 'anything', undefined), 'anything')
  })

  it('refuses the rest with a message that says what the DP takes', () => {
    const refuses = (payload: unknown, re: RegExp) => assert.throws(() => checkDps(payload, dps, true), (e: Error) => e instanceof CommandError && e.code === 'TUYA_ERR_BAD_COMMAND' && re.test(e.message))
    refuses({ '1': 1 }, /DP 1 \(switch_1\) takes true or false, got 1/)
    refuses({ '2': 5 }, /from 10 to 1000 in steps of 10/)
    refuses({ '2': 505 }, /in steps of 10/)
    refuses({ '2': 50.5 }, /an integer/)
    refuses({ '3': 'blue' }, /one of "white", "colour"/)
    refuses({ '19': 3 }, /only reports/)
    refuses({ '8': true }, /no DP 8/)
    refuses('{"1":true}', /JSON object/)
    refuses(null, /JSON object/)
    assert.throws(() => checkDpValue('7', { a: 1 }, undefined), /not a DP value/)
  })
})

describe('the YAML profile file', () => {
  const text = `
mqtt:
  url: mqtts://broker.lan:8883
  username: bridge
  password: secret
  ca: /etc/ssl/home-ca.pem
root: home/tuya
discoveryPrefix: homeassistant
profiles:
  rgb-bulb:
    dps:
      20: { code: switch_led, type: bool }
      22: { code: bright_value_v2, type: value, min: 10, max: 1000 }
      24: { code: colour_data_v2, type: string }
  heater:
    dps:
      1: { code: switch, type: bool, name: Power }
      2: { type: value, min: 5, max: 35, unit: °C }
    entities:
      - { kind: switch, key: power, dp: 1 }
      - { kind: number, key: target, name: Target temperature, dp: 2 }
devices:
  bf81d2e6c4a09b37f5e1:
    name: Desk bulb
    profile: rgb-bulb
  bf07e3a9d5c1b8f4e2a6:
    name: Heater
    key: 0123456789abcdef
    host: 192.168.1.60
    version: "3.4"
    profile: heater
  bf9988776655443322aa:
    dps:
      1: { code: switch_1, type: bool }
`

  it('reads settings, profiles (entities derived or listed) and devices', () => {
    const file = parseBridgeFile(text)
    assert.deepEqual(file.mqtt, { url: 'mqtts://broker.lan:8883', username: 'bridge', password: 'secret', ca: '/etc/ssl/home-ca.pem' })
    assert.equal(file.root, 'home/tuya')
    assert.deepEqual(file.profiles['rgb-bulb']!.entities, [{ kind: 'light', key: 'light', switch: '20', brightness: '22', colour: '24', colourFormat: 'hsv12' }])
    assert.deepEqual(file.profiles['heater']!.entities, [{ kind: 'switch', key: 'power', dp: '1' }, { kind: 'number', key: 'target', name: 'Target temperature', dp: '2' }])
    assert.deepEqual(file.devices.map((d) => [d.id, d.name, d.version, d.profile === undefined]), [['bf81d2e6c4a09b37f5e1', 'Desk bulb', undefined, false], ['bf07e3a9d5c1b8f4e2a6', 'Heater', '3.4', false], ['bf9988776655443322aa', undefined, undefined, false]])
    assert.equal(file.devices[1]!.key, '0123456789abcdef')
    assert.deepEqual(file.devices[2]!.profile!.entities, [{ kind: 'switch', key: 'switch_1', dp: '1' }])
    assert.deepEqual(parseBridgeFile(''), { mqtt: {}, profiles: {}, devices: [] })
  })

  it('names the field at fault', () => {
    const fails = (yaml: string, re: RegExp) => assert.throws(() => parseBridgeFile(yaml, 'b.yaml'), (e: Error) => e instanceof ProfileError && re.test(e.message), yaml)
    fails('mqtt: [', /b.yaml is not valid YAML/)
    fails('- 1', /must be a mapping/)
    fails('brokers: {}', /unknown field "brokers"/)
    fails('devices:\n  bf1:\n    profile: nope\n', /profile "nope" is not in profiles/)
    fails('profiles:\n  p:\n    dps:\n      1: { type: boolean }\n', /profile p DP 1: type must be one of bool/)
    fails('profiles:\n  p:\n    dps:\n      1: { type: bool }\n    entities:\n      - { kind: lamp, dp: 1 }\n', /kind must be one of/)
    fails('profiles:\n  p:\n    dps:\n      1: { type: bool }\n    entities:\n      - { kind: switch, dp: 2 }\n', /dp names DP 2, which the profile does not list/)
    fails('profiles:\n  p:\n    dps:\n      1: { type: bool }\n    entities:\n      - { kind: light }\n', /a light needs switch/)
    fails('devices:\n  bf1:\n    port: high\n', /port must be a number/)
    fails('devices:\n  bf1:\n    colour: red\n', /unknown field "colour"/)
  })
})
