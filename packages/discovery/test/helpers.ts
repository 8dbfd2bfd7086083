/**
 * Shared test helpers: the discovery.json vectors, a manual clock, beacon builders that do not
 * use this package (built with @tuya/codec as a device would), a UDP sender.
 */
import { readFileSync } from 'node:fs'
import process from 'node:process'
import * as dgram from 'node:dgram'
import { encodeFrame, UDP_KEY } from '@tuya/codec'
import { bytesToHex, hexToBytes } from '@tuya/crypto'
import type { Clock, Timer } from '../src/index.ts'

export const h = hexToBytes
export const hex = bytesToHex

export interface DiscoveryCase {
  name: string
  udp_port: number
  direction: 'device_broadcast' | 'device_unicast' | 'client_broadcast'
  framing: '55aa_plain' | '55aa_ecb' | '6699_gcm' | 'raw_ecb'
  cmd: number | null
  retcode: number | null
  json_text: string
  iv_hex?: string
  aad_hex?: string
  gcm_plaintext_hex?: string
  frame_hex: string
  body_hex?: string
}

export interface DiscoveryVectors {
  udpkey_hex: string
  udpkey_source_text: string
  cases: DiscoveryCase[]
}

export function loadVectors(): DiscoveryVectors {
  return JSON.parse(readFileSync(new URL('./vectors/discovery.json', import.meta.url), 'utf8'))
}

export function vector(name: string): DiscoveryCase {
  const c = loadVectors().cases.find((x) => x.name === name)
  if (c === undefined) throw new Error(`no vector ${name}`)
  return c
}

/** fast-check runs: moderate by default (CI has 2 cores), x20 with TUYA_SLOW=1. */
export function runs(base: number): number {
  return process.env.TUYA_SLOW === '1' ? base * 20 : base
}

/** Beacon bytes as a device builds them (PROTOCOL.md §14.1), independent of @tuya/discovery. */
export function deviceBeacon(kind: '55aa-plain' | '55aa-ecb' | '6699-gcm', json: Record<string, unknown> | string, iv?: Uint8Array): Uint8Array {
  const payload = typeof json === 'string' ? json : JSON.stringify(json)
  if (kind === '55aa-plain') return encodeFrame({ version: '3.1', direction: 'fromDevice', cmd: 0, seq: 0, payload, retcode: 0 })
  if (kind === '55aa-ecb') return encodeFrame({ version: '3.3', key: UDP_KEY, direction: 'fromDevice', cmd: 19, seq: 0, payload, retcode: 0 })
  return encodeFrame({ version: '3.5', key: UDP_KEY, direction: 'fromDevice', cmd: 19, seq: 0, payload, retcode: 0, ...(iv ? { iv } : {}) })
}

/** A clock whose time moves only when the test says so. */
export function manualClock(startMs = 1_700_000_000_000): Clock & { advance(ms: number): void; readonly pending: number } {
  let now = startMs
  let nextId = 0
  const timers = new Map<number, { at: number; fn: () => void; everyMs: number | undefined }>()
  const add = (ms: number, fn: () => void, everyMs: number | undefined): Timer => {
    const id = nextId++
    timers.set(id, { at: now + ms, fn, everyMs })
    return { cancel: () => void timers.delete(id) }
  }
  return {
    now: () => now,
    startTimer: (ms, fn) => add(ms, fn, undefined),
    startInterval: (ms, fn) => add(ms, fn, ms),
    advance(ms: number) {
      const end = now + ms
      for (;;) {
        let first: [number, { at: number; fn: () => void; everyMs: number | undefined }] | undefined
        for (const entry of timers) if (entry[1].at <= end && (first === undefined || entry[1].at < first[1].at)) first = entry
        if (first === undefined) break
        const [id, t] = first
        now = t.at
        if (t.everyMs === undefined) timers.delete(id)
        else t.at += t.everyMs
        t.fn()
      }
      now = end
    },
    get pending() {
      return timers.size
    },
  }
}

/** Lets queued promise callbacks run. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0))
}

/** A UDP sender bound to 127.0.0.1 (loopback only). */
export async function udpSender(): Promise<{ send(bytes: Uint8Array, port: number, address?: string): Promise<void>; close(): Promise<void> }> {
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true })
  await new Promise<void>((resolve) => socket.bind({ port: 0, address: '127.0.0.1' }, () => resolve()))
  return {
    send: (bytes, port, address = '127.0.0.1') => new Promise((resolve, reject) => socket.send(bytes, port, address, (e) => (e ? reject(e) : resolve()))),
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  }
}

/** Resolves after `ms` (tests only). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Polls `condition` every 10 ms until it holds; throws after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`)
    await sleep(10)
  }
}
