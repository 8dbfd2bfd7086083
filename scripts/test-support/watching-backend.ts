/**
 * A crypto backend that wraps another and counts the keys imported into it and destroyed, for
 * the tests of every package that takes a `cryptoBackend` (session, client, mock): they check
 * that keys go to the chosen backend only and are wiped with their owner.
 */
import type { CipherKey, CryptoBackend } from '@tuya/crypto'

/** A counting backend: `imports`, `destroys`, and `live()` keys not destroyed yet. */
export type WatchingBackend = CryptoBackend & { imports: number; destroys: number; live: () => number }

/**
 * @param inner - the backend that does the work (noble, OpenSSL)
 * @returns `inner` with its imports and destroys counted (it ignores gcmEncrypt's `into`, as a backend may)
 */
export function watchingBackend(inner: CryptoBackend): WatchingBackend {
  const backend: WatchingBackend = {
    name: `watching ${inner.name}`,
    imports: 0,
    destroys: 0,
    live: () => backend.imports - backend.destroys,
    importKey(key: Uint8Array): CipherKey {
      backend.imports++
      const k = inner.importKey(key)
      return {
        ecbEncrypt: (b) => k.ecbEncrypt(b),
        ecbDecrypt: (b) => k.ecbDecrypt(b),
        gcmEncrypt: (iv, p, a) => k.gcmEncrypt(iv, p, a),
        gcmDecrypt: (iv, s, a) => k.gcmDecrypt(iv, s, a),
        hmacSha256: (m) => k.hmacSha256(m),
        destroy: () => (backend.destroys++, k.destroy()),
      }
    },
  }
  return backend
}
