/**
 * Public types of `@tuya/discovery`: what a beacon decodes to, why a datagram was ignored,
 * the device records the discovery keeps, its counters and its events.
 */
import type { ProtocolVersion, UdpFrameKind } from '@tuya/codec'

/**
 * How a beacon travelled (PROTOCOL.md §14.1): `55aa-plain` (3.1, UDP 6666), `55aa-ecb`
 * (3.2-3.4, body under AES-ECB(udpkey), UDP 6667), `6699-gcm` (3.5 beacons on 6667 and
 * answers on 7000), `raw-ecb` (an unframed AES-ECB(udpkey) blob, rare).
 */
export type BeaconFraming = UdpFrameKind | 'raw-ecb'

/** Where a datagram came from (the packet's source, not what its payload claims). */
export interface DatagramSource {
  address: string
  port: number
}

/** One decoded beacon: everything a datagram says about a device, with no notion of time. */
export interface Beacon {
  /** The device id (`gwId`), used as `devId` by the client. */
  id: string
  /**
   * The address to connect to: the payload's `ip` when it is a valid IPv4 address (what the
   * reference client uses), else the packet source. Unauthenticated: see {@link hasIpMismatch}.
   */
  ip: string
  /** The `ip` field of the payload, when it is a valid IPv4 address. */
  payloadIp: string | undefined
  /** The packet's source address and port. */
  source: DatagramSource
  /**
   * The payload's `ip` and the packet source differ (a device or a scanner behind NAT, such as
   * Docker's bridge network, or a spoofed beacon). Both are kept; `ip` holds the payload's.
   */
  hasIpMismatch: boolean
  /** The `version` field when it is one this library speaks (3.1-3.5); the raw value stays in `json`. */
  version: ProtocolVersion | undefined
  /** The `productKey` field, when present. */
  productKey: string | undefined
  /** Whether the beacon was encrypted (everything but 3.1 plaintext beacons). */
  isEncrypted: boolean
  framing: BeaconFraming
  /** The frame's cmd (0 on 3.1, 19 = UDP_NEW later); undefined for `raw-ecb`. */
  cmd: number | undefined
  /** The retcode in front of the JSON, when there was one. */
  retcode: number | undefined
  /** The beacon's JSON object, as sent (the misspelt `ablilty` included). */
  json: Record<string, unknown>
}

/**
 * Why a datagram was not turned into a beacon. Counted in `stats.ignored`, reported through
 * the `debug` hook and the `ignored` event, never thrown.
 * - `empty`: zero bytes
 * - `oversized`: larger than `maxDatagramBytes`
 * - `foreign`: neither a Tuya frame nor an AES-ECB(udpkey) blob holding JSON
 * - `bad-frame`: a Tuya prefix, but a bad length, suffix or CRC
 * - `decrypt-failed`: the udpkey does not open it (GCM tag, PKCS#7 padding)
 * - `not-json`: decrypted, but not a JSON object
 * - `not-a-beacon`: a JSON object without a device id (`gwId`)
 * - `solicitation`: another scanner's (or our own) REQ_DEVINFO request on port 7000
 * - `too-many-devices`: a new device id while `maxDevices` are already known
 */
export type IgnoredReason =
  | 'empty'
  | 'oversized'
  | 'foreign'
  | 'bad-frame'
  | 'decrypt-failed'
  | 'not-json'
  | 'not-a-beacon'
  | 'solicitation'
  | 'too-many-devices'

/** A datagram that was not a beacon, and why. */
export interface IgnoredDatagram {
  type: 'ignored'
  reason: IgnoredReason
  /** What was wrong, for debug output (never contains packet bytes). */
  message: string
  /** The codec error behind `bad-frame`, `decrypt-failed` or `not-json`, if any. */
  error?: Error
}

/** What {@link decodeBeacon} returns. */
export type BeaconDecodeResult = { type: 'beacon'; beacon: Beacon } | IgnoredDatagram

/** A device the discovery has seen: its latest beacon plus when and how often. */
export interface DiscoveredDevice extends Beacon {
  /** When the first beacon of this device arrived (ms since the epoch). */
  firstSeenMs: number
  /** When the latest beacon arrived (ms since the epoch). */
  lastSeenMs: number
  /** How many beacons (and solicitation answers) arrived from it. */
  beaconCount: number
  /** The local UDP port the latest beacon arrived on (6666, 6667, 7000 by default). */
  localPort: number
}

/** `new`: first beacon of this id; `updated`: its address, version, product key or encryption changed. */
export type DeviceChange = 'new' | 'updated'

/** One item of the discovery stream: a new device, or one whose details changed. */
export interface DeviceUpdate {
  change: DeviceChange
  device: DiscoveredDevice
}

/** Counters of one discovery instance (a snapshot; JSON-serialisable). */
export interface DiscoveryStats {
  /** Datagrams received on all ports. */
  received: number
  /** Datagrams decoded into a beacon. */
  decoded: number
  /** Datagrams ignored, by reason. */
  ignored: Record<IgnoredReason, number>
  /** Distinct device ids known. */
  devices: number
  /** 3.5 solicitations sent. */
  solicitationsSent: number
  /** Solicitations the operating system refused to send. */
  sendErrors: number
}

/** Detail of each event a discovery instance dispatches (as `CustomEvent.detail`). */
export interface DiscoveryEventDetails {
  /** A new device, or one whose details changed. */
  device: DeviceUpdate
  /** Every decoded beacon, repeats included (`device` carries the updated record). */
  beacon: { device: DiscoveredDevice }
  /** A datagram that was not a beacon. */
  ignored: { reason: IgnoredReason; message: string; source: DatagramSource; localPort: number; byteLength: number }
  /** A solicitation went out. */
  solicit: { address: string; port: number; ip: string }
  /** A socket failed after start-up (the others keep listening). */
  error: { error: Error }
}

/** Names of the events in {@link DiscoveryEventDetails}. */
export type DiscoveryEventType = keyof DiscoveryEventDetails

/** The `debug` hook: one line of text plus structured fields (never key material or packet dumps). */
export type DebugLogger = (message: string, fields?: Record<string, unknown>) => void
