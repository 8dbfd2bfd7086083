/**
 * The three frame layers a protocol version can use: 55AA with CRC32, 55AA with
 * HMAC-SHA256, and 6699 with AES-GCM. Each is one object, so the codec picks it from the
 * per-version table instead of branching on the version.
 */
import type { CipherKey } from '@tuya/crypto'
import { bodyEnd, bodyStart, decode55aa, encode55aa, type Trailer55aa } from './frame-55aa.ts'
import { decode6699, encode6699 } from './frame-6699.ts'
import { needKey, type Body, type FrameKey } from './payload.ts'
import type { FrameFormat } from './types.ts'

/**
 * What a frame layer found inside one verified frame. The payload layer is `buf[start:end]`,
 * which the payload codecs read in place.
 */
export interface OpenedFrame {
  readonly retcode: number | undefined
  readonly iv: Uint8Array | undefined
  /** 55AA: the frame itself; 6699: the decrypted plaintext. */
  readonly buf: Uint8Array
  /** 55AA: where the body starts after the retcode; 6699: where the plaintext does after the retcode. */
  readonly start: number
  readonly end: number
}

/** Framing and integrity of one frame kind. */
export interface FrameLayer {
  readonly format: FrameFormat
  /** Integrity (and for 6699 confidentiality) needs the key. */
  readonly isKeyed: boolean
  /** Each frame carries a 12-byte IV. */
  readonly hasIv: boolean
  encode(seq: number, cmd: number, retcode: number | undefined, head: Uint8Array | undefined, body: Body, key: FrameKey | undefined, iv: Uint8Array | undefined): Uint8Array
  /** `bytes` is exactly one frame whose length field was already checked. */
  decode(bytes: Uint8Array, hasRetcode: boolean, key: FrameKey | undefined): OpenedFrame
}

function open55aa(bytes: Uint8Array, hasRetcode: boolean, trailer: Trailer55aa, macKey: CipherKey | undefined): OpenedFrame {
  const retcode = decode55aa(bytes, hasRetcode, trailer, macKey)
  return { retcode, iv: undefined, buf: bytes, start: bodyStart(hasRetcode), end: bodyEnd(bytes.length, trailer) }
}

/** 55AA frames with a CRC32 trailer (3.1-3.3, UDP 6666/6667). */
export const crcFrames: FrameLayer = {
  format: '55aa',
  isKeyed: false,
  hasIv: false,
  encode: (seq, cmd, retcode, head, body) => encode55aa(seq, cmd, retcode, head, body, 'crc', undefined),
  decode: (bytes, hasRetcode) => open55aa(bytes, hasRetcode, 'crc', undefined),
}

/** 55AA frames with an HMAC-SHA256 trailer (3.4). */
export const hmacFrames: FrameLayer = {
  format: '55aa',
  isKeyed: true,
  hasIv: false,
  encode: (seq, cmd, retcode, head, body, key) => encode55aa(seq, cmd, retcode, head, body, 'hmac', needKey(key, 'compute the 3.4 HMAC trailer').cipher),
  decode: (bytes, hasRetcode, key) => open55aa(bytes, hasRetcode, 'hmac', needKey(key, 'verify the 3.4 HMAC trailer').cipher),
}

/** 6699 frames sealed with AES-GCM (3.5). */
export const gcmFrames: FrameLayer = {
  format: '6699',
  isKeyed: true,
  hasIv: true,
  encode: (seq, cmd, retcode, head, body, key, iv) => encode6699(seq, cmd, retcode, head, body, needKey(key, 'encrypt a 3.5 frame').cipher, iv!),
  decode: (bytes, hasRetcode, key) => decode6699(bytes, hasRetcode, needKey(key, 'decrypt a 3.5 frame').cipher),
}
