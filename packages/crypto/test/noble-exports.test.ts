/**
 * The semi-public noble exports noble-key.ts builds on, pinned: `unsafe` of
 * `@noble/ciphers/aes.js` (key expansion, block functions, ctr32), the `GHASH` class of
 * `_polyval.js` (and the accumulator fields our reset clears), and `_HMAC._cloneInto` of
 * `@noble/hashes/hmac.js`. Each is checked for shape and against noble's own public API, so
 * an upgrade that changes one of them fails here, not on a device.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ecb, gcm, unsafe } from '@noble/ciphers/aes.js'
import { ghash, GHASH } from '@noble/ciphers/_polyval.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import fc from 'fast-check'
import { bytesToHex, nobleBackend } from '../src/index.ts'
import { ReusableGhash } from '../src/noble-key.ts'

const hex = bytesToHex
const key16 = fc.uint8Array({ minLength: 16, maxLength: 16 })

describe('@noble/ciphers/aes.js unsafe', () => {
  it('has the functions we call', () => {
    for (const name of ['expandKeyLE', 'expandKeyDecLE', 'encrypt', 'decrypt', 'encryptBlock', 'ctr32'] as const) {
      assert.equal(typeof unsafe[name], 'function', name)
    }
    const xk = unsafe.expandKeyLE(new Uint8Array(16))
    assert.ok(xk instanceof Uint32Array)
    assert.equal(xk.length, 44)
    assert.equal(unsafe.expandKeyDecLE(new Uint8Array(16)).length, 44)
    const out = unsafe.encrypt(xk, 0, 0, 0, 0)
    assert.deepEqual(Object.keys(out).sort(), ['s0', 's1', 's2', 's3'])
  })
  it('our ECB over expandKeyLE/encrypt and expandKeyDecLE/decrypt equals noble ecb()', () => {
    fc.assert(
      fc.property(key16, fc.integer({ min: 0, max: 6 }), (k, blocks) => {
        const data = Uint8Array.from({ length: blocks * 16 }, (_, i) => (i * 31 + k[0]!) & 255)
        const expected = ecb(k, { disablePadding: true }).encrypt(data)
        const key = nobleBackend.importKey(k)
        assert.equal(hex(key.ecbEncrypt(data.slice())), hex(expected))
        assert.equal(hex(key.ecbDecrypt(expected)), hex(data))
      }),
      { numRuns: 50 },
    )
  })
  it('our GCM over ctr32, encryptBlock and GHASH equals noble gcm()', () => {
    fc.assert(
      fc.property(key16, fc.uint8Array({ minLength: 12, maxLength: 12 }), fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 40 }), (k, iv, data, aad) => {
        const expected = gcm(k, iv, aad).encrypt(data)
        const key = nobleBackend.importKey(k)
        assert.equal(hex(key.gcmEncrypt(iv, data, aad)), hex(expected))
        assert.equal(hex(key.gcmDecrypt(iv, expected, aad)!), hex(data))
      }),
      { numRuns: 60 },
    )
  })
})

describe('@noble/ciphers/_polyval.js GHASH', () => {
  it('keeps its accumulator in s0..s3 and finished, which ReusableGhash.reset clears', () => {
    const g = new ReusableGhash(new Uint8Array(16).fill(1), 1024) as unknown as Record<string, unknown>
    for (const field of ['s0', 's1', 's2', 's3', 'finished', 't']) assert.ok(field in g, field)
  })
  it('a reset GHASH gives what a fresh one gives, message after message', () => {
    fc.assert(
      fc.property(key16, fc.array(fc.uint8Array({ maxLength: 100 }), { minLength: 2, maxLength: 4 }), (h, messages) => {
        const reused = new ReusableGhash(h, 1024)
        for (const m of messages) {
          const out = new Uint8Array(16)
          reused.reset().update(m)
          reused.digestInto(out)
          assert.equal(hex(out), hex(ghash(m, h)))
          assert.equal(hex(out), hex(new GHASH(h).update(m).digest()))
        }
      }),
      { numRuns: 50 },
    )
  })
})

describe('@noble/hashes/hmac.js _cloneInto', () => {
  it('exists, and cloning a keyed state into a reused one gives a fresh MAC each time', () => {
    const base = hmac.create(sha256, new Uint8Array([1, 2, 3]))
    assert.equal(typeof base._cloneInto, 'function')
    const work = base.clone()
    for (const msg of [new Uint8Array(0), new Uint8Array(70).fill(9), new Uint8Array([5])]) {
      base._cloneInto(work)
      work.update(msg)
      const out = new Uint8Array(32)
      work.digestInto(out)
      assert.equal(hex(out), hex(hmac(sha256, new Uint8Array([1, 2, 3]), msg)))
    }
  })
})
