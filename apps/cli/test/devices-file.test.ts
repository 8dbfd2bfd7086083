/**
 * devices.json (tinytuya's wizard format): parsing, lookup by name or id, sub-devices
 * resolved to their gateway, default locations, and one-line typed errors.
 */
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { TuyaError } from '@tuya/crypto'
import {
  AmbiguousDeviceError,
  devicesFileCandidates,
  DevicesFileError,
  DevicesFileNotFoundError,
  findDevice,
  IncompleteDeviceError,
  loadDevices,
  lookUpDevice,
  parseDevices,
  resolveDevice,
  UnknownDeviceError,
} from '../src/devices-file.ts'

// Shaped like tinytuya's wizard output (extra fields kept as the wizard writes them).
const WIZARD = [
  {
    name: 'Living room lamp', id: 'bf1234567890abcdefgh', key: "4a5e1f0c9b2d7e38", mac: '10:5a:17:00:00:01', uuid: 'abc123',
    category: 'dj', product_name: 'Smart Bulb', product_id: 'keyabc', biz_type: 18, model: '', sub: false,
    icon: 'https://images.tuyaeu.com/smart/icon/x.png', mapping: { '20': { code: 'switch_led', type: 'Boolean', values: {} } },
    ip: '192.168.1.50', version: '3.3',
  },
  { name: 'Living room fan', id: 'bf2222222222222222aa', key: 'aaaaaaaaaaaaaaaa', ip: '192.168.1.51', version: 3.4 },
  { name: 'Zigbee gateway', id: 'bf3333333333333333gw', key: 'gggggggggggggggg', ip: '192.168.1.60', version: '3.5', sub: false },
  { name: 'Door sensor', id: 'bf4444444444444444ds', key: 'ssssssssssssssss', node_id: 'a4c1380f4cd8e7b2', parent: 'bf3333333333333333gw', sub: true, ip: '', version: '' },
  { name: 'Orphan sensor', id: 'bf5555555555555555os', key: '', node_id: 'a4c1380f4cd8e7b3', parent: 'bf0000000000000000xx', sub: true },
  { name: 'Cloud only', id: 'bf6666666666666666co', key: '' },
  { name: 'Twin', id: 'bf7777777777777777t1', key: 'tttttttttttttttt' },
  { name: 'twin', id: 'bf8888888888888888t2', key: 'uuuuuuuuuuuuuuuu' },
]

const devices = parseDevices(JSON.stringify(WIZARD, null, 2), 'devices.json')

describe('parseDevices', () => {
  it('reads the wizard format, normalising version, ip and sub-device fields', () => {
    assert.equal(devices.length, WIZARD.length)
    assert.equal(devices[0]!.version, '3.3')
    assert.equal(devices[0]!.ip, '192.168.1.50')
    assert.equal(devices[0]!.raw['product_name'], 'Smart Bulb')
    assert.equal(devices[1]!.version, '3.4', 'a float version becomes "3.4"')
    assert.equal(devices[3]!.isSub, true)
    assert.equal(devices[3]!.nodeId, 'a4c1380f4cd8e7b2')
    assert.equal(devices[3]!.parentId, 'bf3333333333333333gw')
    assert.equal(devices[3]!.ip, undefined, 'an empty ip is no ip')
    assert.equal(devices[3]!.version, undefined)
    assert.equal(devices[5]!.key, undefined, 'an empty key is no key')
  })

  it('accepts { "devices": [...] }, parent_id/gateway_id, last_ip', () => {
    const list = parseDevices(JSON.stringify({ devices: [{ id: 'a', last_ip: '10.0.0.9' }, { id: 'b', node_id: '1', gateway_id: 'a' }] }))
    assert.equal(list[0]!.ip, '10.0.0.9')
    assert.equal(list[0]!.name, 'a', 'no name: the id')
    assert.equal(list[1]!.parentId, 'a')
    assert.equal(list[1]!.isSub, true)
  })

  it('rejects what is not a device list, with one-line typed errors', () => {
    const cases: [string, RegExp][] = [
      ['{not json', /devices\.json is not valid JSON/],
      ['{"a":1}', /must hold a JSON array/],
      ['[1]', /entry 0 is not an object/],
      ['[{"name":"x"}]', /entry 0 has no id/],
      ['[{"id":"x","key":{"k":1}}]', /device x: key must be a string/],
    ]
    for (const [text, message] of cases) {
      assert.throws(() => parseDevices(text), (e: unknown) => e instanceof DevicesFileError && e instanceof TuyaError && e.code === 'TUYA_ERR_DEVICES_FILE' && message.test(e.message) && !e.message.includes('\n'))
    }
  })
})

describe('findDevice and resolveDevice', () => {
  it('finds by id, by name (any case), then by unique prefix', () => {
    assert.equal(findDevice('bf1234567890abcdefgh', devices).name, 'Living room lamp')
    assert.equal(findDevice('LIVING ROOM LAMP', devices).id, 'bf1234567890abcdefgh')
    assert.equal(findDevice('door', devices).id, 'bf4444444444444444ds')
    assert.equal(findDevice('bf2222', devices).name, 'Living room fan')
  })

  it('ambiguous names and prefixes list the candidates', () => {
    assert.throws(() => findDevice('living', devices), (e: unknown) => {
      assert.ok(e instanceof AmbiguousDeviceError)
      assert.equal(e.code, 'TUYA_ERR_AMBIGUOUS_DEVICE')
      assert.deepEqual(e.candidates.map((d) => d.name), ['Living room lamp', 'Living room fan'])
      assert.match(e.message, /"Living room lamp" \(bf1234567890abcdefgh\), "Living room fan" \(bf2222222222222222aa\)/)
      return true
    })
    assert.throws(() => findDevice('twin', devices), (e: unknown) => e instanceof AmbiguousDeviceError && /use the id/.test(e.message))
    assert.equal(findDevice('bf7777777777777777t1', devices).name, 'Twin', 'the id settles it')
  })

  it('unknown names are a typed error', () => {
    assert.throws(() => findDevice('garage', devices), (e: unknown) => e instanceof UnknownDeviceError && e.code === 'TUYA_ERR_DEVICE_NOT_IN_FILE' && /no device named "garage"/.test(e.message))
    assert.throws(() => findDevice('  ', devices), TypeError)
  })

  it('resolves a plain device', () => {
    assert.deepEqual(resolveDevice('Living room lamp', devices), { id: 'bf1234567890abcdefgh', name: 'Living room lamp', key: '4a5e1f0c9b2d7e38', ip: '192.168.1.50', version: '3.3' })
  })

  it('resolves a sub-device to its gateway: ip, key and version of the parent, cid = node_id', () => {
    assert.deepEqual(resolveDevice('Door sensor', devices), {
      id: 'bf4444444444444444ds', name: 'Door sensor', key: 'gggggggggggggggg', ip: '192.168.1.60', version: '3.5', cid: 'a4c1380f4cd8e7b2', gatewayId: 'bf3333333333333333gw',
    })
  })

  it('incomplete entries: no key, gateway missing', () => {
    assert.throws(() => resolveDevice('Cloud only', devices), (e: unknown) => e instanceof IncompleteDeviceError && /has no local key/.test(e.message))
    assert.throws(() => resolveDevice('Orphan', devices), (e: unknown) => e instanceof IncompleteDeviceError && /gateway bf0000000000000000xx .* is not in devices\.json/.test(e.message))
    const noParent = parseDevices('[{"id":"s","sub":true,"node_id":"1"}]')
    assert.throws(() => resolveDevice('s', noParent), /has no parent gateway/)
  })

  it('a version that is none of 3.1-3.5 or auto is refused when the device is used, not taken as auto', () => {
    const file = parseDevices(JSON.stringify([
      { name: 'Bad', id: 'bf01', key: 'aaaaaaaaaaaaaaaa', version: '9.9' },
      { name: 'Fruit', id: 'bf02', key: 'aaaaaaaaaaaaaaaa', version: 'banana' },
      { name: 'Float', id: 'bf03', key: 'aaaaaaaaaaaaaaaa', version: 3.6 },
      { name: 'Auto', id: 'bf04', key: 'aaaaaaaaaaaaaaaa', version: 'auto' },
      { name: 'Unknown', id: 'bf05', key: 'aaaaaaaaaaaaaaaa', version: 0 },
      { name: 'Gateway', id: 'bf06', key: 'aaaaaaaaaaaaaaaa', version: '4.0' },
      { name: 'Child', id: 'bf07', node_id: 'n1', parent: 'bf06', sub: true },
    ]))
    for (const [name, shown] of [['Bad', '9.9'], ['Fruit', 'banana'], ['Float', '3.6']] as const) {
      assert.throws(() => resolveDevice(name, file), (e: unknown) => e instanceof DevicesFileError && e.message === `device "${name}" (${file.find((d) => d.name === name)!.id}) has "version": "${shown}" in devices.json; a version must be 3.1, 3.2, 3.3, 3.4, 3.5 or auto (fix the entry, or remove "version" to detect it)`, name)
    }
    assert.throws(() => resolveDevice('Child', file), /gateway "Gateway" \(bf06\) of sub-device "Child" has "version": "4\.0"/)
    assert.equal(resolveDevice('Auto', file).version, undefined)
    assert.equal(resolveDevice('Unknown', file).version, undefined)
  })

  it('error messages never carry keys', () => {
    for (const name of ['Cloud only', 'Orphan', 'living', 'garage']) {
      try {
        resolveDevice(name, devices)
      } catch (error) {
        for (const d of WIZARD) if (d.key !== '') assert.ok(!(error as Error).message.includes(d.key))
      }
    }
  })
})

describe('loadDevices: where devices.json is found', () => {
  const root = mkdtempSync(join(tmpdir(), 'tuya-devices-'))
  after(() => rmSync(root, { recursive: true, force: true }))
  const cwd = join(root, 'work')
  const home = join(root, 'home')
  mkdirSync(cwd, { recursive: true })
  mkdirSync(join(home, '.config', 'tuya'), { recursive: true })
  const write = (path: string, name: string): string => {
    writeFileSync(path, JSON.stringify([{ id: name, name, key: '0123456789abcdef' }]))
    return path
  }

  it('in order: --devices, $TUYA_DEVICES, ./devices.json, ~/.config/tuya/devices.json', async () => {
    const options = { cwd, homeDir: home, env: {} }
    await assert.rejects(loadDevices(undefined, options), (e: unknown) => e instanceof DevicesFileNotFoundError && e.code === 'TUYA_ERR_DEVICES_FILE_NOT_FOUND' && /looked in .*devices\.json/.test((e as Error).message))
    assert.deepEqual(await loadDevices(undefined, { ...options, isRequired: false }), [])
    write(join(home, '.config', 'tuya', 'devices.json'), 'from-config')
    assert.equal((await loadDevices(undefined, options))[0]!.id, 'from-config')
    write(join(cwd, 'devices.json'), 'from-cwd')
    assert.equal((await loadDevices(undefined, options))[0]!.id, 'from-cwd')
    const envFile = write(join(root, 'env.json'), 'from-env')
    assert.equal((await loadDevices(undefined, { ...options, env: { TUYA_DEVICES: envFile } }))[0]!.id, 'from-env')
    const flagFile = write(join(root, 'flag.json'), 'from-flag')
    assert.equal((await loadDevices(flagFile, { ...options, env: { TUYA_DEVICES: envFile } }))[0]!.id, 'from-flag')
  })

  it('$XDG_CONFIG_HOME moves the config directory', () => {
    const paths = devicesFileCandidates({ cwd, homeDir: home, env: { XDG_CONFIG_HOME: '/xdg' } })
    assert.deepEqual(paths, [join(cwd, 'devices.json'), join('/xdg', 'tuya', 'devices.json')])
  })

  it('a named file that does not exist is an error, even when not required', async () => {
    await assert.rejects(loadDevices(join(root, 'nope.json'), { cwd, homeDir: home, env: {}, isRequired: false }), DevicesFileNotFoundError)
    await assert.rejects(loadDevices(undefined, { cwd, homeDir: home, env: { TUYA_DEVICES: join(root, 'nope.json') }, isRequired: false }), /TUYA_DEVICES names .*nope\.json, which does not exist/)
  })

  it('lookUpDevice: what a command does with "tuya get NAME --devices FILE"', async () => {
    const file = join(root, 'wizard.json')
    writeFileSync(file, JSON.stringify(WIZARD))
    const device = await lookUpDevice('door sensor', file, { cwd, homeDir: home, env: {} })
    assert.equal(device.cid, 'a4c1380f4cd8e7b2')
    assert.equal(device.ip, '192.168.1.60')
    await assert.rejects(lookUpDevice('garage', file), UnknownDeviceError)
  })

  it('a broken file names itself', async () => {
    const broken = join(root, 'broken.json')
    writeFileSync(broken, '[{"id": }]')
    await assert.rejects(loadDevices(broken), (e: unknown) => e instanceof DevicesFileError && (e as Error).message.startsWith(`${broken} is not valid JSON`))
  })
})
