/**
 * Public types of `@tuya/client`: device options and per-call options.
 */
import type { Dps, KeyInput, ProtocolVersion } from '@tuya/codec'
import type { CryptoBackend, RandomSource } from '@tuya/crypto'
import type { Logger } from './core/log.ts'
import type { ConnectGate, Connector, SetTimer } from './transport/types.ts'
import type { Locator } from './transport/locate.ts'

/** Reconnect backoff (exponential, with jitter). */
export interface ReconnectOptions {
  /** First delay after a failure. Default 1000 (devices dislike faster churn, §13). */
  initialDelayMs?: number
  /** Ceiling, and the delay after a wrong key or version. Default 30000. */
  maxDelayMs?: number
  /** Growth per consecutive failure. Default 2. */
  factor?: number
  /** Random fraction taken off each delay (0-1). Default 0.5. */
  jitter?: number
  /** A connection that stayed up this long resets the backoff. Default 10000. */
  stableAfterMs?: number
}

/** Options of {@link createDevice}. */
export interface DeviceOptions {
  /** The device id (`gwId` in discovery; the gateway's id for a gateway). */
  id: string
  /** The 16-character local key (or its 16 bytes). Never logged. */
  key: KeyInput
  /**
   * IP address or host name of the device. Leave it out to find the device from its UDP
   * beacon before connecting (see `locate`); then `connectTimeoutMs` defaults to 12 s and
   * `timeoutMs` to 15 s, to leave time for a beacon.
   */
  host?: string
  /**
   * How to find the device when `host` is left out: a function from the id to `{ ip }`.
   * Default: `findDevice` of `@tuya/discovery`, listening passively on UDP 6666/6667/7000.
   * Current 3.5 firmware stays silent until asked; pass
   * `(id, o) => findDevice(id, { ...o, solicit: { address: '192.168.1.255' } })` for those.
   * The address is kept, and looked up again after a connection is refused or times out.
   */
  locate?: Locator
  /** TCP port. Default 6668. */
  port?: number
  /** The protocol version, or `'auto'` (the default) to detect it on the first connection (see `version` on the handle). */
  version?: ProtocolVersion | 'auto'
  /**
   * Make this handle address gateway child `cid` (its own connection to the gateway). To talk to
   * several children of one gateway, create the gateway's handle and use `subdevice(cid)`:
   * they then share the gateway's single connection.
   */
  cid?: string
  /** The device is a gateway: a refused status query never switches it to device22 (§9). Default false. */
  isGateway?: boolean
  /** Start in the device22 dialect (3.2 always is; 3.3/3.4 are switched on detection). Default false. */
  device22?: boolean
  /** device22 DP ids, if known (skips probing, §9). */
  dpIds?: readonly (number | string)[]
  /** Default timeout of each call, queueing and connecting included. Default 10000. */
  timeoutMs?: number
  /** TCP connect plus handshake (or version probe). Default 5000. */
  connectTimeoutMs?: number
  /** Heartbeat when nothing was sent for this long; 0 = never. Default 10000 (devices drop idle connections after ~30 s). */
  heartbeatIntervalMs?: number
  /** A heartbeat not answered within this is a dead connection. Default 5000. */
  heartbeatTimeoutMs?: number
  /** Commands awaiting an answer at once (always at most one per reply cmd). Default 1 (§18.30). */
  maxInFlight?: number
  /** After an empty acknowledgement, wait this long for the STATUS push with the values. Default 300. */
  settleMs?: number
  /** Reconnect backoff, or false to reconnect only when the next command needs it. */
  reconnect?: ReconnectOptions | false
  /**
   * After a reconnect, read the status once so `state` catches up with changes missed while
   * offline (not for gateways). Default true.
   */
  resyncOnReconnect?: boolean
  /** Default of `failFast` for every call. Default false (wait for the reconnect until the deadline). */
  failFast?: boolean
  /** Largest frame accepted from the device. Default 16384. */
  maxFrameBytes?: number
  /** How to open connections. Default TCP (`node:net`, TCP_NODELAY). Tests pass `memoryTransport()`. */
  transport?: Connector
  /** Shared limit on simultaneous connection attempts (see `createConnectGate`). */
  connectGate?: ConnectGate
  /** Debug output (frame dumps at level `debug`; never a key). */
  logger?: Logger
  /** Clock in ms. Default `Date.now`. */
  now?: () => number
  /** Timers. Default `setTimeout`. */
  setTimer?: SetTimer
  /** Randomness for nonces and 3.5 IVs. Default `defaultRandom` of `@tuya/crypto` (`crypto.getRandomValues`, drawn 4 KiB at a time). */
  random?: RandomSource
  /**
   * What runs AES and HMAC for this handle: `nobleBackend` (default, pure JS) or
   * `nodeCryptoBackend` from `@tuya/crypto/node` (OpenSSL). The handle keeps its local key
   * and the current session key imported into it, and wipes them on close (a session key
   * also when its connection ends).
   */
  cryptoBackend?: CryptoBackend
  /** A number in [0, 1) for reconnect jitter. Default `Math.random`. */
  jitter?: () => number
}

/** Options of every call. */
export interface CallOptions {
  /** Abort the call: it rejects with `signal.reason` (and is taken out of the queue). */
  signal?: AbortSignal
  /** Deadline for the whole call: waiting, connecting, sending and the answer. Default: the device's `timeoutMs`. */
  timeoutMs?: number
  /** Re-send after a connection loss up to this many times. Default 0: a command is never sent twice. */
  retries?: number
  /** Reject with OfflineError at once when the device is known to be offline. Default: the device's `failFast`. */
  failFast?: boolean
}

/** Options of {@link TuyaDevice.request}. */
export interface RequestOptions extends CallOptions {
  /**
   * How the answer is recognised: `reply` (default: the first frame with this cmd), `collect`
   * (an ack, then DPs pushed within `settleMs`), `data` (skip empty acks), `write` (no answer expected).
   */
  expect?: 'reply' | 'collect' | 'data' | 'write'
  /** Gateway child the request is about (its pushes are collected with `expect: 'collect'`). */
  cid?: string
}

/** What `subdevices()` reports (cmd 64 `subdev_online_stat_report`; the shape is not confirmed by a capture). */
export interface SubdeviceList {
  online: string[]
  offline: string[]
  /** The raw JSON of the report. */
  json: unknown
}

/** Options of `updates()`. */
export interface UpdatesOptions {
  /** Ends the iteration: the pending `next()` rejects with `signal.reason`. */
  signal?: AbortSignal
  /** Reports kept while the consumer is slow; the oldest are dropped beyond it. Default 256. */
  bufferSize?: number
}

/** The DP state of a device, as `state` and `dps` events give it. */
export type DpsState = Readonly<Dps>
