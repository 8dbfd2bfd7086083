/**
 * Checking and defaulting {@link DeviceOptions}. Bad arguments throw TypeError/RangeError
 * naming the option; the key is never echoed.
 */
import { isProtocolVersion, toKeyBytes, type ProtocolVersion } from '@tuya/codec'
import { createKeyring, defaultRandom, nobleBackend, type CryptoBackend } from '@tuya/crypto'
import { startTimer, systemClock } from '@tuya/platform'
import type { BackoffOptions } from './core/backoff.ts'
import type { EngineConfig } from './core/engine.ts'
import { discoveryLocator, locatingConnector } from './transport/locate.ts'
import { tcpConnector } from './transport/tcp.ts'
import type { ConnectGate, Connector, SetTimer } from './transport/types.ts'
import type { CallSettings } from './core/specs.ts'
import type { CallOptions, DeviceOptions } from './types.ts'

/** The system timer (`setTimeout`, via @tuya/platform) as a {@link SetTimer}. */
export const systemSetTimer: SetTimer = (callback, delayMs) => startTimer(delayMs, callback).cancel

/** Everything a handle needs, resolved. */
export interface ResolvedOptions {
  engine: EngineConfig
  host: string
  port: number
  cid: string | undefined
  isGateway: boolean
  dpIds: readonly string[]
  timeoutMs: number
  failFast: boolean
  resyncOnReconnect: boolean
  transport: Connector
  connectGate: ConnectGate | undefined
  setTimer: SetTimer
}

function ms(value: unknown, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) throw new RangeError(`${name} must be a finite number >= ${min} (milliseconds), got ${String(value)}`)
  return value
}

function fn<T>(value: unknown, name: string, fallback: T): T {
  if (value === undefined) return fallback
  if (typeof value !== 'function') throw new TypeError(`${name} must be a function`)
  return value as T
}

const NO_DP_IDS: readonly string[] = Object.freeze([])
/** The default backoff, shared by every handle that sets no `reconnect` option (it is never mutated). */
const DEFAULT_BACKOFF: BackoffOptions = Object.freeze({ initialDelayMs: 1000, maxDelayMs: 30_000, factor: 2, jitter: 0.5 })

function backoff(options: DeviceOptions['reconnect']): { backoff: BackoffOptions | false; stableAfterMs: number } {
  if (options === false) return { backoff: false, stableAfterMs: 10_000 }
  if (options === undefined || options === null) return { backoff: DEFAULT_BACKOFF, stableAfterMs: 10_000 }
  const o = options
  if (typeof o !== 'object') throw new TypeError('options.reconnect must be an object or false')
  const jitter = ms(o.jitter, 'options.reconnect.jitter', 0.5)
  if (jitter > 1) throw new RangeError('options.reconnect.jitter must be between 0 and 1')
  const initialDelayMs = ms(o.initialDelayMs, 'options.reconnect.initialDelayMs', 1000)
  return {
    backoff: {
      initialDelayMs,
      maxDelayMs: ms(o.maxDelayMs, 'options.reconnect.maxDelayMs', Math.max(30_000, initialDelayMs)),
      factor: ms(o.factor, 'options.reconnect.factor', 2, 1),
      jitter,
    },
    stableAfterMs: ms(o.stableAfterMs, 'options.reconnect.stableAfterMs', 10_000),
  }
}

/**
 * Checks the options of createDevice and fills in defaults.
 * @throws TypeError or RangeError naming the bad option
 */
export function resolveOptions(options: DeviceOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object: { id, key, host, version }')
  const { id, host, version, cid } = options
  if (typeof id !== 'string' || id.length === 0) throw new TypeError('options.id must be the device id (a non-empty string)')
  if (host !== undefined && (typeof host !== 'string' || host.length === 0)) throw new TypeError('options.host must be the device address (a non-empty string), or left out to find the device from its beacon')
  if (version !== undefined && version !== 'auto' && !isProtocolVersion(version)) throw new RangeError(`options.version must be one of 3.1, 3.2, 3.3, 3.4, 3.5 or 'auto', got ${JSON.stringify(version)}`)
  if (cid !== undefined && (typeof cid !== 'string' || cid.length === 0)) throw new TypeError('options.cid must be a non-empty string (a gateway child node id)')
  const localKey = toKeyBytes(options.key, 'options.key').slice()
  const port = options.port ?? 6668
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new RangeError(`options.port must be a TCP port (1-65535), got ${String(port)}`)
  const maxInFlight = options.maxInFlight ?? 1
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) throw new RangeError(`options.maxInFlight must be an integer >= 1, got ${String(maxInFlight)}`)
  const maxFrameBytes = options.maxFrameBytes ?? 16384
  if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < 64) throw new RangeError(`options.maxFrameBytes must be an integer >= 64, got ${String(maxFrameBytes)}`)
  const givenDpIds = options.dpIds ?? NO_DP_IDS
  const dpIds = givenDpIds.length === 0 ? NO_DP_IDS : givenDpIds.map((v, i) => {
    const s = String(v)
    if (!/^\d+$/.test(s)) throw new RangeError(`options.dpIds[${i}] must be a DP id (digits), got ${s}`)
    return s
  })
  const { backoff: reconnect, stableAfterMs } = backoff(options.reconnect)
  const cryptoBackend: CryptoBackend = options.cryptoBackend ?? nobleBackend
  if (typeof cryptoBackend !== 'object' || cryptoBackend === null || typeof cryptoBackend.importKey !== 'function') {
    throw new TypeError('options.cryptoBackend must be a CryptoBackend: nobleBackend from @tuya/crypto or nodeCryptoBackend from @tuya/crypto/node')
  }
  // Without a host the first connection waits for a beacon (devices send one every 3-8 s, §14),
  // so the defaults leave time for one.
  const isLocated = host === undefined
  const connectTimeoutMs = ms(options.connectTimeoutMs, 'options.connectTimeoutMs', isLocated ? 12_000 : 5000, 1)
  const transport = fn(options.transport, 'options.transport', tcpConnector)
  return {
    engine: {
      deviceId: id,
      localKey,
      version: version === undefined || version === 'auto' ? undefined : (version as ProtocolVersion),
      isDevice22: options.device22 === true,
      connectTimeoutMs,
      heartbeatIntervalMs: ms(options.heartbeatIntervalMs, 'options.heartbeatIntervalMs', 10_000),
      heartbeatTimeoutMs: ms(options.heartbeatTimeoutMs, 'options.heartbeatTimeoutMs', 5000, 1),
      maxInFlight,
      settleMs: ms(options.settleMs, 'options.settleMs', 300),
      reconnect,
      stableAfterMs,
      maxFrameBytes,
      now: fn(options.now, 'options.now', systemClock.now),
      random: fn(options.random, 'options.random', defaultRandom),
      jitter: fn(options.jitter, 'options.jitter', Math.random),
      logger: fn(options.logger, 'options.logger', undefined),
      // The local key and the current connection's session key.
      keyring: createKeyring({ backend: cryptoBackend, maxKeys: 2 }),
    },
    host: host ?? id,
    port,
    cid,
    isGateway: options.isGateway === true,
    dpIds,
    timeoutMs: ms(options.timeoutMs, 'options.timeoutMs', isLocated ? 15_000 : 10_000, 1),
    failFast: options.failFast === true,
    resyncOnReconnect: options.resyncOnReconnect !== false,
    transport: isLocated ? locatingConnector(id, fn(options.locate, 'options.locate', discoveryLocator), transport) : transport,
    connectGate: options.connectGate,
    setTimer: fn(options.setTimer, 'options.setTimer', systemSetTimer),
  }
}

/**
 * The timeout, retries and fail-fast of one call: its options, else the handle's defaults.
 * @throws RangeError for a bad timeoutMs or retries
 */
export function callSettings(defaults: Pick<ResolvedOptions, 'timeoutMs' | 'failFast'>, options: CallOptions | undefined): CallSettings {
  const timeoutMs = options?.timeoutMs ?? defaults.timeoutMs
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) throw new RangeError(`options.timeoutMs must be a positive number of ms, got ${String(timeoutMs)}`)
  const retries = options?.retries ?? 0
  if (!Number.isInteger(retries) || retries < 0) throw new RangeError(`options.retries must be an integer >= 0, got ${String(retries)}`)
  return { timeoutMs, retries, failFast: options?.failFast ?? defaults.failFast }
}
