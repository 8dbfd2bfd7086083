/**
 * Drives the sans-I/O DeviceCore directly: no sockets, no timers.
 */
import { createSession, type Session } from '@tuya/session'
import { encodeFrame, type KeyInput, type ProtocolVersion } from '@tuya/codec'
import { hexToBytes, type RandomSource } from '@tuya/crypto'
import { DeviceCore, resolveOptions, type CoreAction, type MockDeviceOptions } from '../../src/index.ts'

export const KEY = '4a5e1f0c9b2d7e38'
export const ID = 'bf1234567890abcdefgh'
export const T = 1700000000

/** A random source that hands out queued values by length (nonces: 16, IVs: 12) and zeros otherwise. */
export function queuedRandom(queue: { 16?: string[]; 12?: string[] } = {}): RandomSource {
  const q16 = [...(queue[16] ?? [])]
  const q12 = [...(queue[12] ?? [])]
  let counter = 0
  return (n) => {
    const next = n === 16 ? q16.shift() : n === 12 ? q12.shift() : undefined
    if (next !== undefined) return hexToBytes(next)
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i++) out[i] = (counter++ * 7 + 3) & 0xff
    return out
  }
}

export function makeCore(options: MockDeviceOptions): DeviceCore {
  return new DeviceCore(resolveOptions({ id: ID, localKey: KEY, now: () => T * 1000, seqStart: 1000, serialStart: 0, ...options }))
}

export const writes = (actions: CoreAction[], connectionId?: number): Uint8Array[] =>
  actions.flatMap((a) => (a.type === 'write' && (connectionId === undefined || a.connectionId === connectionId) ? [a.bytes] : []))

export const closes = (actions: CoreAction[]) =>
  actions.flatMap((a) => (a.type === 'event' && a.event.type === 'close' ? [a.event.detail as { connectionId: number; reason: string }] : []))

export const eventsOf = (actions: CoreAction[], type: string) => actions.flatMap((a) => (a.type === 'event' && a.event.type === type ? [a.event.detail] : []))

/** A client of the core: encodes requests, runs the handshake, feeds frames. */
export class CoreClient {
  readonly core: DeviceCore
  readonly id: number
  readonly version: ProtocolVersion
  key: KeyInput
  seq: number
  session: Session | undefined

  constructor(core: DeviceCore, options: { key?: KeyInput; firstSeq?: number } = {}) {
    this.core = core
    this.version = core.config.version
    this.key = options.key ?? KEY
    this.seq = options.firstSeq ?? 1
    this.id = core.accept({ remoteAddress: '127.0.0.1', remotePort: 50000 }).connectionId
  }

  feed(bytes: Uint8Array | string): CoreAction[] {
    return this.core.receive(this.id, typeof bytes === 'string' ? hexToBytes(bytes) : bytes)
  }

  encode(cmd: number, payload?: unknown, extra: { seq?: number; header?: boolean; key?: KeyInput } = {}): Uint8Array {
    const seq = extra.seq ?? this.seq++
    return encodeFrame({ version: this.version, key: extra.key ?? this.key, seq, cmd, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }), ...(extra.header === undefined ? {} : { header: extra.header }) })
  }

  send(cmd: number, payload?: unknown, extra: { seq?: number; header?: boolean; key?: KeyInput } = {}): CoreAction[] {
    return this.feed(this.encode(cmd, payload, extra))
  }

  /** Runs START/RESP/FINISH through the core; returns every action. */
  handshake(localKey: KeyInput = this.key): CoreAction[] {
    this.session = createSession({ role: 'client', version: this.version as '3.4' | '3.5', localKey, firstSeq: this.seq })
    const all: CoreAction[] = []
    let actions = this.feed(this.session.start().send[0]!)
    all.push(...actions)
    const resp = writes(actions, this.id)[0]
    if (resp === undefined) return all
    const finish = this.session.receive(resp).send[0]!
    actions = this.feed(finish)
    all.push(...actions)
    this.key = this.session.sessionKey!
    this.seq = this.session.nextSeq
    return all
  }
}
