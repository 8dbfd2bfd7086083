/**
 * Which local key opens a conversation when `--key` is not given: the devices.json entry
 * with the device's address, else the one whose id a beacon (or a 3.1 plaintext payload)
 * names for that address, else every key in devices.json by trial: the key under which the
 * first frames verify (CRC + padding + JSON, HMAC, GCM tag) wins.
 */
import { toKeyBytes, type Direction, type ProtocolVersion } from '@tuya/codec'
import type { DeviceEntry } from '../devices-file.ts'
import { ConversationDecoder, type ConversationOptions } from './conversation.ts'
import type { BeaconIdentity } from './udp.ts'

/** A frame of a conversation, before decoding. */
export interface RawFrame {
  readonly bytes: Uint8Array
  readonly direction?: Direction
}

/** The chosen key and where it came from. */
export interface KeyChoice {
  readonly localKey?: Uint8Array
  /** `--key`, `devices.json "Lamp" (by address)`, ... */
  readonly source?: string
  /** The device's version from devices.json or a beacon, when known. */
  readonly versionHint?: ProtocolVersion
}

/** What key selection may use. */
export interface KeySources {
  /** `--key`, or the key of `--device`. */
  readonly key?: Uint8Array
  /** Where `key` came from, for messages. Default `--key`. */
  readonly keySource?: string
  readonly devices: readonly DeviceEntry[]
  /** Beacons seen in the capture, by device address. */
  readonly beaconsByIp?: ReadonlyMap<string, BeaconIdentity>
}

/** Frames tried per candidate key. */
const TRIAL_FRAMES = 16
const KEY_ERRORS = new Set(['TUYA_ERR_HMAC', 'TUYA_ERR_GCM_AUTH', 'TUYA_ERR_BAD_PADDING', 'TUYA_ERR_DECRYPT', 'TUYA_ERR_NOT_JSON', 'TUYA_ERR_NO_KEY'])

function keyOf(entry: DeviceEntry): Uint8Array | undefined {
  if (entry.key === undefined) return undefined
  try {
    return toKeyBytes(entry.key)
  } catch {
    return undefined // not 16 characters: cannot be a local key
  }
}

/**
 * How well a key decodes the first frames: frames that decode to text/JSON or verified
 * negotiation frames, minus frames that fail in a key-dependent way.
 * @param frames - the conversation's first frames
 * @param options - version and the candidate key
 * @returns the score (higher is better)
 */
export function scoreKey(frames: readonly RawFrame[], options: ConversationOptions): number {
  const decoder = new ConversationDecoder(options)
  let score = 0
  for (const raw of frames.slice(0, TRIAL_FRAMES)) {
    const { frame } = decoder.decode(raw.bytes, raw.direction)
    if (frame.error !== undefined) {
      if (KEY_ERRORS.has(frame.error.code)) score--
    } else if (frame.text !== undefined || frame.info !== undefined) score++
  }
  return score
}

function fromEntry(entry: DeviceEntry, how: string, fallbackVersion?: ProtocolVersion): KeyChoice | undefined {
  const localKey = keyOf(entry)
  if (localKey === undefined) return undefined
  const versionHint = entry.version ?? fallbackVersion
  return { localKey, source: `devices.json "${entry.name}" (${how})`, ...(versionHint === undefined ? {} : { versionHint }) }
}

function idsInPlaintext(frames: readonly RawFrame[], options: ConversationOptions): string[] {
  // 3.1 payloads are mostly plaintext: their devId/gwId name the device without a key.
  const decoder = new ConversationDecoder({ ...options, localKey: undefined })
  const ids: string[] = []
  for (const raw of frames.slice(0, TRIAL_FRAMES)) {
    const json = decoder.decode(raw.bytes, raw.direction).frame.json
    if (typeof json !== 'object' || json === null) continue
    for (const field of ['devId', 'gwId']) {
      const value = (json as Record<string, unknown>)[field]
      if (typeof value === 'string' && !ids.includes(value)) ids.push(value)
    }
  }
  return ids
}

/**
 * Chooses the local key for one conversation.
 * @param frames - the conversation's frames (only the first few are tried)
 * @param deviceIp - the device's address in the capture, when known
 * @param sources - `--key`, devices.json entries, beacons
 * @param options - version and other decoder options used for trials
 * @returns the key and its source, or an empty choice when nothing fits
 */
export function chooseKey(frames: readonly RawFrame[], deviceIp: string | undefined, sources: KeySources, options: ConversationOptions = {}): KeyChoice {
  const beacon = deviceIp === undefined ? undefined : sources.beaconsByIp?.get(deviceIp)
  if (sources.key !== undefined) return { localKey: sources.key, source: sources.keySource ?? '--key', ...(beacon?.version === undefined ? {} : { versionHint: beacon.version }) }
  const devices = sources.devices.filter((d) => !d.isSub)
  const byAddress = deviceIp === undefined ? [] : devices.filter((d) => d.ip === deviceIp && keyOf(d) !== undefined)
  if (byAddress.length === 1) return fromEntry(byAddress[0]!, 'by address', beacon?.version)!
  if (beacon !== undefined) {
    const entry = sources.devices.find((d) => d.id === beacon.id)
    const choice = entry === undefined ? undefined : fromEntry(entry, 'by id from a beacon', beacon.version)
    if (choice !== undefined) return choice
  }
  for (const id of idsInPlaintext(frames, options)) {
    const entry = sources.devices.find((d) => d.id === id)
    const choice = entry === undefined ? undefined : fromEntry(entry, 'by id in a payload')
    if (choice !== undefined) return choice
  }
  // Trial: the addressed entries first (several devices behind one address), then all.
  const seen = new Set<string>()
  let best: { entry: DeviceEntry; score: number } | undefined
  const baseline = scoreKey(frames, { ...options, localKey: undefined })
  for (const entry of [...byAddress, ...sources.devices]) {
    const localKey = keyOf(entry)
    if (localKey === undefined || seen.has(entry.key!)) continue
    seen.add(entry.key!)
    const version = options.version ?? entry.version
    const score = scoreKey(frames, { ...options, localKey, ...(version === undefined ? {} : { versionHint: version }) })
    if (score > 0 && score > baseline && (best === undefined || score > best.score)) best = { entry, score }
  }
  if (best !== undefined) return fromEntry(best.entry, 'by trial', beacon?.version)!
  return beacon?.version === undefined ? {} : { versionHint: beacon.version }
}
