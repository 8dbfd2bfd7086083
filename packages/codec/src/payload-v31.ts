/**
 * Protocol 3.1 payloads (PROTOCOL.md §6.1): plaintext JSON, except CONTROL (and device
 * pushes), which travel as "3.1" || signature || base64(AES-ECB(json)).
 */
import { aesEcbDecrypt, aesEcbEncrypt, md5 } from '@tuya/crypto'
import { base64Decode, base64Encode } from './base64.ts'
import { ascii, NO_BYTES, startsWith, view, writeHexAscii } from './bytes.ts'
import { CMD } from './commands.ts'
import type { Direction } from './types.ts'
import { textToBytes } from './json.ts'
import { needKey, opened, sealed, type FrameKey, type PayloadCodec } from './payload.ts'

const V31 = ascii('3.1')
const DATA = ascii('data=')
const LPV = ascii('||lpv=3.1||')
/** "3.1" plus 16 signature characters. */
const PREAMBLE_BYTES = 19

/**
 * The 16-character signature: hex(MD5("data=" || b64 || "||lpv=3.1||" || key))[8:24], written
 * as ASCII into `out` at offset 3 (PROTOCOL.md §18.19: the key as its ASCII text).
 */
function writeSignature(out: Uint8Array, b64: Uint8Array, key: Uint8Array): void {
  const pre = new Uint8Array(DATA.length + b64.length + LPV.length + key.length)
  pre.set(DATA, 0)
  pre.set(b64, DATA.length)
  pre.set(LPV, DATA.length + b64.length)
  pre.set(key, DATA.length + b64.length + LPV.length)
  writeHexAscii(out, V31.length, md5(pre), 4, 12)
  pre.fill(0) // it holds the key
}

/** Which 3.1 payloads are encrypted unless the caller says otherwise. */
function encryptsByDefault(cmd: number, direction: Direction): boolean {
  // Clients encrypt only CONTROL (tinytuya, tuyapi); devices also encrypt STATUS pushes (§8.3).
  return cmd === CMD.CONTROL || (direction === 'fromDevice' && cmd === CMD.STATUS)
}

/** The 3.1 payload codec. */
export const payloadV31: PayloadCodec = {
  allowsHeader: false,
  seal(cmd, direction, payload, _header, key, encrypt) {
    if (payload.length === 0) return sealed(undefined, NO_BYTES)
    if (!(encrypt ?? encryptsByDefault(cmd, direction))) return sealed(undefined, payload)
    const k: FrameKey = needKey(key, 'encrypt a 3.1 payload')
    const b64 = base64Encode(aesEcbEncrypt(k.cipher, typeof payload === 'string' ? textToBytes(payload) : payload))
    const body = new Uint8Array(PREAMBLE_BYTES + b64.length)
    body.set(V31, 0)
    writeSignature(body, b64, k.bytes)
    body.set(b64, PREAMBLE_BYTES)
    return sealed(undefined, body)
  },
  open(buf, start, end, key) {
    if (end - start >= PREAMBLE_BYTES && startsWith(buf, V31, start, end)) {
      // The signature is not checked, like every reference client (§6.1); CRC covers transit.
      const plain = aesEcbDecrypt(needKey(key, 'decrypt a 3.1 encrypted payload').cipher, base64Decode(buf, start + PREAMBLE_BYTES, end))
      return opened(plain, undefined, true)
    }
    // Plain JSON, an empty acknowledgement, or a clear-text error text.
    return opened(view(buf, start, end), undefined, false)
  },
}
