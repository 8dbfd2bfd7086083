/**
 * Before timing anything, check that both libraries speak the same frames, so the
 * comparison is like for like: equal bytes where both are deterministic, and each side
 * decoding what the other produced. Throws on any disagreement.
 */
import { deepStrictEqual } from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { decodeFrame, encodeFrame, type JsonPayload } from '@tuya/codec'
import { bytesToHex, utf8ToBytes } from '@tuya/crypto'
import { type BenchVersion, type PayloadCase, SEQ } from './fixtures.ts'
import type { TuyapiCodec } from './tuyapi.ts'
import type { OurCodec } from './ours.ts'

/** What tuyapi returns for a device payload: 3.4/3.5 unwrap `data` and copy `t` into it. */
function tuyapiView(version: BenchVersion, payload: JsonPayload): unknown {
  if (version === '3.3') return payload
  const { t, data } = payload as { t: number; data: Record<string, unknown> }
  return { ...data, t }
}

function sameBytes(a: Uint8Array, b: Uint8Array, what: string): void {
  if (bytesToHex(a) !== bytesToHex(b)) throw new Error(`${what}: the two libraries produced different bytes`)
}

// tuyapi derives the 3.5 GCM IV from the clock (cipher.js:98): the first 12 digits of Date.now() * 10.
const FIXED_NOW = 1700000000123

function withFixedClock<T>(fn: () => T): T {
  const realNow = Date.now
  Date.now = () => FIXED_NOW
  try {
    return fn()
  } finally {
    Date.now = realNow
  }
}

export function verify(version: BenchVersion, c: PayloadCase, ours: OurCodec, theirs: TuyapiCodec): void {
  const what = `${version} ${c.label}`
  // Client requests: byte-identical (3.5: with tuyapi's clock pinned and its IV given to us).
  if (version === '3.5') {
    const iv = utf8ToBytes(String(FIXED_NOW * 10).slice(0, 12))
    const theirFrame = withFixedClock(() => theirs.encode(c.cmd, SEQ, c.payload))
    sameBytes(encodeFrame({ version, key: ours.key, seq: SEQ, cmd: c.cmd, payload: c.payload, iv }), theirFrame, `${what} encode`)
  } else {
    sameBytes(ours.encode(c.cmd, SEQ, c.payload), theirs.encode(c.cmd, SEQ, c.payload), `${what} encode`)
  }
  // Our decoder reads tuyapi's request (3.5 with its real clock IV).
  const theirRequest = decodeFrame(theirs.encode(c.cmd, SEQ, c.payload), { version, key: ours.key, direction: 'toDevice' })
  deepStrictEqual(theirRequest.json, c.payload, `${what}: our decoder on tuyapi's request`)
  // Device replies: both decode the same frame to the same JSON (tuyapi's 3.4/3.5 view unwraps `data`).
  const reply = ours.deviceFrame(c.cmd, SEQ, c.payload)
  deepStrictEqual(ours.decode(reply).json, c.payload, `${what}: our decoder on the device reply`)
  deepStrictEqual(theirs.decode(Buffer.from(reply)), tuyapiView(version, c.payload), `${what}: tuyapi's parser on the device reply`)
}
