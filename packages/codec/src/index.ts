/**
 * @packageDocumentation
 * The frame codec of the Tuya LAN protocol, versions 3.1 to 3.5 and the device22 dialect:
 * 55AA and 6699 frames with their CRC32, HMAC-SHA256 and AES-GCM protection, the
 * per-version payload encryption, a streaming {@link Deframer}, JSON request builders and a
 * parser for device replies. Bytes in, frames out: no sockets, no clocks, no hidden
 * randomness (3.5 IVs come from an injectable `RandomSource`).
 *
 * @example
 * ```ts
 * import { Deframer, decodeFrame, encodeFrame, buildControlRequest, parseDevicePayload } from '@tuya/codec'
 *
 * const key = '4a5e1f0c9b2d7e38' // the device local key: 16 ASCII characters
 * const request = buildControlRequest({ version: '3.3', devId: 'bf1234567890abcdefgh', t: 1700000000 }, { '1': true })
 * const bytes = encodeFrame({ version: '3.3', key, seq: 1, ...request }) // write to the socket
 *
 * const deframer = new Deframer()
 * for (const frame of deframer.push(bytes)) {
 *   const decoded = decodeFrame(frame, { version: '3.3', key, direction: 'toDevice' })
 *   console.log(decoded.cmdName, decoded.json) // CONTROL { devId: …, uid: …, t: '1700000000', dps: { '1': true } }
 * }
 * console.log(parseDevicePayload({ cmd: 8, retcode: 0, payload: new Uint8Array(0) })) // { type: 'ack' }
 * ```
 */
export type {
  DecodedFrame,
  DecodeFrameOptions,
  Direction,
  Dps,
  DpValue,
  EncodeFrameOptions,
  FrameFormat,
  FrameHeader,
  JsonPayload,
  KeyInput,
  ProtocolVersion,
} from './types.ts'
export { PROTOCOL_VERSIONS } from './types.ts'
export {
  DEFAULT_MAX_FRAME_BYTES,
  HEADER_55AA_BYTES,
  HEADER_6699_BYTES,
  isProtocolVersion,
  UDP_KEY,
  VERSION_HEADER_BYTES,
} from './constants.ts'
export { CMD, commandName, NO_VERSION_HEADER_CMDS } from './commands.ts'
export type { CommandName } from './commands.ts'
export { toKeyBytes, versionHeader } from './keys.ts'
export {
  AuthenticationError,
  BadPaddingError,
  BadPrefixError,
  BadSuffixError,
  CrcMismatchError,
  DecryptError,
  FrameError,
  FrameTooLargeError,
  HmacMismatchError,
  MalformedLengthError,
  NotJsonError,
  TruncatedFrameError,
  TuyaError,
} from './errors.ts'
export { readFrameHeader } from './header.ts'
export { sniffFrame } from './sniff.ts'
export type { FrameSniff } from './sniff.ts'
export { UDP_FRAMES, VERSION_FACTS } from './protocols.ts'
export type { BeaconFacts, HandshakeVersion, PayloadHeader, PushFacts, RequestDialect, StatusReplyKeys, UdpFrameKind, VersionFacts } from './protocols.ts'
export { readU32, writeU32 } from './bytes.ts'
export { decodeFrame } from './decode.ts'
export { encodeFrame } from './encode.ts'
export { Deframer } from './deframer.ts'
export type { DeframerOptions, DiscardInfo } from './deframer.ts'
export {
  buildControlRequest,
  buildDev22StatusRequest,
  buildHeartbeatRequest,
  buildRefreshRequest,
  buildStatusRequest,
  buildStatusRequestNew,
  buildSubdeviceListRequest,
} from './requests.ts'
export type { BuiltRequest, DeviceMessage, RequestContext } from './types.ts'
export { parseDevicePayload } from './device-payload.ts'
export { DataFormatError, DataUnvalidError, DeviceError, DevIdNotFoundError, ParseDataError } from './device-errors.ts'
export type { DeviceErrorOptions } from './device-errors.ts'
