/** Shared test helpers: deterministic random sources, vector loading, a full handshake. */
import { readFileSync } from 'node:fs'
import { createCipheriv } from 'node:crypto'
import { bytesToHex, hexToBytes } from '@tuya/crypto'
import type { RandomSource } from '@tuya/crypto'
import type { Session } from '../src/index.ts'

export const h = hexToBytes
export const hex = bytesToHex

export function loadVector(name: string): any {
  return JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8'))
}

/**
 * A random source that hands out exactly the given values, in order, and throws when asked
 * for anything else: proves which random draws a session makes.
 */
export function queuedRandom(values: Uint8Array[]): RandomSource & { remaining: () => number } {
  const queue = [...values]
  const source = (length: number): Uint8Array => {
    const next = queue.shift()
    if (next === undefined) throw new Error(`unexpected random draw of ${length} bytes`)
    if (next.length !== length) throw new Error(`random draw of ${length} bytes, but the next queued value has ${next.length}`)
    return next.slice()
  }
  return Object.assign(source, { remaining: () => queue.length })
}

/** A deterministic random source (xorshift32), so property runs replay from their seed. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0 || 0x9e3779b9
  return (length) => {
    const out = new Uint8Array(length)
    for (let i = 0; i < length; i++) {
      state ^= state << 13
      state >>>= 0
      state ^= state >>> 17
      state ^= state << 5
      state >>>= 0
      out[i] = state & 0xff
    }
    return out
  }
}

/** Runs START -> RESP -> FINISH between a client and a device, asserting the frame counts. */
export function handshake(client: Session, device: Session): { start: Uint8Array; resp: Uint8Array; finish: Uint8Array } {
  const started = client.start()
  if (started.send.length !== 1) throw new Error(`start() sent ${started.send.length} frames`)
  const start = started.send[0]!
  const answered = device.receive(start)
  if (answered.send.length !== 1) throw new Error(`device answered START with ${answered.send.length} frames`)
  const resp = answered.send[0]!
  const finished = client.receive(resp)
  if (finished.send.length !== 1) throw new Error(`client answered RESP with ${finished.send.length} frames`)
  const finish = finished.send[0]!
  const last = device.receive(finish)
  if (last.send.length !== 0) throw new Error('device answered FINISH')
  return { start, resp, finish }
}

/** Independent oracle of the session-key derivation (PROTOCOL.md §7) on node:crypto (OpenSSL). */
export function oracleSessionKey(version: '3.4' | '3.5', localKey: Uint8Array, cn: Uint8Array, dn: Uint8Array): Uint8Array {
  const x = cn.map((b, i) => b ^ dn[i]!)
  if (version === '3.4') {
    const ecb = createCipheriv('aes-128-ecb', localKey, null)
    ecb.setAutoPadding(false)
    return new Uint8Array(ecb.update(x))
  }
  const gcm = createCipheriv('aes-128-gcm', localKey, cn.subarray(0, 12))
  return new Uint8Array(gcm.update(x)).slice(0, 16)
}
