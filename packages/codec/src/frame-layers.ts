/**
 * The three frame layers a protocol version can use: 55AA with CRC32, 55AA with
 * HMAC-SHA256, and 6699 with AES-GCM. Each is one object, so the codec picks it from the
 * per-version table instead of branching on the version.
 */
import { decode55aa, encode55aa } from './frame-55aa.ts'
import { decode6699, encode6699 } from './frame-6699.ts'
import { needKey } from './payload.ts'
import type { FrameFormat } from './types.ts'

/** What a frame layer found inside one verified frame. */
export interface OpenedFrame {
  retcode: number | undefined
  iv: Uint8Array | undefined
  /** 55AA: the body after the retcode; 6699: the plaintext after the retcode. */
  inner: Uint8Array
}

/** Framing and integrity of one frame kind. */
export interface FrameLayer {
  readonly format: FrameFormat
  /** Integrity (and for 6699 confidentiality) needs the key. */
  readonly isKeyed: boolean
  /** Each frame carries a 12-byte IV. */
  readonly hasIv: boolean
  encode(seq: number, cmd: number, retcode: number | undefined, head: Uint8Array | undefined, body: Uint8Array, key: Uint8Array | undefined, iv: Uint8Array | undefined): Uint8Array
  /** `bytes` is exactly one frame whose length field was already checked. */
  decode(bytes: Uint8Array, hasRetcode: boolean, key: Uint8Array | undefined): OpenedFrame
}

/** 55AA frames with a CRC32 trailer (3.1-3.3, UDP 6666/6667). */
export const crcFrames: FrameLayer = {
  format: '55aa',
  isKeyed: false,
  hasIv: false,
  encode: (seq, cmd, retcode, head, body) => encode55aa(seq, cmd, retcode, head, body, 'crc', undefined),
  decode(bytes, hasRetcode) {
    const { retcode, body } = decode55aa(bytes, hasRetcode, 'crc', undefined)
    return { retcode, iv: undefined, inner: body }
  },
}

/** 55AA frames with an HMAC-SHA256 trailer (3.4). */
export const hmacFrames: FrameLayer = {
  format: '55aa',
  isKeyed: true,
  hasIv: false,
  encode: (seq, cmd, retcode, head, body, key) => encode55aa(seq, cmd, retcode, head, body, 'hmac', needKey(key, 'compute the 3.4 HMAC trailer')),
  decode(bytes, hasRetcode, key) {
    const { retcode, body } = decode55aa(bytes, hasRetcode, 'hmac', needKey(key, 'verify the 3.4 HMAC trailer'))
    return { retcode, iv: undefined, inner: body }
  },
}

/** 6699 frames sealed with AES-GCM (3.5). */
export const gcmFrames: FrameLayer = {
  format: '6699',
  isKeyed: true,
  hasIv: true,
  encode: (seq, cmd, retcode, head, body, key, iv) => encode6699(seq, cmd, retcode, head, body, needKey(key, 'encrypt a 3.5 frame'), iv!),
  decode(bytes, hasRetcode, key) {
    return decode6699(bytes, hasRetcode, needKey(key, 'decrypt a 3.5 frame'))
  },
}
