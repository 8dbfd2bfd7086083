/**
 * What a device frame that fails under the configured version tells about the version the
 * device speaks: its format (6699 is 3.5's alone), or a decoding under another version's rules
 * that succeeds with the same local key (a 3.3 reply to a 3.1 query decrypts as 3.3). Only
 * 3.1-3.3 data frames can be checked this way: 3.4/3.5 data frames need the session key.
 */
import { decodeFrame, readFrameHeader, type DecodedFrame, type ProtocolVersion } from '@tuya/codec'
import { headerVersion } from './probe.ts'
import { withRetcode } from './retcode.ts'
import { TRAITS } from './traits.ts'

/** Newest first: a 3.2/3.3 frame (the same rules) is named 3.3, the version nearly all such devices report. */
const NEWEST_FIRST = (Object.keys(TRAITS) as ProtocolVersion[]).sort().reverse()

/**
 * The version a frame shows, when it is not `expected`.
 * @param raw - one complete frame from the device
 * @param expected - the configured version, under which the frame failed
 * @param localKey - the local key
 * @param maxFrameBytes - the frame size limit
 * @returns the version the frame belongs to, or undefined when it shows none (a damaged frame, a wrong key)
 */
export function foreignVersion(raw: Uint8Array, expected: ProtocolVersion, localKey: Uint8Array, maxFrameBytes: number): ProtocolVersion | undefined {
  let format: string
  try {
    format = readFrameHeader(raw).format
  } catch {
    return undefined
  }
  for (const version of NEWEST_FIRST) {
    const traits = TRAITS[version]
    if (version === expected) continue
    if (traits.integrity === 'gcm') {
      if (format === '6699') return version
      continue
    }
    if (traits.handshake !== undefined) continue
    const frame = tryDecode(withRetcode(raw), version, localKey, maxFrameBytes)
    // Proof: JSON that only this version's decryption (or, on 3.1, its clear-text rule) yields.
    if (frame?.json !== undefined && (frame.isEncrypted || traits.sendsClearQueries)) return headerVersion(frame.header) ?? version
  }
  return undefined
}

function tryDecode(raw: Uint8Array, version: ProtocolVersion, key: Uint8Array, maxFrameBytes: number): DecodedFrame | undefined {
  try {
    return decodeFrame(raw, { version, key, maxFrameBytes })
  } catch {
    return undefined
  }
}
