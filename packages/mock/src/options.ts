/**
 * Validation of {@link MockDeviceOptions} into a resolved, immutable configuration.
 * Bad options throw TypeError/RangeError naming the option, at start-up.
 */
import { PROFILES, type SeqCheck, type VersionProfile } from './profiles.ts'
import { checkDps } from './state.ts'
import type { BeaconOptions, ExtraConnectionPolicy, MockDeviceOptions, MockFaults, MockQuirks } from './types.ts'
import { defaultRandom, nobleBackend, randomBytes, type CryptoBackend, type RandomSource } from '@tuya/crypto'
import { systemClock } from '@tuya/platform'
import { PROTOCOL_VERSIONS, type Dps, type ProtocolVersion } from '@tuya/codec'

/** The version a mock speaks unless told otherwise: a configured default, not a fact of the protocol. */
export const DEFAULT_VERSION: ProtocolVersion = '3.3'

/** The default sub-device of `gateway: true` (the cid used by the shared vectors). */
export const DEFAULT_CID = 'a4c1380f4cd8e7b2'

/** Options after validation, with every default filled in. */
export interface ResolvedConfig {
  readonly profile: VersionProfile
  readonly version: ProtocolVersion
  readonly id: string
  /** The local key as 16 bytes. */
  readonly localKey: Uint8Array
  /** The local key as given (a string when it was one). */
  readonly localKeyText: string
  readonly host: string
  readonly port: number
  readonly dps: Dps
  readonly isDev22: boolean
  readonly isGateway: boolean
  readonly subdevices: Record<string, Dps>
  readonly acceptUnknownDps: boolean
  readonly maxConnections: number
  readonly onExtraConnection: ExtraConnectionPolicy
  readonly idleTimeoutMs: number
  readonly preHandshakeFrameLimit: number
  readonly seqCheck: SeqCheck
  readonly closeOnBadFrame: boolean
  readonly maxFrameBytes: number
  readonly controlAckRetcode: number
  readonly quirks: Readonly<Required<MockQuirks>>
  readonly faults: MockFaults
  readonly beacon: (Required<Omit<BeaconOptions, 'solicitationPort' | 'solicitationAddress'>> & { solicitationPort: number | false; solicitationAddress: string | undefined }) | undefined
  readonly now: () => number
  readonly random: RandomSource
  /**
   * Source of the 3.5 frame IVs: the injected `random`, or undefined (no `random` option) for
   * the codec's pooled default, which draws IVs in bulk instead of one getRandomValues call per frame.
   */
  readonly ivRandom: RandomSource | undefined
  /** What each connection imports its keys into. */
  readonly cryptoBackend: CryptoBackend
  /** Fixed first seq of the device counter on every connection; undefined = random per connection. */
  readonly seqStart: number | undefined
  readonly serialStart: number
}

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz'

function randomText(random: RandomSource, length: number, alphabet: string): string {
  let out = ''
  for (const byte of randomBytes(length, random)) out += alphabet[byte % alphabet.length]
  return out
}

function randomUint31(random: RandomSource): number {
  const b = randomBytes(4, random)
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) & 0x7fffffff
}

/**
 * A random first seq for a connection's device counter, as firmware picks one (§12). Kept above
 * 0xff so that a client copying the RESP seq for its FINISH (tuyapi) still sends a seq greater
 * than its START's.
 * @param random - the random source
 * @returns a start in [0x100, 0x7fffffff)
 */
export function randomSeqStart(random: RandomSource): number {
  return 0x100 + (randomUint31(random) % (0x7fffffff - 0x100))
}

function integer(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`)
  }
  return value
}

function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new RangeError(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${String(value)}`)
  return value as T
}

function resolveKey(key: unknown, random: RandomSource, name = 'localKey'): { bytes: Uint8Array; text: string } {
  if (key === undefined) {
    const text = randomText(random, 16, ID_ALPHABET)
    return { bytes: new TextEncoder().encode(text), text }
  }
  if (typeof key === 'string') {
    // A local key is 16 ASCII characters, used as is; it is never hex-decoded (§2).
    if (key.length !== 16 || !/^[\x20-\x7e]+$/.test(key)) throw new RangeError(`${name} must be 16 printable ASCII characters (the local key, not hex)`)
    return { bytes: new TextEncoder().encode(key), text: key }
  }
  if (key instanceof Uint8Array) {
    if (key.length !== 16) throw new RangeError(`${name} must be 16 bytes, got ${key.length}`)
    return { bytes: Uint8Array.from(key), text: String.fromCharCode(...key) }
  }
  throw new TypeError(`${name} must be a 16-character string or 16 bytes`)
}

function resolveBeacon(beacon: MockDeviceOptions['beacon'], profile: VersionProfile, host: string, id: string): ResolvedConfig['beacon'] {
  if (beacon === undefined || beacon === false) return undefined
  const b: BeaconOptions = beacon === true ? {} : beacon
  const solicitationPort = b.solicitationPort ?? (profile.beacon.answersSolicitation ? 7000 : false)
  return {
    address: b.address ?? '127.0.0.1',
    port: integer(b.port ?? profile.beacon.port, 'beacon.port', 1, 65535),
    intervalMs: integer(b.intervalMs ?? 5000, 'beacon.intervalMs', 0, 2 ** 31 - 1),
    ip: b.ip ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host),
    productKey: b.productKey ?? 'keymockdev000001',
    uuid: b.uuid ?? id.slice(-16).padStart(16, '0'),
    solicitationPort: solicitationPort === false ? false : integer(solicitationPort, 'beacon.solicitationPort', 0, 65535),
    replyPort: integer(b.replyPort ?? 7000, 'beacon.replyPort', 1, 65535),
    solicitationAddress: b.solicitationAddress,
  }
}

/**
 * Checks a set of faults.
 * @param faults - faults to inject
 * @returns the same object
 * @throws TypeError or RangeError naming the bad field
 */
export function checkFaults(faults: MockFaults): MockFaults {
  if (typeof faults !== 'object' || faults === null) throw new TypeError('faults must be an object')
  if (faults.replyDelayMs !== undefined) integer(faults.replyDelayMs, 'faults.replyDelayMs', 0, 2 ** 31 - 1)
  if (faults.dropAfterFrames !== undefined) integer(faults.dropAfterFrames, 'faults.dropAfterFrames', 1, 2 ** 31 - 1)
  const t = faults.truncateNextFrame
  if (typeof t === 'object' && t !== null && t.bytes !== undefined) integer(t.bytes, 'faults.truncateNextFrame.bytes', 1, 1 << 24)
  const g = faults.garbage
  if (g !== undefined) {
    if (typeof g !== 'object' || g === null) throw new TypeError('faults.garbage must be an object { bytes?, mode? }')
    if (typeof g.bytes === 'number') integer(g.bytes, 'faults.garbage.bytes', 1, 1 << 20)
    if (g.mode !== undefined) oneOf(g.mode, 'faults.garbage.mode', ['before', 'instead'] as const)
  }
  if (faults.wrongKey !== undefined) resolveKey(faults.wrongKey, defaultRandom, 'faults.wrongKey')
  return faults
}

function resolveQuirks(quirks: unknown): Required<MockQuirks> {
  if (quirks === undefined) return { answersClearQueries: false }
  if (typeof quirks !== 'object' || quirks === null) throw new TypeError('quirks must be an object such as { answersClearQueries: true }')
  const { answersClearQueries = false, ...unknown } = quirks as MockQuirks
  const names = Object.keys(unknown)
  if (names.length > 0) throw new TypeError(`quirks.${names[0]} is not a known quirk; known: answersClearQueries`)
  if (typeof answersClearQueries !== 'boolean') throw new TypeError('quirks.answersClearQueries must be a boolean')
  return { answersClearQueries }
}

const byDevice22 = (rule: VersionProfile['device22']) => PROTOCOL_VERSIONS.filter((v) => PROFILES[v].device22 === rule)
const DEVICE22_VERSIONS = `the device22 dialect exists on ${[...byDevice22('detect'), ...byDevice22('always')].sort().join(', ')} only (${byDevice22('always').join(', ')} always speaks it)`

/**
 * Validates options and fills in defaults.
 * @param options - what the caller passed to `createMockDevice`
 * @returns the resolved configuration
 * @throws RangeError for an unsupported version, device22 on 3.1/3.5, or an out-of-range number
 * @throws TypeError for a value of the wrong type
 */
export function resolveOptions(options: MockDeviceOptions = {}): ResolvedConfig {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
  const version = oneOf(options.version ?? DEFAULT_VERSION, 'version', PROTOCOL_VERSIONS)
  const profile = PROFILES[version]
  if (options.dev22 === true && profile.device22 === 'never') throw new RangeError(`dev22 is not supported on version ${version}: ${DEVICE22_VERSIONS}`)
  const random = options.random ?? defaultRandom
  if (typeof random !== 'function') throw new TypeError('random must be a function (length) => Uint8Array')
  const now = options.now ?? systemClock.now
  if (typeof now !== 'function') throw new TypeError('now must be a function returning ms since the epoch')
  const id = options.id ?? `bf${randomText(random, 18, ID_ALPHABET)}`
  if (typeof id !== 'string' || id.length === 0 || id.length > 64) throw new TypeError('id must be a non-empty string (the device id, gwId)')
  const key = resolveKey(options.localKey, random)
  const host = options.host ?? '127.0.0.1'
  if (typeof host !== 'string' || host.length === 0) throw new TypeError('host must be a non-empty string')
  const gateway = options.gateway ?? false
  const subdevices: Record<string, Dps> = {}
  if (gateway === true) subdevices[DEFAULT_CID] = { '1': false }
  else if (typeof gateway === 'object' && gateway !== null) {
    for (const [cid, dps] of Object.entries(gateway)) subdevices[cid] = checkDps(dps, `gateway["${cid}"]`)
  } else if (gateway !== false) throw new TypeError('gateway must be a boolean or an object of sub-device DPs by cid')
  return {
    profile,
    version,
    id,
    localKey: key.bytes,
    localKeyText: key.text,
    host,
    port: integer(options.port ?? 0, 'port', 0, 65535),
    dps: checkDps(options.dps ?? { '1': false }),
    isDev22: profile.device22 === 'always' || (options.dev22 === true && profile.device22 === 'detect'),
    isGateway: gateway !== false,
    subdevices,
    acceptUnknownDps: options.acceptUnknownDps === true,
    maxConnections: integer(options.maxConnections ?? 1, 'maxConnections', 1, 1024),
    onExtraConnection: oneOf(options.onExtraConnection ?? 'replace', 'onExtraConnection', ['replace', 'refuse', 'reset'] as const),
    idleTimeoutMs: integer(options.idleTimeoutMs ?? 30_000, 'idleTimeoutMs', 0, 2 ** 31 - 1),
    preHandshakeFrameLimit: integer(options.preHandshakeFrameLimit ?? 3, 'preHandshakeFrameLimit', 0, 1_000_000),
    seqCheck: oneOf(options.seqCheck ?? profile.seqCheck, 'seqCheck', ['off', 'drop', 'close'] as const),
    closeOnBadFrame: options.closeOnBadFrame ?? true,
    maxFrameBytes: integer(options.maxFrameBytes ?? 4096, 'maxFrameBytes', 64, 1 << 24),
    controlAckRetcode: integer(options.controlAckRetcode ?? 0, 'controlAckRetcode', 0, 0xffffffff),
    quirks: resolveQuirks(options.quirks),
    faults: checkFaults(options.faults ?? {}),
    beacon: resolveBeacon(options.beacon, profile, host, id),
    now,
    random,
    ivRandom: options.random,
    cryptoBackend: backendOf(options.cryptoBackend),
    seqStart: options.seqStart === undefined ? undefined : integer(options.seqStart, 'seqStart', 1, 0x7fffffff),
    serialStart: integer(options.serialStart ?? randomUint31(random) % 0x10000, 'serialStart', 0, 0xffffffff),
  }
}

function backendOf(value: unknown): CryptoBackend {
  if (value === undefined) return nobleBackend
  const b = value as CryptoBackend | null
  if (typeof b !== 'object' || b === null || typeof b.importKey !== 'function') {
    throw new TypeError('cryptoBackend must be a CryptoBackend: nobleBackend from @tuya/crypto or nodeCryptoBackend from @tuya/crypto/node')
  }
  return b
}
