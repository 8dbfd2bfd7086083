/**
 * tuyapi's MessageParser (devDependency of the bench only) set up the way tuyapi uses it:
 * constructed with the local key, and for 3.4/3.5 given the session key through its
 * cipher's setSessionKey, as tuyapi does after its handshake.
 */
import { Buffer } from 'node:buffer'
import tuyapi from 'tuyapi/lib/message-parser.js'
import type { JsonPayload } from '@tuya/codec'
import { LOCAL_KEY, SESSION_KEYS, type BenchVersion } from './fixtures.ts'

export interface TuyapiCodec {
  /** A client request, as tuyapi's send path builds it (the object is stringified inside). */
  encode(cmd: number, seq: number, payload: JsonPayload): Buffer
  /** Parses one device frame: framing, CRC/HMAC/GCM, decryption, header, JSON. */
  decode(frame: Buffer): unknown
}

export function createTuyapiCodec(version: BenchVersion): TuyapiCodec {
  const parser = new tuyapi.MessageParser({ key: LOCAL_KEY, version })
  const sessionKey = SESSION_KEYS[version]
  if (sessionKey !== undefined) parser.cipher.setSessionKey(Buffer.from(sessionKey))
  return {
    // encode() replaces options.data with a Buffer, so every call gets a fresh options object.
    encode: (cmd, seq, payload) => parser.encode({ data: payload, commandByte: cmd, sequenceN: seq }) as Buffer,
    decode: (frame) => parser.parse(frame)[0]!.payload,
  }
}
