import assert from 'node:assert/strict'
import * as nodeCrypto from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  aesEcbDecrypt,
  aesEcbEncrypt,
  aesGcmDecrypt,
  aesGcmEncrypt,
  AuthenticationError,
  BadPaddingError,
  bytesToHex,
  bytesToUtf8,
  concatBytes,
  crc32,
  DecryptError,
  equalBytes,
  hexToBytes,
  hmacSha256,
  md5,
  randomBytes,
  TuyaError,
  utf8ToBytes,
} from '../src/index.ts'

const vectors = JSON.parse(readFileSync(new URL('./vectors/crypto.json', import.meta.url), 'utf8'))
const h = hexToBytes

describe('golden vectors (shared/vectors/crypto.json)', () => {
  it('AES-128-ECB with PKCS#7, both directions', () => {
    for (const v of vectors.aes_128_ecb_pkcs7) {
      const ct = aesEcbEncrypt(h(v.key_hex), h(v.plaintext_hex))
      assert.equal(bytesToHex(ct), v.ciphertext_hex)
      assert.equal(ct.length, v.padded_len)
      assert.equal(bytesToHex(aesEcbDecrypt(h(v.key_hex), h(v.ciphertext_hex))), v.plaintext_hex)
    }
  })
  it('AES-128-GCM, both directions', () => {
    for (const v of vectors.aes_128_gcm) {
      const sealed = aesGcmEncrypt(h(v.key_hex), h(v.iv_hex), h(v.plaintext_hex), h(v.aad_hex))
      assert.equal(bytesToHex(sealed), v.ciphertext_hex + v.tag_hex)
      const opened = aesGcmDecrypt(h(v.key_hex), h(v.iv_hex), h(v.ciphertext_hex + v.tag_hex), h(v.aad_hex))
      assert.equal(bytesToHex(opened), v.plaintext_hex)
    }
  })
  it('HMAC-SHA256', () => {
    for (const v of vectors.hmac_sha256) {
      assert.equal(bytesToHex(hmacSha256(h(v.key_hex), h(v.message_hex))), v.hmac_sha256_hex)
    }
  })
  it('CRC32', () => {
    for (const v of vectors.crc32) assert.equal(crc32(h(v.message_hex)).toString(16).padStart(8, '0'), v.crc32_hex)
    assert.equal(crc32(utf8ToBytes('123456789')), 0xcbf43926)
  })
  it('MD5 (the discovery udpkey)', () => {
    for (const v of vectors.md5) assert.equal(bytesToHex(md5(utf8ToBytes(v.message_text))), v.md5_hex)
  })
})

describe('cross-check against node:crypto', () => {
  const bytes = fc.uint8Array({ maxLength: 300 })
  const key = fc.uint8Array({ minLength: 16, maxLength: 16 })
  const iv = fc.uint8Array({ minLength: 12, maxLength: 12 })

  it('AES-ECB encrypt/decrypt match OpenSSL', () => {
    fc.assert(
      fc.property(key, bytes, (k, data) => {
        const c = nodeCrypto.createCipheriv('aes-128-ecb', k, null)
        const expected = concatBytes(c.update(data), c.final())
        assert.equal(bytesToHex(aesEcbEncrypt(k, data)), bytesToHex(expected))
        assert.equal(bytesToHex(aesEcbDecrypt(k, expected)), bytesToHex(data))
      }),
      { numRuns: 200 },
    )
  })
  it('AES-ECB without padding matches OpenSSL', () => {
    fc.assert(
      fc.property(key, fc.integer({ min: 0, max: 8 }), (k, blocks) => {
        const data = nodeCrypto.randomBytes(blocks * 16)
        const c = nodeCrypto.createCipheriv('aes-128-ecb', k, null).setAutoPadding(false)
        const expected = concatBytes(c.update(data), c.final())
        assert.equal(bytesToHex(aesEcbEncrypt(k, data, { padding: false })), bytesToHex(expected))
        assert.equal(bytesToHex(aesEcbDecrypt(k, expected, { padding: false })), bytesToHex(data))
      }),
      { numRuns: 100 },
    )
  })
  it('AES-GCM matches OpenSSL', () => {
    fc.assert(
      fc.property(key, iv, bytes, fc.uint8Array({ maxLength: 40 }), (k, n, data, aad) => {
        const c = nodeCrypto.createCipheriv('aes-128-gcm', k, n)
        c.setAAD(aad)
        const expected = concatBytes(c.update(data), c.final(), c.getAuthTag())
        assert.equal(bytesToHex(aesGcmEncrypt(k, n, data, aad)), bytesToHex(expected))
        assert.equal(bytesToHex(aesGcmDecrypt(k, n, expected, aad)), bytesToHex(data))
      }),
      { numRuns: 200 },
    )
  })
  it('HMAC-SHA256 and MD5 match OpenSSL', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), bytes, (k, data) => {
        assert.equal(bytesToHex(hmacSha256(k, data)), nodeCrypto.createHmac('sha256', k).update(data).digest('hex'))
        assert.equal(bytesToHex(md5(data)), nodeCrypto.createHash('md5').update(data).digest('hex'))
      }),
      { numRuns: 200 },
    )
  })
  it('CRC32 matches a bitwise oracle over any sub-range', () => {
    const naive = (d: Uint8Array): number => {
      let c = 0xffffffff
      for (const b of d) {
        c ^= b
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
      }
      return (c ^ 0xffffffff) >>> 0
    }
    fc.assert(
      fc.property(bytes, fc.nat(), fc.nat(), (d, a, b) => {
        const start = d.length ? a % d.length : 0
        const end = start + (d.length - start ? b % (d.length - start + 1) : 0)
        assert.equal(crc32(d, start, end), naive(d.subarray(start, end)))
      }),
      { numRuns: 300 },
    )
  })
})

describe('failures are typed', () => {
  const k = utf8ToBytes('4a5e1f0c9b2d7e38')
  it('bad PKCS#7 padding is a BadPaddingError (a DecryptError, a TuyaError)', () => {
    const ct = aesEcbEncrypt(k, new Uint8Array(16).fill(0), { padding: false })
    assert.throws(() => aesEcbDecrypt(k, ct), (e: unknown) => e instanceof BadPaddingError && e instanceof DecryptError && e instanceof TuyaError && (e as TuyaError).code === 'TUYA_ERR_BAD_PADDING')
  })
  it('every wrong-key ECB decryption fails with a DecryptError or yields no valid padding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 64 }), (other, data) => {
        const ct = aesEcbEncrypt(k, data)
        try {
          aesEcbDecrypt(other, ct)
        } catch (e) {
          assert.ok(e instanceof DecryptError)
        }
      }),
    )
  })
  it('non-block-aligned ciphertext is a DecryptError, not a padding error', () => {
    assert.throws(() => aesEcbDecrypt(k, new Uint8Array(17)), (e: unknown) => e instanceof DecryptError && !(e instanceof BadPaddingError))
  })
  it('a GCM tag failure releases nothing and says what it means', () => {
    const iv = new Uint8Array(12)
    const sealed = aesGcmEncrypt(k, iv, utf8ToBytes('{"dps":{}}'))
    sealed[0]! ^= 1
    assert.throws(() => aesGcmDecrypt(k, iv, sealed), (e: unknown) => e instanceof AuthenticationError && /wrong key or wrong protocol version/.test((e as Error).message))
    assert.throws(() => aesGcmDecrypt(k, iv, new Uint8Array(5)), DecryptError)
  })
  it('bad arguments are TypeError/RangeError naming the parameter', () => {
    assert.throws(() => aesEcbEncrypt(new Uint8Array(15), new Uint8Array(1)), /key must be 16 bytes/)
    assert.throws(() => aesEcbEncrypt(k, 'text' as unknown as Uint8Array), TypeError)
    assert.throws(() => aesGcmEncrypt(k, new Uint8Array(16), new Uint8Array(1)), /iv must be 12 bytes/)
    assert.throws(() => aesEcbEncrypt(k, new Uint8Array(5), { padding: false }), RangeError)
    assert.throws(() => hexToBytes('abc'), RangeError)
    assert.throws(() => hexToBytes('zz'), RangeError)
    assert.throws(() => randomBytes(4, () => new Uint8Array(3)), RangeError)
  })
  it('instanceof survives a second copy of the error classes (Symbol.for brand)', () => {
    class TuyaErrorCopy extends Error {
      static override [Symbol.hasInstance](v: unknown): boolean {
        return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[Symbol.for('@tuya/error:@tuya/crypto:BadPaddingError')] === true
      }
    }
    const e = new BadPaddingError('x')
    assert.ok(e instanceof TuyaErrorCopy)
    assert.equal(e.name, 'BadPaddingError')
    // A class of the same name in another package (another scope) does not answer for it.
    class OtherPackageError extends TuyaError {
      static override readonly scope: string = '@tuya/other'
    }
    class BadPaddingErrorElsewhere extends OtherPackageError {}
    Object.defineProperty(BadPaddingErrorElsewhere, 'name', { value: 'BadPaddingError' })
    assert.equal(e instanceof BadPaddingErrorElsewhere, false)
    assert.equal(new BadPaddingErrorElsewhere('y') instanceof BadPaddingError, false)
    assert.ok(new BadPaddingErrorElsewhere('y') instanceof TuyaError)
  })
})

describe('helpers', () => {
  it('hex round trip, tolerant input', () => {
    fc.assert(fc.property(fc.uint8Array(), (b) => assert.deepEqual(hexToBytes(bytesToHex(b)), b)))
    assert.deepEqual(hexToBytes('0x00 AA:55'), new Uint8Array([0, 0xaa, 0x55]))
  })
  it('equalBytes', () => {
    assert.equal(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2])), true)
    assert.equal(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3])), false)
    assert.equal(equalBytes(new Uint8Array([1]), new Uint8Array([1, 3])), false)
  })
  it('randomBytes uses the injected source and the default one', () => {
    assert.deepEqual(randomBytes(3, (n) => new Uint8Array(n).fill(7)), new Uint8Array([7, 7, 7]))
    assert.equal(randomBytes(70000).length, 70000)
  })
  it('utf8', () => {
    assert.equal(bytesToUtf8(utf8ToBytes('héllo')), 'héllo')
    assert.throws(() => bytesToUtf8(new Uint8Array([0xff])), TypeError)
  })
})

describe('plaintext outputs', () => {
  it('own their ArrayBuffer: no other frame data is reachable through .buffer', () => {
    const k = utf8ToBytes('4a5e1f0c9b2d7e38')
    const iv = new Uint8Array(12)
    const pt = utf8ToBytes('{"dps":{"1":true}}')
    const outs = [aesEcbDecrypt(k, aesEcbEncrypt(k, pt)), aesGcmDecrypt(k, iv, aesGcmEncrypt(k, iv, pt))]
    for (const o of outs) {
      assert.equal(bytesToHex(o), bytesToHex(pt))
      // ECB strips its padding with a view: the bytes past it are the zeroed padding, nothing else.
      const whole = new Uint8Array(o.buffer)
      assert.ok(whole.length <= pt.length + 16)
      assert.ok(whole.subarray(o.byteOffset + o.length).every((b) => b === 0))
    }
  })
})
