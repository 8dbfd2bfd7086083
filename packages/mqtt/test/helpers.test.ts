/**
 * Colour encodings, the light's DP arithmetic, HA's JSON light schema, and the typed helpers
 * driving real @tuya/mock devices over TCP.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createDevice } from '@tuya/client'
import { createMockDevice } from '@tuya/mock'
import { createClimate, createCover, createLight, CommandError, decodeColour, encodeColour, haLightCommand, haLightState, NoSuchEntityError, profileFromMapping, readLight, type LightEntity } from '../src/index.ts'
import { DEVICES, THERMOSTAT_MAPPING } from './support/devices.ts'

describe('colour encodings', () => {
  it('hsv12 (colour_data_v2): hhhhssssvvvv, s and v 0-1000', () => {
    assert.equal(encodeColour({ h: 120, s: 100, v: 50 }, 'hsv12'), '007803e801f4')
    assert.deepEqual(decodeColour('007803e801f4', 'hsv12'), { h: 120, s: 100, v: 50 })
    assert.equal(encodeColour({ h: 360, s: 0, v: 100 }, 'hsv12'), '0168000003e8')
  })

  it('rgbhsv14 (colour_data): rrggbbhhhhssvv with RGB, s and v 0-255', () => {
    assert.equal(encodeColour({ h: 0, s: 100, v: 100 }, 'rgbhsv14'), 'ff00000000ffff')
    assert.equal(encodeColour({ h: 240, s: 100, v: 50 }, 'rgbhsv14'), '00008000f0ff80')
    assert.deepEqual(decodeColour('ff00000000ffff', 'rgbhsv14'), { h: 0, s: 100, v: 100 })
  })

  it('decodes by length when the value disagrees with the format, and nothing from junk', () => {
    assert.deepEqual(decodeColour('007803e801f4', 'rgbhsv14'), { h: 120, s: 100, v: 50 })
    assert.equal(decodeColour('xyz', 'hsv12'), undefined)
    assert.equal(decodeColour(42, 'hsv12'), undefined)
    assert.equal(decodeColour('0078', 'hsv12'), undefined)
  })

  it('refuses components out of range', () => {
    assert.throws(() => encodeColour({ h: 361, s: 0, v: 0 }, 'hsv12'), /colour.h must be a hue from 0 to 360/)
    assert.throws(() => encodeColour({ h: 0, s: 101, v: 0 }, 'hsv12'), /colour.s/)
    assert.throws(() => encodeColour({ h: 0, s: 0, v: -1 }, 'hsv12'), /colour.v/)
  })
})

const bulb = DEVICES.find((d) => d.version === '3.3')!
const bulbProfile = profileFromMapping(bulb.mapping)
const light = bulbProfile.entities[0] as LightEntity

describe('the light in percent, kelvin and HA JSON', () => {
  it('reads white and colour modes', () => {
    assert.deepEqual(readLight(light, bulbProfile.dps, { '20': true, '21': 'white', '22': 505, '23': 500, '24': '000003e803e8' }), { isOn: true, mode: 'white', brightness: 50, colour: { h: 0, s: 100, v: 100 }, kelvin: 4600 })
    assert.deepEqual(haLightState(light, bulbProfile.dps, { '20': false, '21': 'colour', '22': 10, '23': 0, '24': '00f003e801f4' }), { state: 'OFF', brightness: 128, color_mode: 'hs', color: { h: 240, s: 100 } })
  })

  it('turns HA commands into DPs: brightness applies to the current mode', () => {
    const white = { '20': true, '21': 'white', '22': 505, '23': 0, '24': '000003e803e8' }
    assert.deepEqual(haLightCommand(light, bulbProfile.dps, white, { state: 'ON', brightness: 255 }), { '20': true, '22': 1000 })
    assert.deepEqual(haLightCommand(light, bulbProfile.dps, { ...white, '21': 'colour' }, { brightness: 0 }), { '24': '000003e80000' })
    assert.deepEqual(haLightCommand(light, bulbProfile.dps, white, { color_temp: 6500 }), { '23': 1000, '21': 'white' })
    assert.deepEqual(haLightCommand(light, bulbProfile.dps, white, { state: 'OFF' }), { '20': false })
    assert.throws(() => haLightCommand(light, bulbProfile.dps, white, { color_temp: 1000 }), (e: Error) => e instanceof CommandError && /kelvin must be from 2700 to 6500/.test(e.message))
    assert.throws(() => haLightCommand(light, bulbProfile.dps, white, { brightness: 300 }), /0 to 255/)
    assert.throws(() => haLightCommand(light, bulbProfile.dps, white, { color: 'red' }), /color must be/)
    assert.throws(() => haLightCommand(light, bulbProfile.dps, white, { effect: 'rainbow' }), /"effect" is not one of them/)
  })
})

describe('typed helpers on real devices', () => {
  it('light.setColour / setBrightness / setColourTemperature set the DPs the profile says', async () => {
    await using mock = await createMockDevice({ version: '3.3', id: bulb.id, localKey: bulb.key, dps: { ...bulb.dps } })
    await using device = createDevice({ id: bulb.id, key: bulb.key, host: '127.0.0.1', port: mock.port, version: '3.3' })
    await device.status()
    const lamp = createLight(device, bulbProfile)
    await lamp.setColour({ h: 120, s: 100, v: 50 })
    assert.deepEqual({ mode: mock.dps['21'], colour: mock.dps['24'], on: mock.dps['20'] }, { mode: 'colour', colour: '007803e801f4', on: true })
    assert.deepEqual(lamp.state.colour, { h: 120, s: 100, v: 50 })
    await lamp.setBrightness(20)
    assert.equal(mock.dps['24'], '007803e800c8')
    await lamp.setColourTemperature(2700)
    assert.deepEqual([mock.dps['21'], mock.dps['23']], ['white', 0])
    await lamp.setBrightness(100)
    assert.equal(mock.dps['22'], 1000)
    await lamp.turnOff()
    assert.equal(mock.dps['20'], false)
    assert.throws(() => lamp.change({ brightness: 150 }), /brightness must be a percentage/)
  })

  it('cover.setPosition(50), open, stop', async () => {
    const curtain = DEVICES.find((d) => d.version === '3.4' && d.children === undefined)!
    await using mock = await createMockDevice({ version: '3.4', id: curtain.id, localKey: curtain.key, dps: { ...curtain.dps } })
    await using device = createDevice({ id: curtain.id, key: curtain.key, host: '127.0.0.1', port: mock.port, version: '3.4' })
    const cover = createCover(device, profileFromMapping(curtain.mapping))
    await cover.setPosition(50)
    assert.equal(mock.dps['2'], 50)
    await cover.open()
    assert.equal(mock.dps['1'], 'open')
    await cover.stop()
    assert.equal(mock.dps['1'], 'stop')
    mock.setDps({ '3': 42 })
    await device.status()
    assert.equal(cover.position, 42)
    await assert.rejects(cover.setPosition(101), /integer from 0 to 100/)
  })

  it('climate.setTargetTemperature scales and checks the range', async () => {
    await using mock = await createMockDevice({ version: '3.5', dps: { '1': false, '2': 200, '3': 195, '4': 'auto' } })
    await using device = createDevice({ id: mock.id, key: mock.localKey, host: '127.0.0.1', port: mock.port, version: '3.5' })
    const climate = createClimate(device, profileFromMapping(THERMOSTAT_MAPPING))
    await climate.setTargetTemperature(21.5)
    assert.equal(mock.dps['2'], 215)
    assert.equal(climate.targetTemperature, 21.5)
    await climate.setMode('manual')
    await climate.turnOn()
    assert.deepEqual([mock.dps['4'], mock.dps['1']], ['manual', true])
    await assert.rejects(climate.setTargetTemperature(40), /from 50 to 350/)
    await assert.rejects(climate.setTargetTemperature(21.2), /steps of 5/)
    await assert.rejects(climate.setMode('turbo'), /one of "auto", "manual", "holiday"/)
  })

  it('says which entities a profile has when the helper does not fit', () => {
    const plug = profileFromMapping({ '1': { code: 'switch_1', type: 'Boolean' } })
    assert.throws(() => createLight({ set: async () => ({}), state: {} }, plug), (e: Error) => e instanceof NoSuchEntityError && /no light \(its entities: switch switch_1\)/.test(e.message))
  })
})
