/**
 * Which devices `tuya bridge` puts on the broker: every device of devices.json (tinytuya's wizard
 * file, with its `mapping` as the profile and `product_name` as the model), gateway children
 * under their gateway, merged with the devices of the bridge's YAML file, whose fields win (a
 * profile written by hand over the mapping, a port, a key for a device devices.json lacks).
 */
import type { ProtocolVersion } from '@tuya/codec'
import { isProtocolVersion } from '@tuya/codec'
import { profileFromMapping, type BridgeDevice, type FileDevice } from '@tuya/mqtt'
import type { DeviceEntry } from '../devices-file.ts'

/** The devices, and what could not be used (one line each, never a key). */
export interface BridgeDeviceList {
  readonly devices: BridgeDevice[]
  readonly skipped: string[]
}

function versionOf(value: string | undefined): ProtocolVersion | 'auto' | undefined {
  if (value === undefined) return undefined
  if (value === 'auto' || isProtocolVersion(value)) return value
  throw new RangeError(`version must be 3.1 to 3.5 or auto, got ${JSON.stringify(value)}`)
}

/**
 * Builds the bridge's device list.
 * @param entries - devices.json entries (may be empty)
 * @param fileDevices - the YAML file's devices (may be empty)
 * @returns the devices and the skipped ones with the reason
 */
export function bridgeDeviceList(entries: readonly DeviceEntry[], fileDevices: readonly FileDevice[]): BridgeDeviceList {
  const skipped: string[] = []
  const byId = new Map<string, { -readonly [K in keyof BridgeDevice]: BridgeDevice[K] }>()
  for (const entry of entries) {
    const device: { -readonly [K in keyof BridgeDevice]: BridgeDevice[K] } = { id: entry.id, name: entry.name }
    if (entry.key !== undefined) device.key = entry.key
    if (entry.ip !== undefined) device.host = entry.ip
    if (entry.version !== undefined) device.version = entry.version
    const model = entry.raw['product_name'] ?? entry.raw['model']
    if (typeof model === 'string' && model !== '') device.model = model
    if (entry.isSub && entry.nodeId !== undefined && entry.parentId !== undefined) {
      device.cid = entry.nodeId
      device.gatewayId = entry.parentId
      delete device.key
    }
    const mapping = entry.raw['mapping']
    if (mapping !== undefined && mapping !== null && typeof mapping === 'object' && Object.keys(mapping).length > 0) {
      try {
        device.profile = profileFromMapping(mapping, `devices.json: ${entry.name}`)
      } catch (error) {
        skipped.push(`${entry.name} (${entry.id}): its mapping is not usable, entities are guessed from its values: ${(error as Error).message}`)
      }
    }
    byId.set(entry.id, device)
  }
  for (const f of fileDevices) {
    const device = byId.get(f.id) ?? { id: f.id }
    if (f.name !== undefined) device.name = f.name
    if (f.key !== undefined) device.key = f.key
    if (f.host !== undefined) device.host = f.host
    if (f.port !== undefined) device.port = f.port
    if (f.version !== undefined) device.version = versionOf(f.version)
    if (f.profile !== undefined) device.profile = f.profile
    if (f.isGateway !== undefined) device.isGateway = f.isGateway
    if (f.cid !== undefined) device.cid = f.cid
    if (f.gateway !== undefined) device.gatewayId = f.gateway
    byId.set(f.id, device)
  }
  const devices: BridgeDevice[] = []
  for (const device of byId.values()) {
    const label = `${device.name ?? device.id} (${device.id})`
    if (device.cid !== undefined) {
      const gateway = device.gatewayId === undefined ? undefined : byId.get(device.gatewayId)
      if (gateway === undefined || gateway.key === undefined) {
        skipped.push(`${label}: its gateway ${device.gatewayId ?? '?'} is not listed with a local key`)
        continue
      }
      gateway.isGateway = true
    } else if (device.key === undefined) {
      skipped.push(`${label}: no local key (run the tinytuya wizard again, or add key: to the bridge file)`)
      continue
    }
    devices.push(device)
  }
  return { devices, skipped }
}
