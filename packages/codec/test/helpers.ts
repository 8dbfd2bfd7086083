/**
 * Shared test helpers: vector loading and normalisation, run counts for fast-check.
 */
import { readFileSync } from 'node:fs'
import process from 'node:process'
import { hexToBytes, utf8ToBytes, bytesToHex } from '@tuya/crypto'
import type { Direction, ProtocolVersion } from '../src/index.ts'

export type Json = any

export function loadVector(name: string): Json {
  return JSON.parse(readFileSync(new URL(`./vectors/${name}.json`, import.meta.url), 'utf8'))
}

/** fast-check runs: moderate by default (CI has 2 cores), x20 with TUYA_SLOW=1. */
export function runs(base: number): number {
  return process.env.TUYA_SLOW === '1' ? base * 20 : base
}

export const h = hexToBytes
export const hex = bytesToHex

/** One frame of any vector file, in a single shape. */
export interface FrameCase {
  file: string
  name: string
  version: ProtocolVersion
  direction: Direction
  key: Uint8Array
  cmd: number
  cmdName?: string
  seq: number
  length?: number
  retcode: number | null
  payloadHex: string
  payloadText?: string
  headerHex: string | null
  versionHeader?: boolean
  ivHex?: string
  bodyHex?: string
  frameHex: string
  requestedCmd?: number
  expectedDecoded?: Json
  expectedErrorText?: string
  v31Encrypted?: boolean
  /** Gateway child id when the request targets one. */
  cid?: string
  devId: string
  t: number
}

const directionOf = (d: string): Direction => (d === 'client_to_device' ? 'toDevice' : 'fromDevice')

function fromFrameFile(file: string): FrameCase[] {
  const v = loadVector(file)
  return v.cases.map((c: Json): FrameCase => ({
    file,
    name: c.name,
    version: c.version,
    direction: directionOf(c.direction),
    key: h(c.key_hex),
    cmd: c.cmd,
    cmdName: c.cmd_name,
    seq: c.seqno,
    length: c.length,
    retcode: c.retcode ?? null,
    payloadHex: c.app_payload_hex,
    payloadText: c.app_payload_text,
    headerHex: c.header_hex ?? null,
    versionHeader: c.version_header ?? undefined,
    ivHex: c.iv_hex ?? undefined,
    bodyHex: c.body_hex ?? undefined,
    frameHex: c.frame_hex,
    requestedCmd: c.requested_cmd ?? undefined,
    expectedDecoded: c.expected_decoded ?? undefined,
    expectedErrorText: c.expected_error_text ?? undefined,
    v31Encrypted: c.v31_encrypted ?? undefined,
    cid: file === 'gateway' ? v.cid : undefined,
    devId: v.device_id,
    t: v.fixed_time,
  }))
}

function fromDevice22(): FrameCase[] {
  const v = loadVector('device22')
  const out: FrameCase[] = []
  for (const flow of v.flows) {
    flow.steps.forEach((s: Json, i: number) => {
      out.push({
        file: 'device22',
        name: `device22 ${flow.version} step ${i + 1}: ${s.step}`,
        version: flow.version,
        direction: directionOf(s.direction),
        key: h(flow.key_hex),
        cmd: s.cmd,
        seq: s.seqno,
        retcode: s.retcode ?? null,
        payloadHex: hex(utf8ToBytes(s.app_payload_text)),
        payloadText: s.app_payload_text,
        headerHex: s.header_hex ?? null,
        versionHeader: s.version_header ?? undefined,
        frameHex: s.frame_hex,
        expectedErrorText: s.retcode === 1 ? s.app_payload_text : undefined,
        devId: flow.device_id,
        t: v.fixed_time,
      })
    })
  }
  return out
}

function fromV31Payload(): FrameCase[] {
  const v = loadVector('v31_payload')
  return v.cases
    .filter((c: Json) => c.frame_hex !== undefined)
    .map((c: Json): FrameCase => ({
      file: 'v31_payload',
      name: c.name,
      version: '3.1',
      direction: directionOf(c.direction),
      key: utf8ToBytes(v.local_key_ascii),
      cmd: c.cmd,
      seq: c.seqno,
      retcode: null,
      payloadHex: c.json_hex ?? hex(utf8ToBytes(c.json_text)),
      payloadText: c.json_text,
      headerHex: null,
      versionHeader: false,
      bodyHex: c.payload_hex,
      frameHex: c.frame_hex,
      devId: 'bf1234567890abcdefgh',
      t: 1700000000,
    }))
}

function fromHandshakes(): FrameCase[] {
  const out: FrameCase[] = []
  for (const file of ['handshake_v34', 'handshake_v35']) {
    const v = loadVector(file)
    for (const s of v.steps) {
      out.push({
        file,
        name: `${file} ${s.step}`,
        version: v.version,
        direction: directionOf(s.direction),
        key: h(v.local_key_hex),
        cmd: s.cmd,
        cmdName: s.step,
        seq: s.seqno,
        length: s.length,
        retcode: s.retcode ?? null,
        payloadHex: s.logical_payload_hex,
        headerHex: null,
        versionHeader: false,
        ivHex: s.iv_hex ?? undefined,
        frameHex: s.frame_hex,
        devId: 'bf1234567890abcdefgh',
        t: 1700000000,
      })
    }
  }
  return out
}

/** Every frame vector: frames_v31..v35, gateway, device22 flows, v31_payload frames. */
export const DATA_FRAME_CASES: FrameCase[] = [
  ...['frames_v31', 'frames_v32', 'frames_v33', 'frames_v34', 'frames_v35', 'gateway'].flatMap(fromFrameFile),
  ...fromDevice22(),
  ...fromV31Payload(),
]

/** The 3.4/3.5 negotiation frames (payload raw, local key). */
export const HANDSHAKE_CASES: FrameCase[] = fromHandshakes()

/** Every complete, valid frame found in the vectors (for the Deframer tests). */
export function allValidFrames(): Uint8Array[] {
  const frames = [...DATA_FRAME_CASES, ...HANDSHAKE_CASES].map((c) => h(c.frameHex))
  const stream = loadVector('stream')
  for (const c of stream.cases) {
    const bytes = h(c.stream_hex)
    for (const [s, e] of c.frame_boundaries) frames.push(bytes.slice(s, e))
  }
  return frames
}

/** Collects everything a deterministic RandomSource hands out, for reproducible 3.5 IVs. */
export function counterRandom(seed = 1): (n: number) => Uint8Array {
  let x = seed
  return (n) => {
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) >>> 0
      out[i] = x >>> 24
    }
    return out
  }
}
