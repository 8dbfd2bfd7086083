/**
 * Public types of `@tuya/codec`. This file is the contract the other packages
 * (`@tuya/session`, `@tuya/mock`, `@tuya/client`, the CLI) are written against.
 */
import type { Keyring, RandomSource } from '@tuya/crypto'
import type { DeviceError } from './device-errors.ts'

/** Every protocol version this codec speaks, oldest first (each has a row in the version table, protocols.ts). */
export const PROTOCOL_VERSIONS = Object.freeze(['3.1', '3.2', '3.3', '3.4', '3.5'] as const)

/** A Tuya LAN protocol version. */
export type ProtocolVersion = (typeof PROTOCOL_VERSIONS)[number]

/**
 * Who sent a frame. Device frames (`fromDevice`) carry a retcode; client frames
 * (`toDevice`) never do. Frames are not self-describing in this respect, so every
 * decode needs the direction.
 */
export type Direction = 'toDevice' | 'fromDevice'

/** On-wire frame format: `55aa` for 3.1-3.4 (and most UDP), `6699` for 3.5. */
export type FrameFormat = '55aa' | '6699'

/**
 * A key: the device's 16-character local key as a string (its ASCII bytes are the key;
 * it is never hex-decoded), or 16 raw key bytes (a session key, the udpkey).
 */
export type KeyInput = string | Uint8Array

/** The fixed part of a frame, readable without any key. */
export interface FrameHeader {
  format: FrameFormat
  seq: number
  cmd: number
  /** The header's length field, exactly as on the wire (its meaning differs per format). */
  length: number
  /** Total size of the frame in bytes, prefix to suffix. */
  byteLength: number
}

/** What {@link decodeFrame} returns: every layer of one frame, decrypted and checked. */
export interface DecodedFrame extends FrameHeader {
  version: ProtocolVersion
  direction: Direction
  /** Name of `cmd` from the command table, or `UNKNOWN_0x..`. */
  cmdName: string
  /** Device frames only: the return code (clear in 55AA, first 4 plaintext bytes in 6699). */
  retcode?: number
  /** The 15-byte version or source header that preceded the payload, if there was one. */
  header?: Uint8Array
  /** 6699 only: the GCM IV. */
  iv?: Uint8Array
  /** Whether the payload travelled encrypted (false: 3.1 plaintext, clear-text error texts). */
  isEncrypted: boolean
  /** The application payload: decrypted, header stripped. Empty = an acknowledgement (a shared, frozen empty array). */
  payload: Uint8Array
  /** The payload as text when it is valid UTF-8 (JSON, or an error text such as `data format error`). */
  text?: string
  /** The parsed JSON when the payload is a JSON object or array. */
  json?: unknown
}

/** Input of {@link decodeFrame}. */
export interface DecodeFrameOptions {
  version: ProtocolVersion
  /**
   * The key this frame is protected with: the local key, or for 3.4/3.5 frames after the
   * handshake the session key. Optional only where nothing is keyed (3.1 plaintext).
   */
  key?: KeyInput
  /** Default `fromDevice`. */
  direction?: Direction
  /** Reject frames larger than this (default {@link DEFAULT_MAX_FRAME_BYTES}). */
  maxFrameBytes?: number
  /**
   * Where the key is imported, and so which backend decrypts: the keyring of whoever owns
   * the key (a connection, a session), which keeps the imported key for the next frame.
   * Default: the noble backend, with the key imported for this call and wiped after it
   * (correct, but every frame pays the key setup: pass a keyring for a stream of frames).
   */
  keyring?: Keyring
}

/** JSON-serialisable payload, serialised compactly (no whitespace). */
export type JsonPayload = Record<string, unknown> | unknown[]

/** Input of {@link encodeFrame}. */
export interface EncodeFrameOptions {
  version: ProtocolVersion
  /** Key for this frame (local key, or session key after a 3.4/3.5 handshake). */
  key?: KeyInput
  /** Default `toDevice`. */
  direction?: Direction
  seq: number
  cmd: number
  /** Application payload: bytes, text, or an object serialised as compact JSON. Default empty. */
  payload?: Uint8Array | string | JsonPayload
  /** `fromDevice` only; default 0. */
  retcode?: number
  /**
   * The 15-byte header in front of the payload. `toDevice`: default follows the protocol
   * rule (CONTROL/CONTROL_NEW and other commands outside the skip list carry the version
   * header; 3.1 never does). `fromDevice`: default none; `true` adds the version header,
   * a 15-byte array is used as-is (a source header). `false` forces none.
   */
  header?: boolean | Uint8Array
  /**
   * Override the version's encryption rule. 3.1: default encrypts CONTROL (and, from a device,
   * STATUS pushes), `true`/`false` forces the "3.1"+signature+base64 form or plaintext. 3.2/3.3:
   * `false` sends the payload in clear, as 3.2 devices send error texts (no header allowed).
   * 3.4/3.5: only `true` (or undefined) is accepted.
   */
  encrypt?: boolean
  /** 3.5: the 12-byte GCM IV; default fresh from `random`. Never reuse one under a key. */
  iv?: Uint8Array
  /** Source of IVs; default `defaultRandom` of `@tuya/crypto` (pooled `crypto.getRandomValues`). */
  random?: RandomSource
  /** Where the key is imported, and so which backend encrypts: see {@link DecodeFrameOptions.keyring}. */
  keyring?: Keyring
}

/** A DP value as devices report it. */
export type DpValue = boolean | number | string | null
/** Data points by id (`"1"`, `"101"`). */
export type Dps = Record<string, DpValue>

/** What the request builders need to know about the target (PROTOCOL.md §8.2, §10). */
export interface RequestContext {
  version: ProtocolVersion
  /** The device id (`gwId` in discovery); for a gateway child, the gateway's id. */
  devId: string
  /** The `uid` field of 3.1-3.3 requests; default `devId`, as the reference client sends. */
  uid?: string
  /** A gateway child's node id: switches the builders to the sub-device forms (§10). */
  cid?: string
  /** Current Unix time in seconds, passed in (core code has no clock). */
  t: number
}

/** What a request builder returns: spread it into {@link EncodeFrameOptions}. */
export interface BuiltRequest {
  cmd: number
  payload: JsonPayload
}

/** A device frame's application payload, classified by {@link parseDevicePayload}. */
export type DeviceMessage =
  /** Empty payload: an acknowledgement (its retcode is not meaningful, PROTOCOL.md §11). */
  | { type: 'ack' }
  /** DPs, after normalising `data.dps`; `cid` names a gateway child, `devId`/`t` when present. */
  | { type: 'dps'; dps: Dps; cid?: string; devId?: string; t?: number; json: unknown }
  /** JSON without DPs, e.g. LAN_EXT_STREAM replies. */
  | { type: 'json'; json: unknown }
  /** An error text such as `json obj data unvalid`, as a DeviceError subclass. */
  | { type: 'error'; error: DeviceError }
