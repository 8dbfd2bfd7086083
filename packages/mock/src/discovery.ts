/**
 * UDP discovery, sans-I/O (PROTOCOL.md §14): the beacon a device broadcasts, the answer to a
 * 3.5 REQ_DEVINFO solicitation, and the parser of that solicitation. Formats follow
 * `discovery.json`: 3.1 plaintext 55AA cmd 0 (6666), 3.2-3.4 55AA cmd 19 with the body under
 * AES-ECB(udpkey) (6667), 3.5 6699 cmd 19 under AES-GCM(udpkey).
 */
import { decodeFrame, encodeFrame, UDP_FRAMES, UDP_KEY, type UdpFrameKind } from '@tuya/codec'
import type { RandomSource } from '@tuya/crypto'
import type { VersionProfile } from './profiles.ts'

/** What goes into a beacon's JSON. */
export interface BeaconIdentity {
  ip: string
  gwId: string
  productKey: string
  /** 3.5 only: the hardware uuid. */
  uuid: string
  version: string
}

const CMD_REQ_DEVINFO = 37

// Field sets and order of the captured beacons (discovery.json). 3.1 spells `ability`; later
// firmware misspells it `ablilty` (§14.1).
function beaconJson(kind: UdpFrameKind, id: BeaconIdentity, isReply: boolean): Record<string, unknown> {
  const { ip, gwId, productKey, uuid, version } = id
  if (kind === '55aa-plain') return { ip, gwId, active: 2, ability: 0, mode: 0, encrypt: true, productKey, version }
  if (kind === '55aa-ecb') return { ip, gwId, active: 2, ablilty: 0, encrypt: true, productKey, version }
  const base = { ip, gwId, uuid, active: 2, ablilty: 0, encrypt: true, productKey, version }
  // Current 3.5 firmware adds its LAN capability fields to the answer (udp7000_device_reply).
  if (isReply) return { ...base, pro_ability: 1, lan_cap: 5030, lan_seq: 21, lan_ablilty: 1, token: true, wf_cfg: true, clientLink: 32 }
  return { ...base, token: true, wf_cfg: true }
}

function encodeBeacon(profile: VersionProfile, json: Record<string, unknown>, random: RandomSource): Uint8Array {
  const { kind, cmd } = profile.beacon
  const { version, isEncrypted } = UDP_FRAMES[kind]
  // A plaintext beacon is a 3.1 frame: its rule sends cmd 0 in clear, and a key would be unused.
  const key = isEncrypted ? UDP_KEY : undefined
  return encodeFrame({ version, key, direction: 'fromDevice', cmd, seq: 0, payload: JSON.stringify(json), retcode: 0, random })
}

/**
 * The periodic beacon of a device.
 * @param profile - the device's version profile
 * @param identity - ip, gwId, productKey, uuid, version
 * @param random - source of the 3.5 GCM IV
 * @returns the datagram
 */
export function buildBeacon(profile: VersionProfile, identity: BeaconIdentity, random: RandomSource): Uint8Array {
  return encodeBeacon(profile, beaconJson(profile.beacon.kind, identity, false), random)
}

/**
 * The answer to a REQ_DEVINFO solicitation (3.5): the beacon JSON with the capability fields.
 * @returns the datagram, to be sent to the `ip` of the request
 */
export function buildSolicitationReply(profile: VersionProfile, identity: BeaconIdentity, random: RandomSource): Uint8Array {
  return encodeBeacon(profile, beaconJson(profile.beacon.kind, identity, true), random)
}

/**
 * Reads a client's REQ_DEVINFO solicitation: a 6699 frame, cmd 37, no retcode, GCM(udpkey),
 * `{"from":"app","ip":"<client IPv4>"}` (§14.2).
 * @param datagram - received bytes
 * @returns the IPv4 address to answer, or undefined for anything else
 */
export function parseSolicitation(datagram: Uint8Array): { ip: string } | undefined {
  try {
    // Solicitations are 6699 frames under the udpkey, without a retcode (§14.2).
    const frame = decodeFrame(datagram, { version: UDP_FRAMES['6699-gcm'].version, key: UDP_KEY, direction: 'toDevice' })
    if (frame.cmd !== CMD_REQ_DEVINFO) return undefined
    const ip = (frame.json as { ip?: unknown } | undefined)?.ip
    return typeof ip === 'string' && /^\d{1,3}(\.\d{1,3}){3}$/.test(ip) ? { ip } : undefined
  } catch {
    return undefined // not a solicitation, or not for the udpkey: ignore it, as devices do
  }
}
