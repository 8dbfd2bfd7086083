/**
 * The simulated devices of the broker tests: one per protocol version plus a gateway, each with
 * a tinytuya-style mapping, so every kind of entity is discovered: a 3.1 plug, a 3.3 bulb, a 3.4
 * cover, a 3.5 metering plug and a 3.4 gateway with one child switch.
 */
import type { Dps, ProtocolVersion } from '@tuya/client'
import { createMockDevice, type MockDevice } from '@tuya/mock'
import { profileFromMapping, type BridgeDevice } from '../../src/index.ts'

export interface TestDevice {
  readonly name: string
  readonly version: ProtocolVersion
  readonly id: string
  readonly key: string
  readonly dps: Dps
  readonly mapping: Record<string, unknown>
  readonly children?: Record<string, Dps>
}

export const CHILD_CID = 'a4c1380f4cd8e7b2'
export const CHILD_ID = 'bfchild0a4c1380f4cd8'

export const DEVICES: readonly TestDevice[] = [
  { name: 'Plug 3.1', version: '3.1', id: 'bf31000000000000plug', key: 'k31aaaaaaaaaaaaa', dps: { '1': false, '9': 0 }, mapping: { '1': { code: 'switch_1', type: 'Boolean', values: {} }, '9': { code: 'countdown_1', type: 'Integer', values: { min: 0, max: 86400, scale: 0, step: 1, unit: 's' } } } },
  {
    name: 'Bulb 3.3', version: '3.3', id: 'bf33000000000000bulb', key: 'k33bbbbbbbbbbbbb',
    dps: { '20': false, '21': 'white', '22': 500, '23': 300, '24': '000003e803e8' },
    mapping: {
      '20': { code: 'switch_led', type: 'Boolean', values: {} },
      '21': { code: 'work_mode', type: 'Enum', values: { range: ['white', 'colour', 'scene', 'music'] } },
      '22': { code: 'bright_value_v2', type: 'Integer', values: '{"min":10,"max":1000,"scale":0,"step":1}' },
      '23': { code: 'temp_value_v2', type: 'Integer', values: { min: 0, max: 1000, scale: 0, step: 1 } },
      '24': { code: 'colour_data_v2', type: 'Json', values: {} },
    },
  },
  {
    name: 'Curtain 3.4', version: '3.4', id: 'bf34000000000000curt', key: 'k34ccccccccccccc',
    dps: { '1': 'stop', '2': 0, '3': 0 },
    mapping: { '1': { code: 'control', type: 'Enum', values: { range: ['open', 'stop', 'close'] } }, '2': { code: 'percent_control', type: 'Integer', values: { min: 0, max: 100, unit: '%', scale: 0, step: 1 } }, '3': { code: 'percent_state', type: 'Integer', values: { min: 0, max: 100, unit: '%', scale: 0, step: 1 } } },
  },
  {
    name: 'Meter 3.5', version: '3.5', id: 'bf35000000000000metr', key: 'k35ddddddddddddd',
    dps: { '1': true, '17': 1234, '18': 150, '19': 345, '20': 2301 },
    mapping: {
      '1': { code: 'switch_1', type: 'Boolean', values: {} },
      '17': { code: 'add_ele', type: 'Integer', values: { min: 0, max: 50000, scale: 3, step: 100, unit: 'kwh' } },
      '18': { code: 'cur_current', type: 'Integer', values: { min: 0, max: 30000, scale: 0, step: 1, unit: 'mA' } },
      '19': { code: 'cur_power', type: 'Integer', values: { min: 0, max: 80000, scale: 1, step: 1, unit: 'W' } },
      '20': { code: 'cur_voltage', type: 'Integer', values: { min: 0, max: 5000, scale: 1, step: 1, unit: 'V' } },
    },
  },
  { name: 'Gateway 3.4', version: '3.4', id: 'bf34000000000000gate', key: 'k34ggggggggggggg', dps: { '1': true }, mapping: {}, children: { [CHILD_CID]: { '1': false } } },
]

/** A thermostat mapping (no mock needed: its discovery is checked from the profile). */
export const THERMOSTAT_MAPPING = {
  '1': { code: 'switch', type: 'Boolean', values: {} },
  '2': { code: 'temp_set', type: 'Integer', values: { min: 50, max: 350, scale: 1, step: 5, unit: '℃' } },
  '3': { code: 'temp_current', type: 'Integer', values: { min: -200, max: 1000, scale: 1, step: 1, unit: '℃' } },
  '4': { code: 'mode', type: 'Enum', values: { range: ['auto', 'manual', 'holiday'] } },
}

export interface RunningDevice extends TestDevice {
  readonly mock: MockDevice
}

/** Starts every test device on an OS-assigned loopback port. */
export async function startDevices(): Promise<RunningDevice[]> {
  const running: RunningDevice[] = []
  try {
    for (const d of DEVICES) {
      const mock = await createMockDevice({ version: d.version, id: d.id, localKey: d.key, dps: { ...d.dps }, gateway: d.children === undefined ? false : structuredClone(d.children), idleTimeoutMs: 0 })
      running.push({ ...d, mock })
    }
  } catch (error) {
    await Promise.allSettled(running.map((r) => r.mock.close()))
    throw error
  }
  return running
}

/** The bridge's device list for the running devices (the gateway child included). */
export function bridgeDevices(running: readonly RunningDevice[]): BridgeDevice[] {
  const list: BridgeDevice[] = []
  for (const d of running) {
    list.push({ id: d.id, key: d.key, host: '127.0.0.1', port: d.mock.port, version: d.version, name: d.name, ...(d.children === undefined ? { profile: profileFromMapping(d.mapping) } : { isGateway: true }) })
    if (d.children !== undefined) list.push({ id: CHILD_ID, cid: CHILD_CID, gatewayId: d.id, name: 'Child switch', profile: profileFromMapping({ '1': { code: 'switch_1', type: 'Boolean', values: {} } }) })
  }
  return list
}
