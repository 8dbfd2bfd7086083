/**
 * The frames both libraries are benchmarked on: per version, a typical CONTROL (about 110
 * bytes of JSON) and a 1 KB STATUS, each as a client request (encode) and as a device
 * reply with retcode 0 and the version header devices put in front (decode).
 * Keys: 3.3 uses the local key; 3.4/3.5 the session key of the golden vectors, as after a
 * handshake.
 */
import { buildControlRequest, CMD, type JsonPayload, type ProtocolVersion } from '@tuya/codec'
import { hexToBytes } from '@tuya/crypto'

export const VERSIONS = ['3.3', '3.4', '3.5'] as const satisfies readonly ProtocolVersion[]
export type BenchVersion = (typeof VERSIONS)[number]

export const LOCAL_KEY = '4a5e1f0c9b2d7e38'
const DEV_ID = 'bf1234567890abcdefgh'
const T = 1700000000
export const SEQ = 42

/** The key a frame of this version is protected with (as bytes for ours, as a Buffer-able array for tuyapi). */
export const SESSION_KEYS: Record<BenchVersion, Uint8Array | undefined> = {
  '3.3': undefined,
  '3.4': hexToBytes('fc8c69a4fcd70ffeaa0369c353a8f5f7'),
  '3.5': hexToBytes('813482bbf9bbba29b5646535951906a6'),
}

export interface PayloadCase {
  /** `CONTROL` or `STATUS`. */
  label: string
  cmd: number
  payload: JsonPayload
  /** Size of the compact JSON in bytes. */
  jsonBytes: number
}

// A bulb-like CONTROL: switch, mode, brightness, colour temperature, colour. 3.3's legacy
// form repeats devId and uid, so it sets fewer DPs to stay near 110 bytes of JSON.
const CONTROL_DPS = {
  '3.3': { '20': true, '22': 1000, '23': 500 },
  '3.4': { '20': true, '21': 'colour', '22': 1000, '23': 500, '24': '000003e803e8' },
  '3.5': { '20': true, '21': 'colour', '22': 1000, '23': 500, '24': '000003e803e8' },
} as const

/** Around 1 KB of DPs, the size of a full status from a multi-DP device. */
function statusDps(): Record<string, boolean | number | string> {
  const dps: Record<string, boolean | number | string> = {}
  for (let i = 1; i <= 78; i++) dps[String(100 + i)] = i % 3 === 0 ? true : i % 3 === 1 ? i * 37 : `mode_${i}`
  return dps
}

function json(payload: JsonPayload): number {
  return new TextEncoder().encode(JSON.stringify(payload)).length
}

/** The CONTROL and STATUS payloads of one version, in its own dialect (3.3 legacy, 3.4/3.5 protocol 4/5 wrappers). */
export function payloadCases(version: BenchVersion): PayloadCase[] {
  const control = buildControlRequest({ version, devId: DEV_ID, t: T }, CONTROL_DPS[version])
  const dps = statusDps()
  const status: JsonPayload = version === '3.3' ? { devId: DEV_ID, dps, t: T } : { protocol: 4, t: T, data: { dps } }
  return [
    { label: 'CONTROL', cmd: control.cmd, payload: control.payload, jsonBytes: json(control.payload) },
    { label: 'STATUS', cmd: CMD.STATUS, payload: status, jsonBytes: json(status) },
  ]
}
