/**
 * decodeFrame: one complete frame in, every layer checked and removed (PROTOCOL.md §3, §5, §6).
 */
import { assertBytes, hexToBytes } from '@tuya/crypto'
import { plainBytes } from './bytes.ts'
import { commandName } from './commands.ts'
import { DEFAULT_MAX_FRAME_BYTES } from './constants.ts'
import { BadPrefixError, FrameTooLargeError, MalformedLengthError, TruncatedFrameError } from './errors.ts'
import { readFrameHeader } from './header.ts'
import { bytesToText, looksLikeJson, parseJson } from './json.ts'
import { checkKeyring, withFrameKey } from './keys.ts'
import { protocolFor } from './protocols.ts'
import type { DecodedFrame, DecodeFrameOptions } from './types.ts'
import { checkDirection, checkMaxFrameBytes, checkOptions } from './validate.ts'

/**
 * Decodes one complete frame: prefix, length, suffix, CRC32 / HMAC-SHA256 / GCM tag, retcode
 * (device frames), version-specific decryption, 15-byte header removal, text and JSON.
 * Negotiation frames (3.4/3.5 cmd 3/4/5) come back raw, without text or JSON. `payload`,
 * `header` and `iv` may be views into `bytes` (or into a fresh decryption buffer); an empty
 * payload is a shared, frozen zero-length array. The result stays valid after later calls.
 *
 * @param bytes - exactly one frame, as bytes or hex (a stream goes through {@link Deframer} first)
 * @param options - version, key (local or session key), direction (default `fromDevice`), maxFrameBytes
 * @returns the decoded frame; an empty `payload` is an acknowledgement
 * @throws FrameError subclasses (BadPrefixError, BadSuffixError, CrcMismatchError, HmacMismatchError,
 *   TruncatedFrameError, FrameTooLargeError, MalformedLengthError, NotJsonError) for bad bytes
 * @throws DecryptError, BadPaddingError or AuthenticationError when decryption fails (wrong key or version)
 * @throws TypeError or RangeError for bad arguments (including a missing key that the frame needs)
 * @example
 * const frame = decodeFrame(hex, { version: '3.3', key: '4a5e1f0c9b2d7e38' })
 * frame.json // { devId: '…', dps: { '1': true } }
 */
export function decodeFrame(bytes: Uint8Array | string, options: DecodeFrameOptions): DecodedFrame {
  const input = typeof bytes === 'string' ? hexToBytes(bytes) : bytes
  assertBytes(input, 'bytes')
  const data = plainBytes(input)
  checkOptions(options, 'options')
  const proto = protocolFor(options.version, 'options.version')
  const direction = checkDirection(options.direction, 'fromDevice')
  const maxFrameBytes = checkMaxFrameBytes(options.maxFrameBytes, DEFAULT_MAX_FRAME_BYTES)
  const keyring = checkKeyring(options.keyring, 'options.keyring')
  const { format, seq, cmd, length, byteLength } = readFrameHeader(data)
  if (format !== proto.frame.format) {
    throw new BadPrefixError(`got a ${format.toUpperCase()} frame, but protocol ${proto.version} uses ${proto.frame.format.toUpperCase()} frames: check the configured version`)
  }
  const minLength = proto.minLength[direction]
  if (length < minLength) throw new MalformedLengthError(`length field ${length} is below ${minLength}, the smallest ${proto.version} ${direction} frame; drop it`)
  if (byteLength > maxFrameBytes) throw new FrameTooLargeError(`frame of ${byteLength} bytes exceeds maxFrameBytes ${maxFrameBytes}; the stream is probably desynchronised`)
  if (data.length < byteLength) throw new TruncatedFrameError(`got ${data.length} of the ${byteLength} bytes the length field announces; wait for more data or drop the datagram`)
  if (data.length > byteLength) {
    throw new MalformedLengthError(`got ${data.length} bytes but the length field describes a ${byteLength}-byte frame; pass exactly one frame (Deframer splits streams)`)
  }

  return withFrameKey(options.key, keyring, 'options.key', (key) => {
    const { retcode, iv, buf, start, end } = proto.frame.decode(data, direction === 'fromDevice', key)
    const isHandshake = proto.handshakeCmds.has(cmd)
    const { payload, header, isEncrypted } = proto.payload.open(buf, start, end, key, isHandshake)
    const frame: DecodedFrame = { format, seq, cmd, length, byteLength, version: proto.version, direction, cmdName: commandName(cmd), isEncrypted, payload }
    if (retcode !== undefined) frame.retcode = retcode
    if (header !== undefined) frame.header = header
    if (iv !== undefined) frame.iv = iv
    if (!isHandshake && payload.length > 0) {
      const text = bytesToText(payload)
      if (text !== undefined) {
        frame.text = text
        if (looksLikeJson(text)) frame.json = parseJson(text)
      }
    }
    return frame
  })
}
