/**
 * What a device frame that fails under the configured version tells about the version the
 * device speaks: what its framing fits without a key (`sniffFrame`: 6699 is 3.5's alone), or
 * a decoding under another version's rules that succeeds with the same local key (a 3.3 reply
 * to a 3.1 query decrypts as 3.3). Only 3.1-3.3 data frames can be decoded this way: 3.4/3.5
 * data frames need the session key.
 */
import { decodeFrame, sniffFrame, VERSION_FACTS, type DecodedFrame, type FrameSniff, type ProtocolVersion } from '@tuya/codec'
import { headerVersion } from './probe.ts'
import { withRetcode } from './retcode.ts'

/**
 * The version a frame shows, when it is not `expected`.
 * @param raw - one complete frame from the device
 * @param expected - the configured version, under which the frame failed
 * @param localKey - the local key
 * @param maxFrameBytes - the frame size limit
 * @returns the version the frame belongs to, or undefined when it shows none (a damaged frame, a wrong key)
 */
export function foreignVersion(raw: Uint8Array, expected: ProtocolVersion, localKey: Uint8Array, maxFrameBytes: number): ProtocolVersion | undefined {
  const frame = withRetcode(raw)
  let sniff: FrameSniff
  try {
    sniff = sniffFrame(frame)
  } catch {
    return undefined
  }
  // Only one version frames it this way, and it is not ours (a 6699 frame on 3.3).
  const [only, ...others] = sniff.versions
  if (only !== undefined && others.length === 0 && only !== expected && VERSION_FACTS[only].hasHandshake) return only
  // Newest first: a 3.2/3.3 frame (the same rules) is named 3.3, the version nearly all such devices report.
  for (const version of [...sniff.versions].reverse()) {
    if (version === expected || VERSION_FACTS[version].hasHandshake) continue
    const decoded = tryDecode(frame, version, localKey, maxFrameBytes)
    // Proof: JSON that only this version's decryption (or, on 3.1, its clear-text rule) yields.
    if (decoded?.json !== undefined && (decoded.isEncrypted || VERSION_FACTS[version].sendsClearQueries)) return sniff.headerVersion ?? headerVersion(decoded.header) ?? version
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
