/**
 * @tuya/codec set up like a client: the local key (3.3) or the session key (3.4/3.5), held
 * in the connection's keyring on the given backend, encoding requests and decoding device
 * replies.
 */
import { decodeFrame, encodeFrame, type DecodedFrame, type JsonPayload, type KeyInput } from '@tuya/codec'
import { createKeyring, type CryptoBackend } from '@tuya/crypto'
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

export function createOurCodec(version: BenchVersion, backend?: CryptoBackend): OurCodec {
  const key = SESSION_KEYS[version] ?? LOCAL_KEY
  const keyring = createKeyring(backend === undefined ? {} : { backend })
  return {
    key,
    encode: (cmd, seq, payload) => encodeFrame({ version, key, seq, cmd, payload, keyring }),
    decode: (frame) => decodeFrame(frame, { version, key, keyring }),
    deviceFrame: (cmd, seq, payload) => encodeFrame({ version, key, seq, cmd, payload, direction: 'fromDevice', retcode: 0, header: true, keyring }),
  }
}
