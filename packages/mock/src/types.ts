/**
 * Public types of `@tuya/mock`: options, faults and events.
 */
import type { Dps, KeyInput, ProtocolVersion } from '@tuya/codec'
import type { CryptoBackend, RandomSource } from '@tuya/crypto'
import type { SeqCheck } from './profiles.ts'

/** What the device does with a connection beyond `maxConnections` (PROTOCOL.md §13). */
export type ExtraConnectionPolicy = 'replace' | 'refuse' | 'reset'

/** Faults a test can inject; every field is optional and they combine. See the README. */
export interface MockFaults {
  /** Delay every frame the device sends by this many ms (order is kept). */
  replyDelayMs?: number
  /** Close a connection (without answering) when it has received this many frames, handshake included. */
  dropAfterFrames?: number
  /** Write only the first `bytes` (default: half) of the next frame the device sends, then close. One-shot. */
  truncateNextFrame?: boolean | { bytes?: number }
  /** Send junk bytes before every frame, or instead of it. A number means that many random bytes. */
  garbage?: { bytes?: number | Uint8Array; mode?: 'before' | 'instead' }
  /** Read frames but never answer or push: a hung device. */
  isSilent?: boolean
  /** Encrypt and sign every frame the device sends with this key instead of the right one. */
  wrongKey?: KeyInput
}

/** Beacon and solicitation settings (UDP discovery, PROTOCOL.md §14). */
export interface BeaconOptions {
  /** Where beacons go. Default `127.0.0.1`; never a broadcast address unless you ask for one. */
  address?: string
  /** Destination port. Default per version: 6666 (3.1) or 6667 (3.2-3.5). */
  port?: number
  /** Interval between beacons in ms. Default 5000 (official firmware). 0 = only on `sendBeacon()`. */
  intervalMs?: number
  /** The `ip` field of the beacon JSON. Default: the TCP host (127.0.0.1). */
  ip?: string
  /** The `productKey` field. Default `keymockdev000001`. */
  productKey?: string
  /** 3.5: the `uuid` field. Default: derived from the device id. */
  uuid?: string
  /** 3.5: the UDP port to listen on for REQ_DEVINFO solicitations. Default 7000; 0 = OS-assigned; false = don't listen. */
  solicitationPort?: number | false
  /**
   * 3.5: the address the solicitation socket binds to. Default: the device's `host`. Linux
   * delivers broadcast datagrams only to sockets bound to the wildcard address, so use
   * `0.0.0.0` to hear broadcast solicitations (inside a private network namespace in tests).
   */
  solicitationAddress?: string
  /** 3.5: the port answers are sent to, at the `ip` of the request. Default 7000. */
  replyPort?: number
}

/** Options of {@link createMockDevice}. */
export interface MockDeviceOptions {
  /** Protocol version. Default `3.3`. */
  version?: ProtocolVersion
  /** Device id (`gwId`/`devId`). Default: a random 20-character id. */
  id?: string
  /** The 16-character local key (or 16 bytes). Default: a random 16-character key. */
  localKey?: KeyInput
  /** Address to listen on. Default `127.0.0.1`. */
  host?: string
  /** TCP port. Default 0 (OS-assigned); real devices use 6668. */
  port?: number
  /** Initial data points. Default `{"1": false}`. */
  dps?: Dps
  /** Speak the device22 dialect (3.2-3.4; 3.2 always does). Rejected on 3.1 and 3.5. */
  dev22?: boolean
  /** Gateway mode: sub-devices by cid with their DPs. `true` = one child `a4c1380f4cd8e7b2` with `{"1": false}`. */
  gateway?: boolean | Record<string, Dps>
  /** Let clients create DPs the device does not have (real devices ignore them). Default false. */
  acceptUnknownDps?: boolean
  /** Simultaneous TCP clients. Default 1 (most devices); newer firmware allows 3. */
  maxConnections?: number
  /** What happens to a connection beyond `maxConnections`. Default `replace` (§16). */
  onExtraConnection?: ExtraConnectionPolicy
  /** Close a connection after this many ms without an inbound frame. Default 30000; 0 = never. */
  idleTimeoutMs?: number
  /** 3.4/3.5: non-handshake frames tolerated before the handshake; the next one closes. Default 3. */
  preHandshakeFrameLimit?: number
  /** Client frames whose seq does not increase: ignored, dropped, or the connection closed. Default: `close` on 3.5, `off` elsewhere. */
  seqCheck?: SeqCheck
  /** Close the connection on a framing error (junk, bad length, bad suffix, > maxFrameBytes). Default true. */
  closeOnBadFrame?: boolean
  /** Largest frame accepted. Default 4096 (official firmware). */
  maxFrameBytes?: number
  /** retcode of CONTROL acknowledgements (one official firmware sends 1). Default 0. */
  controlAckRetcode?: number
  /** Firmware behaviours some real devices have and others do not; all off by default. */
  quirks?: MockQuirks
  /** Faults to start with; change them later with `setFaults`. */
  faults?: MockFaults
  /** UDP beacons (and, on 3.5, answers to solicitations). Default off. */
  beacon?: boolean | BeaconOptions
  /** Clock in ms since the epoch (the `t` fields). Default `Date.now`. */
  now?: () => number
  /** Randomness: nonces, GCM IVs, the seq and serial starts. Default `defaultRandom` of `@tuya/crypto` (pooled `crypto.getRandomValues`). */
  random?: RandomSource
  /**
   * What runs the device's AES and HMAC: `nobleBackend` (default) or `nodeCryptoBackend` from
   * `@tuya/crypto/node`. Each connection imports its keys into it and wipes them when it closes.
   */
  cryptoBackend?: CryptoBackend
  /** 3.4/3.5: first seq of the device's own counter on every connection. Default: random per connection (as firmware). */
  seqStart?: number
  /** First serial of the source header (§5). Default random (as firmware). */
  serialStart?: number
  /** Abort to close the device. */
  signal?: AbortSignal
}

/**
 * Behaviours seen on some firmware only. Off by default, so the mock behaves as most devices do;
 * turn one on to test that a client copes with devices that have it.
 */
export interface MockQuirks {
  /**
   * A 3.2/3.3 device also answers a query whose payload is clear text (a 3.1 DP_QUERY), as if it
   * were encrypted. Most firmware decrypts every payload and silently drops what does not decrypt
   * (PROTOCOL.md §18.29); some units answer anyway, which a version probe that sends a 3.1 and a
   * 3.3 query back to back must survive. A 3.1 device always answers clear queries; on 3.4/3.5 a
   * 3.1 frame already fails the HMAC/GCM check, so this changes nothing there. Default false.
   */
  answersClearQueries?: boolean
}

/** Why a connection was closed. */
export type CloseReason =
  | 'client'
  | 'idle-timeout'
  | 'replaced'
  | 'refused'
  | 'reset'
  | 'bad-frame'
  | 'handshake-failed'
  | 'repeated-start'
  | 'pre-handshake-limit'
  | 'seq-error'
  | 'fault'
  | 'shutdown'
  | 'error'

/** A connected client as the device sees it. */
export interface MockConnectionInfo {
  readonly connectionId: number
  readonly remoteAddress: string
  readonly remotePort: number
}

/** Detail of each event a mock device dispatches (as `CustomEvent.detail`). */
export interface MockDeviceEventDetails {
  listening: { host: string; port: number }
  connection: MockConnectionInfo
  close: { connectionId: number; reason: CloseReason }
  handshake: { connectionId: number }
  /** Every complete frame in either direction, as raw bytes. */
  frame: { connectionId: number; direction: 'in' | 'out'; cmd: number; seq: number; bytes: Uint8Array }
  /** Every authenticated client command, decrypted. */
  command: { connectionId: number; cmd: number; name: string; seq: number; text?: string; json?: unknown; cid?: string }
  /** A frame the device ignored without answering, and why. */
  dropped: { connectionId: number; reason: string; error?: Error }
  /** DPs changed by a client (`client`) or by `setDps` (`device`). */
  change: { dps: Dps; cid?: string; source: 'client' | 'device' }
  beacon: { address: string; port: number; bytes: Uint8Array }
  solicitation: { ip: string; port: number }
  error: { error: Error }
}

/** Names of the events of a mock device. */
export type MockDeviceEventType = keyof MockDeviceEventDetails
