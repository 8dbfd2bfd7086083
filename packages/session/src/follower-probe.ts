/**
 * The client's `version: 'auto'` probe as a passive observer sees it: a connection opens
 * with one client frame per version a device can be told apart by, back to back, and the
 * device answers only the one it speaks (PROTOCOL.md §18.29). The plan comes from the
 * codec's version table (`VERSION_FACTS[v].probeSeq`).
 */
import { CMD, decodeFrame, FrameError, readFrameHeader, VERSION_FACTS } from '@tuya/codec'
import type { DecodedFrame, KeyInput, ProtocolVersion } from '@tuya/codec'
import { DecryptError, type Keyring } from '@tuya/crypto'
import { readStartPayload } from './handshake-payloads.ts'

/** One frame of the auto probe: the version it asks in, and its seq. */
export interface AutoProbeFrame {
  readonly version: ProtocolVersion
  readonly seq: number
}

/** The auto probe's frames in the order the client sends them (seq 1, 2, ...). */
export const AUTO_PROBE: readonly AutoProbeFrame[] = Object.freeze(
  Object.values(VERSION_FACTS)
    .flatMap((facts) => (facts.probeSeq === undefined ? [] : [Object.freeze({ version: facts.version, seq: facts.probeSeq })]))
    .sort((a, b) => a.seq - b.seq),
)

/** The highest seq of a probe frame: a client frame with a larger seq is no probe. */
export const AUTO_PROBE_LAST_SEQ: number = AUTO_PROBE.reduce((last, p) => Math.max(last, p.seq), 0)

/**
 * The version whose probe frame carries `seq`, if any.
 * @param seq - a client frame's seq
 * @returns the version, or undefined when no probe frame has this seq
 * @example autoProbeVersionOf(4) // '3.5'
 */
export function autoProbeVersionOf(seq: number): ProtocolVersion | undefined {
  return AUTO_PROBE.find((p) => p.seq === seq)?.version
}

/**
 * Whether a decoded client frame is a JSON request as a client of `version` sends it: the
 * codecs of later versions open clear JSON too, but only clients of a version that sends
 * clear queries (3.1) ever send one.
 * @param decoded - a client frame decoded in `version`
 * @param version - the version it was decoded in
 */
export function isRequestOf(decoded: DecodedFrame, version: ProtocolVersion): boolean {
  return decoded.json !== undefined && (decoded.isEncrypted || VERSION_FACTS[version].sendsClearQueries)
}

/** What {@link recogniseAutoProbe} needs to open a probe frame. */
export interface AutoProbeContext {
  /** The version the device of this connection speaks: its own frame is no probe. */
  readonly version: ProtocolVersion
  /** The local key (every probe frame is under it). */
  readonly localKey: KeyInput | undefined
  readonly keyring?: Keyring
  readonly maxFrameBytes?: number
}

/**
 * Whether a client frame is the auto probe's frame of another version than the
 * connection's: its seq is that version's probe seq, and it decodes under the local key in
 * that version as what the probe sends there (a START with its nonce, or a JSON request).
 *
 * @param frame - one complete client -> device frame
 * @param context - the connection's version, the local key; optional keyring and size limit
 * @returns the probe's version and the frame decoded in it, or undefined
 * @example recogniseAutoProbe(frame, { version: '3.5', localKey })?.version // '3.4' for the seq-3 START
 */
export function recogniseAutoProbe(frame: Uint8Array, context: AutoProbeContext): { version: ProtocolVersion; decoded: DecodedFrame } | undefined {
  if (context.localKey === undefined) return undefined
  let version: ProtocolVersion | undefined
  try {
    version = autoProbeVersionOf(readFrameHeader(frame).seq)
  } catch (error) {
    if (error instanceof FrameError) return undefined // not a frame at all, so no probe
    throw error
  }
  if (version === undefined || version === context.version) return undefined
  let decoded: DecodedFrame
  try {
    decoded = decodeFrame(frame, {
      version,
      key: context.localKey,
      direction: 'toDevice',
      ...(context.keyring === undefined ? {} : { keyring: context.keyring }),
      ...(context.maxFrameBytes === undefined ? {} : { maxFrameBytes: context.maxFrameBytes }),
    })
  } catch (error) {
    if (error instanceof FrameError || error instanceof DecryptError) return undefined // not this version's frame under this key
    throw error
  }
  const isStart = VERSION_FACTS[version].hasHandshake && decoded.cmd === CMD.SESS_KEY_NEG_START && readStartPayload(decoded.payload) !== undefined
  return isStart || isRequestOf(decoded, version) ? { version, decoded } : undefined
}
