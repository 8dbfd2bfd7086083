/**
 * encodeFrame: the inverse of decodeFrame, byte-exact with the golden vectors.
 */
import { assertBytes, defaultRandom, isBytes, randomBytes } from '@tuya/crypto'
import { hasVersionPrefix, plainBytes } from './bytes.ts'
import { NO_VERSION_HEADER_CMDS } from './commands.ts'
import { IV_BYTES, VERSION_HEADER_BYTES } from './constants.ts'
import { serializeJson } from './json.ts'
import { checkKeyring, withFrameKey } from './keys.ts'
import { EMPTY, type Body } from './payload.ts'
import { protocolFor, type Protocol } from './protocols.ts'
import type { Direction, EncodeFrameOptions } from './types.ts'
import { checkDirection, checkOptions, checkU32 } from './validate.ts'

/**
 * Builds one frame: payload -> 15-byte header (by the protocol rule or as asked) ->
 * version-specific encryption -> 55AA (CRC32 / HMAC) or 6699 (GCM) framing.
 * 3.1 CONTROL gets the base64 + MD5 signature scheme; 3.2/3.3 put the header in clear in
 * front of the AES-ECB ciphertext; 3.4 encrypts header and JSON together and appends an
 * HMAC; 3.5 seals header and JSON with AES-GCM, AAD = frame bytes 4..18.
 *
 * @param options - version, key, direction (default `toDevice`), seq, cmd, payload, retcode
 *   (device frames), header, encrypt, iv / random (3.5)
 * @returns the complete frame bytes, ready for one socket write
 * @throws TypeError or RangeError for bad arguments (including a missing key the frame needs)
 * @example
 * // 3.4 handshake START with the local key (handshake_v34.json)
 * encodeFrame({ version: '3.4', key: localKey, cmd: CMD.SESS_KEY_NEG_START, seq: 1, payload: clientNonce })
 */
export function encodeFrame(options: EncodeFrameOptions): Uint8Array {
  checkOptions(options, 'options')
  const proto = protocolFor(options.version, 'options.version')
  const direction = checkDirection(options.direction, 'toDevice')
  const seq = checkU32(options.seq, 'options.seq')
  const cmd = checkU32(options.cmd, 'options.cmd')
  let retcode: number | undefined
  if (direction === 'fromDevice') retcode = options.retcode === undefined ? 0 : checkU32(options.retcode, 'options.retcode')
  else if (options.retcode !== undefined) throw new TypeError("options.retcode is only sent by devices: use direction: 'fromDevice'")
  if (options.encrypt !== undefined && typeof options.encrypt !== 'boolean') throw new TypeError('options.encrypt must be a boolean')
  const keyring = checkKeyring(options.keyring, 'options.keyring')
  return withFrameKey(options.key, keyring, 'options.key', (key) => {
    const payload = payloadBody(options.payload)
    const header = chooseHeader(proto, direction, cmd, options.header)
    const { head, body } = proto.payload.seal(cmd, direction, payload, header, key, options.encrypt)
    let iv: Uint8Array | undefined
    if (proto.frame.hasIv) {
      if (options.iv !== undefined) {
        assertBytes(options.iv, 'options.iv', IV_BYTES)
        iv = options.iv
      } else {
        iv = randomBytes(IV_BYTES, options.random ?? defaultRandom)
      }
    }
    return proto.frame.encode(seq, cmd, retcode, head, body, key, iv)
  })
}

/** The payload as bytes, or as text that the layers below encode as UTF-8 where it goes. */
function payloadBody(payload: EncodeFrameOptions['payload']): Body {
  if (payload === undefined) return EMPTY
  if (typeof payload === 'string') return payload
  if (isBytes(payload)) return plainBytes(payload)
  return serializeJson(payload, 'options.payload')
}

function chooseHeader(proto: Protocol, direction: Direction, cmd: number, option: EncodeFrameOptions['header']): Uint8Array | undefined {
  let header: Uint8Array | undefined
  if (option === undefined) {
    const wanted = direction === 'toDevice' && proto.hasClientVersionHeader && !NO_VERSION_HEADER_CMDS.has(cmd)
    return wanted ? proto.versionHeader : undefined
  }
  if (option === false) return undefined
  if (option === true) header = proto.versionHeader
  else if (isBytes(option)) {
    assertBytes(option, 'options.header', VERSION_HEADER_BYTES)
    // Decoders find the header by its "3.x" start (§5.2); anything else would not round-trip.
    if (!hasVersionPrefix(option, VERSION_HEADER_BYTES)) throw new RangeError('options.header must start with "3." and a digit, like a version or source header')
    header = option
  } else throw new TypeError('options.header must be a boolean or a 15-byte Uint8Array')
  if (!proto.payload.allowsHeader) throw new RangeError(`protocol ${proto.version} payloads never carry a 15-byte header`)
  return header
}
