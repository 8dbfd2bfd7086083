/**
 * What the decoder produces: one record per frame, plus notices (session derived, bytes
 * missing from the capture, junk skipped, no key, ...). Both are plain data; see format.ts
 * for the human and `--json` renderings.
 */
import type { Direction, ProtocolVersion } from '@tuya/codec'

/** Where a frame came from. */
export type FrameTransport = 'tcp' | 'udp' | 'input'

/** One decoded (or undecodable) frame. */
export interface FrameRecord {
  readonly kind: 'frame'
  /** Capture time, microseconds since the epoch (captures only). */
  timeUs?: number
  /** `#1`, `#2`... for TCP connections, `udp` for datagrams; absent for hex input. */
  connection?: string
  transport: FrameTransport
  /** `192.168.1.50:6668` (captures only). */
  src?: string
  dst?: string
  /** Who sent it: `toDevice` (client -> device) or `fromDevice`; absent when it could not be told. */
  direction?: Direction
  seq?: number
  cmd?: number
  cmdName?: string
  /** Device frames: the return code. */
  retcode?: number
  version?: ProtocolVersion
  /** A client frame of `version: 'auto'`'s probe in this other version (the device speaks `version` of the connection). */
  probe?: ProtocolVersion
  /** True when the version was guessed from the bytes (not given, not from devices.json). */
  isVersionGuessed?: boolean
  /** Empty payload: an acknowledgement. */
  isAck?: boolean
  /** The payload as text (JSON or a device error text). */
  text?: string
  /** The parsed JSON payload. */
  json?: unknown
  /** Binary payloads (negotiation nonces), as hex. */
  payloadHex?: string
  /** A human note on the frame: nonces, proofs. */
  info?: string
  /** Set on the RESP frame after which a session key was derived; `keyHex` only with --show-keys. */
  session?: { keyHex?: string }
  /** Why the frame could not be decoded (the header fields above are still filled when readable). */
  error?: { code: string; message: string }
  /** Size of the frame in bytes. */
  byteLength: number
}

/** Something worth saying that is not a frame. */
export interface NoticeRecord {
  readonly kind: 'notice'
  timeUs?: number
  connection?: string
  readonly level: 'info' | 'warning'
  readonly message: string
}

/** Everything the decoder emits, in order. */
export type DecodeRecord = FrameRecord | NoticeRecord
