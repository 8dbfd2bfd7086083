/**
 * Both backends' imported keys against OpenSSL directly (sizes around blocks and 1 KB,
 * unaligned views, every order of use of one key), the keyring (lookup by value, bounds,
 * wiping), and the guarantees the public functions give whatever key they get.
 */
import assert from 'node:assert/strict'
import * as nodeCrypto from 'node:crypto'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  aesEcbDecrypt,
  aesEcbEncrypt,
  aesGcmDecrypt,
  aesGcmEncrypt,
  AuthenticationError,
  bytesToHex,
  concatBytes,
  createKeyring,
  hmacSha256,
  nobleBackend,
  type CipherKey,
  type CryptoBackend,
} from '../src/index.ts'
import { nodeCryptoBackend } from '../src/node.ts'

const hex = bytesToHex
const key16 = fc.uint8Array({ minLength: 16, maxLength: 16 })
const iv12 = fc.uint8Array({ minLength: 12, maxLength: 12 })
// Sizes around 16-byte blocks, 64-byte SHA-256 blocks and a 1 KB status.
const sized = fc.oneof(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ minLength: 240, maxLength: 600 }), fc.uint8Array({ minLength: 1000, maxLength: 2100 }))
/** The same bytes at an odd offset of a larger array, to hit the unaligned paths. */
const unaligned = (b: Uint8Array, shift: number): Uint8Array => {
  const big = new Uint8Array(b.length + 3)
  big.set(b, shift)
  return big.subarray(shift, shift + b.length)
}

function openssl(alg: string, k: Uint8Array, iv: Uint8Array | null, data: Uint8Array, aad?: Uint8Array): { out: Uint8Array; tag?: Uint8Array } {
  const c = nodeCrypto.createCipheriv(alg, k, iv) as nodeCrypto.CipherGCM
  if (alg.endsWith('ecb')) c.setAutoPadding(false)
  if (aad !== undefined) c.setAAD(aad)
  const out = concatBytes(c.update(data), c.final())
  return alg.endsWith('gcm') ? { out, tag: c.getAuthTag() } : { out }
}

/** A key imported into `backend`, used for `fn`, then destroyed. */
function withKey<T>(backend: CryptoBackend, k: Uint8Array, fn: (key: CipherKey) => T): T {
  const key = backend.importKey(k)
  try {
    return fn(key)
  } finally {
    key.destroy()
  }
}

for (const backend of [nobleBackend, nodeCryptoBackend]) {
  describe(`${backend.name} backend against OpenSSL`, () => {
    it('AES-ECB of whole blocks, aligned or not; decryption leaves its input alone', () => {
      fc.assert(
        fc.property(key16, sized, fc.integer({ min: 0, max: 3 }), (k, data, shift) => {
          const blocks = data.subarray(0, data.length & ~15)
          const expected = openssl('aes-128-ecb', k, null, blocks).out
          withKey(backend, k, (key) => {
            assert.equal(hex(key.ecbEncrypt(unaligned(blocks, shift))), hex(expected))
            const input = unaligned(expected, shift)
            assert.equal(hex(key.ecbDecrypt(input)), hex(blocks))
            assert.equal(hex(input), hex(expected))
          })
        }),
        { numRuns: 120 },
      )
    })
    it('AES-GCM both ways, many messages on one key, and a flipped bit releases nothing', () => {
      fc.assert(
        fc.property(key16, fc.array(fc.tuple(iv12, sized, fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 0, max: 3 }), fc.nat()), { minLength: 1, maxLength: 3 }), (k, messages) => {
          withKey(backend, k, (key) => {
            for (const [iv, data, aad, shift, flip] of messages) {
              const { out, tag } = openssl('aes-128-gcm', k, iv, data, aad)
              const sealed = concatBytes(out, tag!)
              assert.equal(hex(key.gcmEncrypt(iv, unaligned(data, shift), aad)), hex(sealed))
              assert.equal(hex(key.gcmDecrypt(iv, unaligned(sealed, shift), aad)!), hex(data))
              const bad = sealed.slice()
              bad[flip % bad.length]! ^= 1
              assert.equal(key.gcmDecrypt(iv, bad, aad), undefined)
            }
          })
        }),
        { numRuns: 80 },
      )
    })
    it('AES-GCM sealed in place: into may start at the plaintext itself, at any offset', () => {
      fc.assert(
        fc.property(key16, iv12, sized, fc.integer({ min: 0, max: 7 }), (k, iv, data, shift) => {
          const { out, tag } = openssl('aes-128-gcm', k, iv, data, undefined)
          const buf = new Uint8Array(shift + data.length + 16 + 2).fill(0xee)
          buf.set(data, shift)
          const into = buf.subarray(shift, shift + data.length + 16)
          withKey(backend, k, (key) => assert.equal(key.gcmEncrypt(iv, buf.subarray(shift, shift + data.length), undefined, into), into))
          assert.equal(hex(into), hex(concatBytes(out, tag!)))
          assert.ok(buf.subarray(0, shift).every((b) => b === 0xee) && buf.subarray(shift + data.length + 16).every((b) => b === 0xee))
        }),
        { numRuns: 60 },
      )
    })
    it('HMAC-SHA256, any key length, many messages on one key', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 150 }), fc.array(sized, { minLength: 1, maxLength: 3 }), (k, messages) => {
          withKey(backend, k, (key) => {
            for (const data of messages) assert.equal(hex(key.hmacSha256(data)), nodeCrypto.createHmac('sha256', k).update(data).digest('hex'))
          })
        }),
        { numRuns: 100 },
      )
    })
    it('one key used for GCM, HMAC and ECB in every order stays right at each step', () => {
      for (const size of [48, 640]) everyOrder(backend, size)
    })
    it('the imported key is a copy: changing or wiping the caller array changes nothing', () => {
      const k = new Uint8Array(16).fill(9)
      const data = new Uint8Array(32).fill(1)
      const expected = hex(openssl('aes-128-ecb', Uint8Array.from(k), null, data).out)
      withKey(backend, k, (key) => {
        k.fill(0)
        assert.equal(hex(key.ecbEncrypt(data.slice())), expected)
      })
    })
    it('a destroyed key refuses to work instead of using wiped material', () => {
      const key = backend.importKey(new Uint8Array(16).fill(3))
      key.gcmEncrypt(new Uint8Array(12), new Uint8Array(5), undefined)
      key.destroy()
      assert.throws(() => key.gcmEncrypt(new Uint8Array(12), new Uint8Array(5), undefined), /destroyed/)
      assert.throws(() => key.hmacSha256(new Uint8Array(5)), /destroyed/)
    })
    it('outputs own their ArrayBuffer (no other frame shares it)', () => {
      withKey(backend, new Uint8Array(16).fill(5), (key) => {
        const iv = new Uint8Array(12)
        for (const n of [0, 5, 100, 700]) {
          const data = new Uint8Array(n).fill(2)
          const sealed = key.gcmEncrypt(iv, data, undefined)
          const outs = [sealed, key.gcmDecrypt(iv, sealed, undefined)!, key.ecbDecrypt(new Uint8Array(n & ~15)), key.hmacSha256(data)]
          for (const o of outs) assert.equal(o.byteLength, o.buffer.byteLength)
        }
      })
    })
  })
}

describe('keyring', () => {
  it('finds a key by value, imports it once, and its results match one-off calls', () => {
    let imports = 0
    const counting: CryptoBackend = { name: 'counting', importKey: (k) => (imports++, nobleBackend.importKey(k)) }
    const keyring = createKeyring({ backend: counting })
    const iv = new Uint8Array(12).fill(1)
    const data = new Uint8Array(50).fill(6)
    for (let i = 0; i < 5; i++) {
      const k = new Uint8Array(16).fill(7) // a fresh array each time
      assert.equal(hex(aesGcmEncrypt(keyring.key(k), iv, data)), hex(aesGcmEncrypt(k, iv, data)))
      assert.equal(hex(hmacSha256(keyring.key(k), data)), hex(hmacSha256(k, data)))
    }
    assert.equal(imports, 1)
    assert.equal(keyring.size, 1)
    assert.equal(keyring.backend, counting)
  })
  it('holds at most maxKeys, dropping the least recently used, and wipes what it drops', () => {
    const destroyed: number[] = []
    const backend: CryptoBackend = {
      name: 'watching',
      importKey(k) {
        const inner = nobleBackend.importKey(k)
        const id = k[0]!
        return { ...bind(inner), destroy: () => (destroyed.push(id), inner.destroy()) }
      },
    }
    const keyring = createKeyring({ backend, maxKeys: 2 })
    const key = (n: number) => new Uint8Array(16).fill(n)
    keyring.key(key(1))
    keyring.key(key(2))
    keyring.key(key(1)) // 2 is now the least recently used
    keyring.key(key(3))
    assert.deepEqual(destroyed, [2])
    assert.equal(keyring.size, 2)
    assert.equal(keyring.delete(key(1)), true)
    assert.equal(keyring.delete(key(1)), false)
    keyring.clear()
    assert.deepEqual(destroyed, [2, 1, 3])
    assert.equal(keyring.size, 0)
  })
  it('a cleared keyring imports again on the next use (an owner may reconnect)', () => {
    const keyring = createKeyring()
    const k = new Uint8Array(16).fill(8)
    const first = keyring.key(k)
    keyring.clear()
    assert.throws(() => first.hmacSha256(new Uint8Array(1)), /destroyed/)
    assert.equal(hex(hmacSha256(keyring.key(k), new Uint8Array(1))), hex(hmacSha256(k, new Uint8Array(1))))
  })
  it('rejects bad options', () => {
    assert.throws(() => createKeyring({ backend: {} as CryptoBackend }), /must be a CryptoBackend/)
    assert.throws(() => createKeyring({ maxKeys: 0 }), RangeError)
    assert.throws(() => createKeyring().key('k' as unknown as Uint8Array), TypeError)
  })
})

describe('public functions with an imported key', () => {
  it('give the same bytes and the same errors on either backend', () => {
    const k = nodeCrypto.randomBytes(16)
    const iv = nodeCrypto.randomBytes(12)
    const big = nodeCrypto.randomBytes(1500)
    const expected = [aesEcbEncrypt(k, big), aesGcmEncrypt(k, iv, big), hmacSha256(k, big)].map(hex)
    for (const backend of [nobleBackend, nodeCryptoBackend]) {
      const key = createKeyring({ backend }).key(k)
      assert.deepEqual([aesEcbEncrypt(key, big), aesGcmEncrypt(key, iv, big), hmacSha256(key, big)].map(hex), expected)
      assert.equal(hex(aesEcbDecrypt(key, aesEcbEncrypt(key, big))), hex(big))
      assert.throws(() => aesGcmDecrypt(key, iv, new Uint8Array(600)), AuthenticationError)
    }
  })
  it('a one-off call never wipes or keeps the caller key', () => {
    const k = new Uint8Array(16).fill(4)
    aesGcmEncrypt(k, new Uint8Array(12), new Uint8Array(3))
    hmacSha256(k, new Uint8Array(3))
    assert.ok(k.every((b) => b === 4))
  })
  it('reject something that is neither bytes nor an imported key', () => {
    assert.throws(() => aesEcbEncrypt({} as unknown as Uint8Array, new Uint8Array(1)), /Uint8Array or a CipherKey/)
    assert.throws(() => aesEcbEncrypt(nobleBackend.importKey(new Uint8Array(15)), new Uint8Array(1)), /16 bytes/)
  })
})

/** The methods of `key`, bound, so a wrapper can replace one of them. */
function bind(key: CipherKey): CipherKey {
  return {
    ecbEncrypt: (b) => key.ecbEncrypt(b),
    ecbDecrypt: (b) => key.ecbDecrypt(b),
    gcmEncrypt: (iv, p, a) => key.gcmEncrypt(iv, p, a),
    gcmDecrypt: (iv, s, a) => key.gcmDecrypt(iv, s, a),
    hmacSha256: (m) => key.hmacSha256(m),
    destroy: () => key.destroy(),
  }
}

/** GCM, HMAC and ECB under one imported key in every order, each against OpenSSL. */
function everyOrder(backend: CryptoBackend, size: number): void {
  const iv = new Uint8Array(12).fill(4)
  const data = Uint8Array.from({ length: size }, (_, i) => i)
  const steps: [string, (k: CipherKey) => string, (k: Uint8Array) => string][] = [
    ['gcm', (k) => hex(k.gcmEncrypt(iv, data, undefined)), (k) => hex(concatBytes(openssl('aes-128-gcm', k, iv, data).out, openssl('aes-128-gcm', k, iv, data).tag!))],
    ['hmac', (k) => hex(k.hmacSha256(data)), (k) => hex(nodeCrypto.createHmac('sha256', k).update(data).digest())],
    ['ecb', (k) => hex(k.ecbDecrypt(k.ecbEncrypt(data.slice()))) + hex(k.ecbEncrypt(data.slice())), (k) => hex(data) + hex(openssl('aes-128-ecb', k, null, data).out)],
  ]
  const orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]
  orders.forEach((order, n) => {
    const raw = new Uint8Array(16).fill(40 + n + size)
    withKey(backend, raw, (key) => {
      for (const i of [...order, ...order]) {
        const [name, ours, reference] = steps[i]!
        assert.equal(ours(key), reference(raw), `${name} in order ${order.join('')}`)
      }
    })
  })
}
