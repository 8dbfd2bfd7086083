/**
 * parseDevicePayload: turns a decoded device frame into an acknowledgement, DPs, other JSON
 * or a device error (PROTOCOL.md §8.3, §10, §11).
 */
import { deviceErrorFor } from './device-errors.ts'
import { NotJsonError } from './errors.ts'
import { bytesToText, looksLikeJson, parseJson } from './json.ts'
import type { DecodedFrame, DeviceMessage, Dps } from './types.ts'
import { checkOptions } from './validate.ts'

type Input = Pick<DecodedFrame, 'cmd' | 'retcode' | 'payload' | 'text' | 'json'>

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Classifies a device payload. Empty is an acknowledgement whatever the retcode (one
 * official firmware acknowledges with retcode 1, §11); JSON with `dps` (or `data.dps`,
 * normalised) is a DP report with `cid`/`devId`/`t` metadata taken from the top level or
 * from `data`; other JSON is returned as is; text that is not JSON is a device error.
 *
 * @param frame - a DecodedFrame, or any object with cmd, retcode, payload and optional text/json
 * @returns `{ type: 'ack' | 'dps' | 'json' | 'error', … }`
 * @throws NotJsonError when the payload is binary (not text) or JSON-looking text that does not parse
 * @throws TypeError when `frame` has no Uint8Array payload
 * @example
 * parseDevicePayload(decodeFrame(bytes, { version: '3.4', key: sessionKey }))
 * // { type: 'dps', dps: { '1': false }, t: 1700000000, json: { protocol: 4, … } }
 */
export function parseDevicePayload(frame: Input): DeviceMessage {
  checkOptions(frame, 'frame')
  if (!(frame.payload instanceof Uint8Array)) throw new TypeError('frame.payload must be a Uint8Array')
  if (frame.payload.length === 0) return { type: 'ack' }
  let json = frame.json
  if (json === undefined) {
    const text = frame.text ?? bytesToText(frame.payload)
    if (text === undefined) throw new NotJsonError(`cmd ${frame.cmd} payload is neither text nor JSON; it cannot be a device reply (wrong key or version?)`)
    if (!looksLikeJson(text)) return { type: 'error', error: deviceErrorFor(text.trim(), frame.retcode) }
    json = parseJson(text)
  }
  if (!isRecord(json)) return { type: 'json', json }
  const data = isRecord(json.data) ? json.data : undefined
  const dps = isRecord(json.dps) ? json.dps : data !== undefined && isRecord(data.dps) ? data.dps : undefined
  if (dps === undefined) return { type: 'json', json }
  const message: DpsMessage = { type: 'dps', dps: dps as Dps, json }
  const cid = pickString(json.cid, data?.cid)
  if (cid !== undefined) message.cid = cid
  const devId = pickString(json.devId, data?.devId)
  if (devId !== undefined) message.devId = devId
  const t = pickTime(json.t) ?? pickTime(data?.t)
  if (t !== undefined) message.t = t
  return message
}

type DpsMessage = Extract<DeviceMessage, { type: 'dps' }>

function pickString(top: unknown, nested: unknown): string | undefined {
  if (typeof top === 'string') return top
  if (typeof nested === 'string') return nested
  return undefined
}

/** `t` arrives as a number or, from 3.1-3.3 era payloads, as a string of digits. */
function pickTime(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value)
  return undefined
}
