// Node's Buffer is a Uint8Array subclass whose slice() returns a view, not a copy. The codec
// accepts Buffers (sockets hand them out) and must never write into them or return views of
// them. Regression test for a 3.4 handshake that failed when a frame was decoded twice.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { bytesToHex, hexToBytes } from '@tuya/crypto'
import { decodeFrame, Deframer, encodeFrame } from '../src/index.ts'

const v34 = JSON.parse(readFileSync(new URL('./vectors/frames_v34.json', import.meta.url), 'utf8'))
const v35 = JSON.parse(readFileSync(new URL('./vectors/frames_v35.json', import.meta.url), 'utf8'))
const hs34 = JSON.parse(readFileSync(new URL('./vectors/handshake_v34.json', import.meta.url), 'utf8'))

// A Uint8Array subclass with Buffer's slice semantics, so the test means the same on every runtime.
class ViewSlicing extends Uint8Array {
  override slice(start?: number, end?: number): this {
    return this.subarray(start, end) as this
  }
}
const asSubclass = (hex: string): Uint8Array => {
  const b = hexToBytes(hex)
  const out = new ViewSlicing(b.length)
  out.set(b)
  return out
}

describe('subclass (Buffer-like) input is never mutated nor aliased', () => {
  const cases = [
    ...v34.cases.map((c: { name: string; frame_hex: string; direction: string; key_hex: string }) => ({ ...c, version: '3.4' })),
    ...v35.cases.map((c: { name: string; frame_hex: string; direction: string; key_hex: string }) => ({ ...c, version: '3.5' })),
  ]
  it('decodeFrame twice on the same input gives the same result and leaves the input intact', () => {
    for (const c of cases) {
      const input = asSubclass(c.frame_hex)
      const opts = { version: c.version, key: hexToBytes(c.key_hex), direction: c.direction === 'client_to_device' ? 'toDevice' : 'fromDevice' } as const
      const first = decodeFrame(input, opts)
      assert.equal(bytesToHex(input), c.frame_hex, `${c.name}: input was modified`)
      const second = decodeFrame(input, opts)
      assert.equal(bytesToHex(second.payload), bytesToHex(first.payload), c.name)
    }
  })
  it('Deframer frames are copies: decoding them twice works and the chunk stays intact', () => {
    const start = hs34.steps[0].frame_hex
    const chunk = asSubclass(start + start)
    const frames = new Deframer().push(chunk)
    assert.equal(frames.length, 2)
    for (const f of frames) {
      const opts = { version: '3.4', key: '4a5e1f0c9b2d7e38', direction: 'toDevice' } as const
      decodeFrame(f, opts)
      decodeFrame(f, opts)
    }
    assert.equal(bytesToHex(chunk), start + start)
    frames[0]!.fill(0)
    assert.equal(bytesToHex(frames[1]!), start, 'frames must not share memory with each other')
  })
  it('encodeFrame does not modify a subclass payload or key', () => {
    const payload = asSubclass('7b7d')
    const key = asSubclass(bytesToHex(new TextEncoder().encode('4a5e1f0c9b2d7e38')))
    encodeFrame({ version: '3.4', key, seq: 1, cmd: 13, payload })
    encodeFrame({ version: '3.5', key, seq: 1, cmd: 13, payload })
    assert.equal(bytesToHex(payload), '7b7d')
    assert.equal(new TextDecoder().decode(key), '4a5e1f0c9b2d7e38')
  })
})
