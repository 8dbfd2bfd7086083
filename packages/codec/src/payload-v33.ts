/**
 * Protocol 3.2 and 3.3 payloads (PROTOCOL.md §6.2): the 15-byte header travels in clear
 * in front of AES-ECB(local key, json); devices may send error texts in clear.
 */
import { aesEcbDecrypt } from '@tuya/crypto'
import { isPrintableAscii, NO_BYTES, view } from './bytes.ts'
import { VERSION_HEADER_BYTES } from './constants.ts'
import { ecbSeal } from './ecb.ts'
import { needKey, opened, sealed, type PayloadCodec } from './payload.ts'

const BLOCK = 16

/** The 3.2/3.3 payload codec. */
export const payloadV33: PayloadCodec = {
  allowsHeader: true,
  seal(_cmd, _direction, payload, header, key, encrypt) {
    if (encrypt === false) {
      if (header !== undefined) throw new RangeError('header cannot be combined with encrypt: false (a clear 3.2/3.3 payload has no header)')
      return sealed(undefined, payload)
    }
    if (payload.length === 0 && header === undefined) return sealed(undefined, NO_BYTES)
    return sealed(header, ecbSeal(needKey(key, 'encrypt a 3.2/3.3 payload').cipher, undefined, payload))
  },
  open(buf, start, end, key) {
    const n = end - start
    if (n === 0) return opened(NO_BYTES, undefined, false)
    // 3.2 (and 3.1) devices send error texts such as "json obj data unvalid" unencrypted;
    // ciphertext is a multiple of 16 and a header holds zero bytes, so neither is mistaken.
    if (n % BLOCK !== 0 && isPrintableAscii(buf, start, end)) return opened(view(buf, start, end), undefined, false)
    let header: Uint8Array | undefined
    let ctStart = start
    // §6.2 strips a "3.x" start or any body of length 15 mod 16 (device22 units send headers
    // with other version strings). Header + ciphertext is always 15 mod 16, so the size alone
    // decides; this also keeps a pure ciphertext that happens to begin with "3.1" intact.
    if (n % BLOCK === VERSION_HEADER_BYTES) {
      header = buf.subarray(start, start + VERSION_HEADER_BYTES)
      ctStart += VERSION_HEADER_BYTES
    }
    const payload = aesEcbDecrypt(needKey(key, 'decrypt a 3.2/3.3 payload').cipher, view(buf, ctStart, end))
    return opened(payload, header, true)
  },
}
