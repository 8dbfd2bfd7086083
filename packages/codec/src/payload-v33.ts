/**
 * Protocol 3.2 and 3.3 payloads (PROTOCOL.md §6.2): the 15-byte header travels in clear
 * in front of AES-ECB(local key, json); devices may send error texts in clear.
 */
import { aesEcbDecrypt, aesEcbEncrypt } from '@tuya/crypto'
import { isPrintableAscii } from './bytes.ts'
import { VERSION_HEADER_BYTES } from './constants.ts'
import { EMPTY, needKey, type Opened, type PayloadCodec, type SealInput, type Sealed } from './payload.ts'

const BLOCK = 16

/** The 3.2/3.3 payload codec. */
export const payloadV33: PayloadCodec = {
  allowsHeader: true,
  seal(input: SealInput): Sealed {
    const { payload, header } = input
    if (input.encrypt === false) {
      if (header !== undefined) throw new RangeError('header cannot be combined with encrypt: false (a clear 3.2/3.3 payload has no header)')
      return { head: undefined, body: payload }
    }
    if (payload.length === 0 && header === undefined) return { head: undefined, body: EMPTY }
    return { head: header, body: aesEcbEncrypt(needKey(input.key, 'encrypt a 3.2/3.3 payload'), payload) }
  },
  open(inner: Uint8Array, key: Uint8Array | undefined): Opened {
    if (inner.length === 0) return { payload: inner, header: undefined, isEncrypted: false }
    // 3.2 (and 3.1) devices send error texts such as "json obj data unvalid" unencrypted;
    // ciphertext is a multiple of 16 and a header holds zero bytes, so neither is mistaken.
    if (inner.length % BLOCK !== 0 && isPrintableAscii(inner)) return { payload: inner, header: undefined, isEncrypted: false }
    let header: Uint8Array | undefined
    let ct = inner
    // §6.2 strips a "3.x" start or any body of length 15 mod 16 (device22 units send headers
    // with other version strings). Header + ciphertext is always 15 mod 16, so the size alone
    // decides; this also keeps a pure ciphertext that happens to begin with "3.1" intact.
    if (inner.length % BLOCK === VERSION_HEADER_BYTES) {
      header = inner.subarray(0, VERSION_HEADER_BYTES)
      ct = inner.subarray(VERSION_HEADER_BYTES)
    }
    const payload = aesEcbDecrypt(needKey(key, 'decrypt a 3.2/3.3 payload'), ct)
    return { payload, header, isEncrypted: true }
  },
}
