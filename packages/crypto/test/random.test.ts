import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { bytesToHex, defaultRandom, randomBytes } from '../src/index.ts'

type Fill = typeof globalThis.crypto.getRandomValues

/**
 * Replaces `crypto.getRandomValues` for one test with a filler that writes a known non-zero
 * pattern and records every array it filled (for the pool: the pool itself).
 */
function withKnownRandom<T>(run: (filled: Uint8Array[]) => T): T {
  const crypto = globalThis.crypto
  const original = crypto.getRandomValues
  const filled: Uint8Array[] = []
  let counter = 0
  const fake = (<V extends ArrayBufferView | null>(array: V): V => {
    const bytes = new Uint8Array(array!.buffer, array!.byteOffset, array!.byteLength)
    for (let i = 0; i < bytes.length; i++) bytes[i] = (counter++ % 255) + 1
    filled.push(bytes)
    return array
  }) as Fill
  Object.defineProperty(crypto, 'getRandomValues', { value: fake, configurable: true, writable: true })
  try {
    return run(filled)
  } finally {
    Object.defineProperty(crypto, 'getRandomValues', { value: original, configurable: true, writable: true })
    if (crypto.getRandomValues !== original) throw new Error('could not restore crypto.getRandomValues')
  }
}

describe('defaultRandom (the pooled CSPRNG source)', () => {
  it('returns the length asked for, each result with an ArrayBuffer of its own', () => {
    for (const length of [0, 1, 12, 16, 1024, 1025, 70_000]) {
      const out = defaultRandom(length)
      assert.equal(out.length, length)
      assert.equal(out.byteOffset, 0)
      assert.equal(out.buffer.byteLength, length, `length ${length}: no view into a pool`)
    }
  })

  it('hands every byte out once: 20,000 IVs in a row, across many refills, are all different', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 20_000; i++) seen.add(bytesToHex(defaultRandom(12)))
    assert.equal(seen.size, 20_000)
  })

  it('draws from crypto.getRandomValues in bulk, hands out consecutive bytes, and wipes them from the pool', () => {
    withKnownRandom((filled) => {
      // Five draws of 1 KiB cannot all come from one 4 KiB pool: at least one refill happens.
      const outs: Uint8Array[] = []
      const refillAt: number[] = []
      for (let i = 0; i < 5; i++) {
        const before = filled.length
        outs.push(defaultRandom(1024))
        if (filled.length > before) refillAt.push(i)
      }
      assert.ok(refillAt.length >= 1, 'a refill happened')
      const pool = filled.at(-1)!
      assert.ok(pool.length > 1024, `drawn in bulk (${pool.length} bytes per call)`)
      const fromPool = outs.slice(refillAt.at(-1))
      const handedOut = fromPool.reduce((n, o) => n + o.length, 0)
      // What the filler wrote is a known sequence: the results are its consecutive slices.
      const first = fromPool[0]![0]!
      fromPool.flatMap((o) => [...o]).forEach((byte, i) => assert.equal(byte, ((first - 1 + i) % 255) + 1, `byte ${i}`))
      assert.ok(pool.subarray(0, handedOut).every((b) => b === 0), 'bytes handed out are wiped from the pool')
      assert.ok(pool.subarray(handedOut).every((b) => b !== 0), 'the rest is still there for the next caller')
    })
  })

  it('skips the pool for large requests (more than 1 KiB)', () => {
    withKnownRandom((filled) => {
      const out = defaultRandom(5000)
      assert.equal(filled.length, 1)
      assert.equal(filled[0]!.length, 5000)
      assert.equal(filled[0]!.buffer, out.buffer, 'filled in place, no pool copy')
    })
  })

  it('is what randomBytes uses by default', () => {
    withKnownRandom((filled) => {
      const before = filled.length
      const out = randomBytes(5000)
      assert.equal(filled.length, before + 1)
      assert.equal(filled.at(-1)!.buffer, out.buffer)
    })
  })
})
