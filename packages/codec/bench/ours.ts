/**
 * @tuya/codec set up like a client: the local key (3.3) or the session key (3.4/3.5),
 * encoding requests and decoding device replies.
 */
import { decodeFrame, encodeFrame, type DecodedFrame, type JsonPayload, type KeyInput } from '@tuya/codec'
import { LOCAL_KEY, SESSION_KEYS, type BenchVersion } from './fixtures.ts'

export interface OurCodec {
  readonly key: KeyInput
  /** A client request (3.5: IV from the default random source, as in production). */
  encode(cmd: number, seq: number, payload: JsonPayload): Uint8Array
  /** One device frame: framing, CRC/HMAC/GCM, decryption, header, text and JSON. */
  decode(frame: Uint8Array): DecodedFrame
  /** A device reply with retcode 0 and the version header devices put in front. */
  deviceFrame(cmd: number, seq: number, payload: JsonPayload): Uint8Array
}

export function createOurCodec(version: BenchVersion): OurCodec {
  const key = SESSION_KEYS[version] ?? LOCAL_KEY
  return {
    key,
    encode: (cmd, seq, payload) => encodeFrame({ version, key, seq, cmd, payload }),
    decode: (frame) => decodeFrame(frame, { version, key }),
    deviceFrame: (cmd, seq, payload) => encodeFrame({ version, key, seq, cmd, payload, direction: 'fromDevice', retcode: 0, header: true }),
  }
}
