/**
 * Protocol 3.4 payloads (PROTOCOL.md §6.3): AES-ECB(key, header || json), the header inside
 * the encryption; an empty acknowledgement has no ciphertext at all.
 */
import { aesEcbDecrypt } from '@tuya/crypto'
import { NO_BYTES, view } from './bytes.ts'
import { ecbSeal } from './ecb.ts'
import { needKey, opened, sealed, splitHeader, type PayloadCodec } from './payload.ts'

/** The 3.4 payload codec. */
export const payloadV34: PayloadCodec = {
  allowsHeader: true,
  seal(_cmd, _direction, payload, header, key, encrypt) {
    if (encrypt === false) throw new RangeError('encrypt: false is not possible on 3.4: every non-empty payload is encrypted')
    if (payload.length === 0 && header === undefined) return sealed(undefined, NO_BYTES)
    return sealed(undefined, ecbSeal(needKey(key, 'encrypt a 3.4 payload').cipher, header, payload))
  },
  open(buf, start, end, key, isHandshake) {
    // Pitfall 7: never decrypt a zero-length body.
    if (start === end) return opened(NO_BYTES, undefined, false)
    const plain = aesEcbDecrypt(needKey(key, 'decrypt a 3.4 payload').cipher, view(buf, start, end))
    if (isHandshake) return opened(plain, undefined, true)
    return splitHeader(plain, 0, plain.length, true)
  },
}
