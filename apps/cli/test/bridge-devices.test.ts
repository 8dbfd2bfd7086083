/**
 * Which devices `tuya bridge` bridges: devices.json entries (mapping as profile, product_name as
 * model, gateway children under their gateway), merged with the bridge file's devices.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { parseBridgeFile } from '@tuya/mqtt'
import { bridgeDeviceList } from '../src/bridge/bridge-devices.ts'
import { parseDevices } from '../src/devices-file.ts'

const DEVICES_JSON = JSON.stringify([
  { id: 'bfplug00000000000001', name: 'Plug', key: '0123456789abcdef', ip: '192.168.1.20', version: '3.3', product_name: 'Smart Plug', mapping: { '1': { code: 'switch_1', type: 'Boolean', values: {} } } },
  { id: 'bfgate00000000000001', name: 'Hub', key: 'fedcba9876543210', ip: '192.168.1.21', version: '3.4' },
  { id: 'bfchild0000000000001', name: 'Door', node_id: 'a4c1380f4cd8e7b2', parent: 'bfgate00000000000001', sub: true, mapping: { '1': { code: 'doorcontact_state', type: 'Boolean', values: {} } } },
  { id: 'bforphan000000000001', name: 'Orphan', node_id: 'a4c1380f4cd80000', parent: 'bfmissing', sub: true },
  { id: 'bfnokey0000000000001', name: 'No key', ip: '192.168.1.22' },
  { id: 'bfbadmap000000000001', name: 'Odd', key: '0123456789abcdef', mapping: { '1': { code: 'x', type: 'Float' } } },
])

it('takes devices.json as tinytuya writes it, and says what it skips', () => {
  const { devices, skipped } = bridgeDeviceList(parseDevices(DEVICES_JSON), [])
  assert.deepEqual(devices.map((d) => [d.id, d.cid, d.gatewayId, d.isGateway, d.model, d.profile?.entities.map((e) => e.kind)]), [
    ['bfplug00000000000001', undefined, undefined, undefined, 'Smart Plug', ['switch']],
    ['bfgate00000000000001', undefined, undefined, true, undefined, undefined],
    ['bfchild0000000000001', 'a4c1380f4cd8e7b2', 'bfgate00000000000001', undefined, undefined, ['switch']],
    ['bfbadmap000000000001', undefined, undefined, undefined, undefined, undefined],
  ])
  assert.equal(devices[2]!.key, undefined, 'a child uses its gateway key')
  assert.equal(skipped.length, 3)
  assert.match(skipped.join('\n'), /Odd \(bfbadmap000000000001\): its mapping is not usable, entities are guessed from its values: .*unknown type "Float"/)
  assert.match(skipped.join('\n'), /Orphan \(bforphan000000000001\): its gateway bfmissing is not listed with a local key/)
  assert.match(skipped.join('\n'), /No key \(bfnokey0000000000001\): no local key/)
})

it('lets the bridge file override devices.json field by field, and add devices', () => {
  const file = parseBridgeFile('devices:\n  bfplug00000000000001:\n    port: 7000\n    dps:\n      1: { code: switch_1, type: bool }\n      2: { code: countdown_1, type: value, min: 0, max: 60 }\n  bfextra0000000000001:\n    key: 0123456789abcdef\n    host: 127.0.0.1\n    version: auto\n')
  const { devices } = bridgeDeviceList(parseDevices(DEVICES_JSON), file.devices)
  const plug = devices.find((d) => d.id === 'bfplug00000000000001')!
  assert.deepEqual([plug.host, plug.port, plug.version, plug.name, plug.profile!.entities.map((e) => e.key)], ['192.168.1.20', 7000, '3.3', 'Plug', ['switch_1', 'countdown_1']])
  const extra = devices.find((d) => d.id === 'bfextra0000000000001')!
  assert.deepEqual([extra.host, extra.version], ['127.0.0.1', 'auto'])
  assert.throws(() => bridgeDeviceList([], parseBridgeFile('devices:\n  bfx:\n    key: 0123456789abcdef\n    version: "4.0"\n').devices), /version must be 3.1 to 3.5 or auto/)
})
