/**
 * The fast paths: the pure-JS backend (cached AES schedules, table GHASH, own SHA-256) and
 * the optional node:crypto backend, both against OpenSSL directly, on sizes around every
 * threshold, unaligned views and multi-part HMACs; backend swapping; the slab allocator.
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
  allocBytes,
  AuthenticationError,
  bytesToHex,
  concatBytes,
  createHmacSha256,
  getCryptoBackend,
  hmacSha256,
  nobleBackend,
  setCryptoBackend,
  type CryptoBackend,
} from '../src/index.ts'
import { nodeCryptoBackend } from '../src/node.ts'

const hex = bytesToHex
const key16 = fc.uint8Array({ minLength: 16, maxLength: 16 })
const iv12 = fc.uint8Array({ minLength: 12, maxLength: 12 })
// Sizes around 16-byte blocks, 64-byte SHA-256 blocks and the native thresholds (256, 512).
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

for (const backend of [nobleBackend, nodeCryptoBackend]) {
  describe(`${backend.name} backend against OpenSSL`, () => {
    it('AES-ECB of whole blocks, aligned or not', () => {
      fc.assert(
        fc.property(key16, sized, fc.integer({ min: 0, max: 3 }), (k, data, shift) => {
          const blocks = data.subarray(0, data.length & ~15)
          const expected = openssl('aes-128-ecb', k, null, blocks).out
          assert.equal(hex(backend.ecbEncrypt(k, blocks.slice())), hex(expected))
          assert.equal(hex(backend.ecbDecrypt(k, unaligned(expected, shift))), hex(blocks))
        }),
        { numRuns: 120 },
      )
    })
    it('AES-GCM both ways, and a flipped bit releases nothing', () => {
      fc.assert(
        fc.property(key16, iv12, sized, fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 0, max: 3 }), fc.nat(), (k, iv, data, aad, shift, flip) => {
          const { out, tag } = openssl('aes-128-gcm', k, iv, data, aad)
          const sealed = concatBytes(out, tag!)
          assert.equal(hex(backend.gcmEncrypt(k, iv, unaligned(data, shift), aad)), hex(sealed))
          assert.equal(hex(backend.gcmDecrypt(k, iv, unaligned(sealed, shift), aad)!), hex(data))
          const bad = sealed.slice()
          bad[flip % bad.length]! ^= 1
          assert.equal(backend.gcmDecrypt(k, iv, bad, aad), undefined)
        }),
        { numRuns: 120 },
      )
    })
    it('HMAC-SHA256 over parts split anywhere, any key length', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 150 }), sized, fc.nat(), fc.nat(), (k, data, a, b) => {
          const i = data.length ? a % data.length : 0
          const j = i + (data.length - i ? b % (data.length - i + 1) : 0)
          const parts = [data.subarray(0, i), data.subarray(i, j), data.subarray(j)]
          const expected = nodeCrypto.createHmac('sha256', k).update(data).digest('hex')
          assert.equal(hex(backend.hmacSha256(k)(parts)), expected)
        }),
        { numRuns: 150 },
      )
    })
  })
}

describe('setCryptoBackend', () => {
  it('swaps the implementation behind the public functions; the bytes stay the same', () => {
    const k = nodeCrypto.randomBytes(16)
    const iv = nodeCrypto.randomBytes(12)
    const big = nodeCrypto.randomBytes(1500)
    const before = [aesEcbEncrypt(k, big), aesGcmEncrypt(k, iv, big), hmacSha256(k, big)].map(hex)
    const previous = setCryptoBackend(nodeCryptoBackend)
    try {
      assert.equal(previous, nobleBackend)
      assert.equal(getCryptoBackend(), nodeCryptoBackend)
      assert.deepEqual([aesEcbEncrypt(k, big), aesGcmEncrypt(k, iv, big), hmacSha256(k, big)].map(hex), before)
      assert.equal(hex(aesEcbDecrypt(k, aesEcbEncrypt(k, big))), hex(big))
      assert.throws(() => aesGcmDecrypt(k, iv, new Uint8Array(600)), AuthenticationError)
    } finally {
      setCryptoBackend(undefined)
    }
    assert.equal(getCryptoBackend(), nobleBackend)
  })
  it('a keyed HMAC made before a swap follows the new backend', () => {
    let calls = 0
    const counting: CryptoBackend = {
      ...nobleBackend,
      name: 'counting',
      hmacSha256(key) {
        const mac = nobleBackend.hmacSha256(key)
        return (parts) => {
          calls++
          return mac(parts)
        }
      },
    }
    const mac = createHmacSha256(new Uint8Array(16).fill(1))
    const first = hex(mac.mac(new Uint8Array([1, 2])))
    setCryptoBackend(counting)
    try {
      assert.equal(hex(mac.mac(new Uint8Array([1]), new Uint8Array([2]))), first)
      assert.equal(calls, 1)
    } finally {
      setCryptoBackend(undefined)
    }
  })
  it('rejects something that is not a backend', () => {
    assert.throws(() => setCryptoBackend({ name: 'x' } as unknown as CryptoBackend), /backend\.ecbEncrypt must be a function/)
    assert.throws(() => setCryptoBackend(42 as unknown as CryptoBackend), TypeError)
    assert.equal(getCryptoBackend(), nobleBackend)
  })
})

describe('cached keys', () => {
  it('a key array mutated in place is noticed by ECB and GCM', () => {
    const k = new Uint8Array(16).fill(1)
    const iv = new Uint8Array(12)
    const data = new Uint8Array(40).fill(7)
    const before = [aesEcbEncrypt(k, data), aesGcmEncrypt(k, iv, data)].map(hex)
    k[3] = 9
    const after = [aesEcbEncrypt(k, data), aesGcmEncrypt(k, iv, data)].map(hex)
    const fresh = Uint8Array.from(k)
    assert.deepEqual(after, [aesEcbEncrypt(fresh, data), aesGcmEncrypt(fresh, iv, data)].map(hex))
    assert.notDeepEqual(after, before)
  })
  it('a key array mutated in place is noticed by HMAC; a keyed HMAC keeps the key it was made with', () => {
    // A key used for AES keeps its pads in its cached material; a key used only for HMAC does not.
    for (const usedForAes of [true, false]) {
      const k = new Uint8Array(16).fill(usedForAes ? 2 : 3)
      if (usedForAes) aesEcbEncrypt(k, new Uint8Array(16))
      const msg = new Uint8Array(70).fill(5)
      const keyed = nobleBackend.hmacSha256(k)
      const before = hex(hmacSha256(k, msg))
      k[15] = 9
      assert.equal(hex(hmacSha256(k, msg)), hex(nodeCrypto.createHmac('sha256', k).update(msg).digest()))
      assert.notEqual(hex(hmacSha256(k, msg)), before)
      assert.equal(hex(keyed([msg])), before)
    }
  })
  for (const [backend, size] of [[nobleBackend, 48], [nodeCryptoBackend, 48], [nodeCryptoBackend, 640]] as const) {
    it(`one key used for GCM, then HMAC, then ECB (in every order) stays right at each step (${backend.name}, ${size} B)`, () => {
      setCryptoBackend(backend)
      try {
        everyOrder(size)
      } finally {
        setCryptoBackend(undefined)
      }
    })
  }
})

/** GCM, HMAC and ECB under one key in every order (and under a second array with the same key), each against OpenSSL. */
function everyOrder(size: number): void {
  const iv = new Uint8Array(12).fill(4)
  const data = Uint8Array.from({ length: size }, (_, i) => i)
  const steps: [string, (k: Uint8Array) => string, (k: Uint8Array) => string][] = [
    ['gcm', (k) => hex(aesGcmEncrypt(k, iv, data)), (k) => hex(concatBytes(openssl('aes-128-gcm', k, iv, data).out, openssl('aes-128-gcm', k, iv, data).tag!))],
    ['hmac', (k) => hex(hmacSha256(k, data)), (k) => hex(nodeCrypto.createHmac('sha256', k).update(data).digest())],
    ['ecb', (k) => hex(aesEcbDecrypt(k, aesEcbEncrypt(k, data, { padding: false }), { padding: false })) + hex(aesEcbEncrypt(k, data, { padding: false })), (k) => hex(data) + hex(openssl('aes-128-ecb', k, null, data).out)],
  ]
  const orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]
  orders.forEach((order, n) => {
    const k = new Uint8Array(16).fill(40 + n + size)
    const twin = k.slice() // another array with the same key shares what it can, and stays right
    for (const i of [...order, ...order]) {
      const [name, ours, reference] = steps[i]!
      assert.equal(ours(k), reference(k), `${name} in order ${order.join('')}`)
      assert.equal(ours(twin), reference(twin), `${name} (twin) in order ${order.join('')}`)
    }
  })
}

describe('allocBytes', () => {
  it('gives zero-filled, 8-byte aligned, non-overlapping arrays', () => {
    const arrays = [3, 0, 64, 65, 1000, 4096, 5000, 17].map((n) => allocBytes(n))
    for (const a of arrays) {
      assert.ok(a.every((b) => b === 0))
      assert.equal(a.byteOffset % 8, 0)
      a.fill(0xff)
    }
    for (const a of arrays) assert.ok(a.every((b) => b === 0xff))
    assert.equal(arrays[6]!.byteLength, arrays[6]!.buffer.byteLength, 'large arrays get their own buffer')
  })
  it('rejects bad lengths', () => {
    for (const n of [-1, 1.5, Number.NaN]) assert.throws(() => allocBytes(n), RangeError)
  })
})
