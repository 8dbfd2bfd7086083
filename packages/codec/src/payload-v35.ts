/**
 * Protocol 3.5 payloads (PROTOCOL.md §6.4): header || json is the GCM plaintext (after the
 * retcode on device frames); the frame layer does the encryption.
 */
import { view } from './bytes.ts'
import { opened, sealed, splitHeader, type PayloadCodec } from './payload.ts'

/** The 3.5 payload codec (encryption happens in the frame layer). */
export const payloadV35: PayloadCodec = {
  allowsHeader: true,
  seal(_cmd, _direction, payload, header, _key, encrypt) {
    if (encrypt === false) throw new RangeError('encrypt: false is not possible on 3.5: every frame is AES-GCM encrypted')
    return sealed(header, payload)
  },
  open(buf, start, end, _key, isHandshake) {
    if (isHandshake) return opened(view(buf, start, end), undefined, true)
    return splitHeader(buf, start, end, true)
  },
}
