/**
 * The paths built for speed behave exactly like the plain ones: text payloads encoded in
 * place (ASCII fast path, any other text through the slow path), decoded frames that stay
 * valid after later calls, keys held in a caller's keyring, frames as plain objects, the
 * shared empty payload, and the Deframer's frame list.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createKeyring, nobleBackend, type CryptoBackend } from '@tuya/crypto'
import { nodeCryptoBackend } from '@tuya/crypto/node'
import fc from 'fast-check'
import {
  decodeFrame,
  Deframer,
  encodeFrame,
  parseDevicePayload,
  PROTOCOL_VERSIONS,
  type Direction,
  type ProtocolVersion,
} from '../src/index.ts'
import { hex, runs } from './helpers.ts'

const KEY = new Uint8Array(16).map((_, i) => i * 7 + 1)
const IV = new Uint8Array(12).map((_, i) => 200 - i)
const utf8 = new TextEncoder()

// Every UTF-16 string, lone surrogates included (TextEncoder turns those into U+FFFD).
const anyText = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 20 }))

const textCase = fc.record({
  version: fc.constantFrom(...PROTOCOL_VERSIONS),
  direction: fc.constantFrom<Direction>('toDevice', 'fromDevice'),
  cmd: fc.constantFrom(7, 8, 9, 10, 13, 16),
  text: anyText,
  header: fc.constantFrom<boolean | undefined>(undefined, true, false),
  encrypt: fc.constantFrom<boolean | undefined>(undefined, true, false),
})

type TextCase = { version: ProtocolVersion; direction: Direction; cmd: number; header: boolean | undefined; encrypt: boolean | undefined }

function encodeWith(x: TextCase, payload: string | Uint8Array | Record<string, unknown>): Uint8Array | Error {
  try {
    return encodeFrame({
      version: x.version,
      key: KEY,
      direction: x.direction,
      seq: 9,
      cmd: x.cmd,
      payload,
      iv: IV,
      ...(x.direction === 'fromDevice' ? { retcode: 1 } : {}),
      ...(x.header === undefined || x.version === '3.1' ? {} : { header: x.header }),
      ...(x.encrypt === undefined ? {} : { encrypt: x.encrypt }),
    })
  } catch (error) {
    return error as Error
  }
}

describe('text payloads', () => {
  it('a string payload gives the same frame as its UTF-8 bytes, for every version and layout', () => {
    fc.assert(
      fc.property(textCase, (x) => {
        const fromText = encodeWith(x, x.text)
        const fromBytes = encodeWith(x, utf8.encode(x.text))
        if (fromBytes instanceof Error) {
          assert.ok(fromText instanceof Error, 'both must throw')
          assert.equal(fromText.constructor, fromBytes.constructor)
          return
        }
        assert.ok(fromText instanceof Uint8Array, String(fromText))
        assert.equal(hex(fromText), hex(fromBytes))
      }),
      { numRuns: runs(400) },
    )
  })

  it('an object payload gives the same frame as the bytes of its JSON, non-ASCII included', () => {
    fc.assert(
      fc.property(textCase, (x) => {
        const value = { s: x.text, n: 1 }
        const fromObject = encodeWith(x, value)
        const fromBytes = encodeWith(x, utf8.encode(JSON.stringify(value)))
        if (fromBytes instanceof Error) return assert.ok(fromObject instanceof Error)
        assert.equal(hex(fromObject as Uint8Array), hex(fromBytes))
      }),
      { numRuns: runs(200) },
    )
  })

  it('long and non-ASCII texts at the edges of the 16-byte blocks round-trip', () => {
    for (const version of PROTOCOL_VERSIONS) {
      for (let n = 0; n < 40; n++) {
        for (const tail of ['', 'é', '€', '😀', '\ud800']) {
          const text = `{"a":"${'x'.repeat(n)}${tail}"}`
          const bytes = encodeFrame({ version, key: KEY, seq: 1, cmd: 7, payload: text, iv: IV })
          const frame = decodeFrame(bytes, { version, key: KEY, direction: 'toDevice' })
          assert.equal(hex(frame.payload), hex(utf8.encode(text)), `${version} ${n} ${JSON.stringify(tail)}`)
        }
      }
    }
  })
})

describe('decoded frames are independent of later calls', () => {
  it('decoded frames stay valid after later encodes and decodes', () => {
    for (const version of PROTOCOL_VERSIONS) {
      const a = encodeFrame({ version, key: KEY, seq: 1, cmd: 10, payload: { a: 1 }, direction: 'fromDevice', header: version !== '3.1', iv: IV })
      const b = encodeFrame({ version, key: KEY, seq: 2, cmd: 10, payload: { b: 2 }, direction: 'fromDevice', iv: IV })
      const first = decodeFrame(a, { version, key: KEY })
      const snapshot = { payload: hex(first.payload), header: first.header && hex(first.header), iv: first.iv && hex(first.iv), retcode: first.retcode }
      decodeFrame(b, { version, key: KEY })
      encodeFrame({ version, key: KEY, seq: 3, cmd: 7, payload: { c: 3 }, iv: IV })
      assert.deepEqual({ payload: hex(first.payload), header: first.header && hex(first.header), iv: first.iv && hex(first.iv), retcode: first.retcode }, snapshot, version)
      assert.deepEqual(first.json, { a: 1 })
    }
  })

  it('a decoded frame is a plain object with the documented key order', () => {
    const bytes = encodeFrame({ version: '3.5', key: KEY, seq: 4, cmd: 8, payload: { dps: { 1: true } }, direction: 'fromDevice', header: true, iv: IV })
    const frame = decodeFrame(bytes, { version: '3.5', key: KEY })
    assert.equal(Object.getPrototypeOf(frame), Object.prototype)
    assert.deepEqual(Object.keys(frame), ['format', 'seq', 'cmd', 'length', 'byteLength', 'version', 'direction', 'cmdName', 'isEncrypted', 'payload', 'retcode', 'header', 'iv', 'text', 'json'])
    const message = parseDevicePayload(frame)
    assert.equal(Object.getPrototypeOf(message), Object.prototype)
    assert.deepEqual(message, { type: 'dps', dps: { 1: true }, json: { dps: { 1: true } } })
  })

  it('an empty payload is a zero-length array that cannot be changed', () => {
    for (const version of PROTOCOL_VERSIONS) {
      const bytes = encodeFrame({ version, key: KEY, seq: 1, cmd: 7, direction: 'fromDevice', iv: IV })
      const { payload } = decodeFrame(bytes, { version, key: KEY })
      assert.equal(payload.length, 0)
      assert.ok(payload instanceof Uint8Array)
      assert.ok(Object.isFrozen(payload), version)
    }
  })
})

describe('keys held in a keyring', () => {
  it('a keyring imports a key once for all its frames; a key array changed in place gets its own import', () => {
    let imports = 0
    const counting: CryptoBackend = { name: 'counting', importKey: (k) => (imports++, nobleBackend.importKey(k)) }
    const keyring = createKeyring({ backend: counting })
    const key = KEY.slice()
    const frame = () => encodeFrame({ version: '3.4', key, seq: 1, cmd: 10, payload: '{}', keyring })
    const before = hex(frame())
    assert.equal(hex(frame()), before)
    decodeFrame(frame(), { version: '3.4', key, direction: 'toDevice', keyring })
    assert.equal(imports, 1, 'imported once, then reused by encode and decode')
    assert.equal(before, hex(encodeFrame({ version: '3.4', key, seq: 1, cmd: 10, payload: '{}' })), 'the same bytes as a one-call import')
    key[0] ^= 1
    const changed = hex(frame())
    assert.notEqual(changed, before)
    assert.equal(changed, hex(encodeFrame({ version: '3.4', key: key.slice(), seq: 1, cmd: 10, payload: '{}' })))
    assert.equal(imports, 2)
  })
  it('clear() destroys what a keyring imported; the caller key is left alone', () => {
    const destroyed: string[] = []
    const key = KEY.slice()
    const frame = encodeFrame({ version: '3.5', key, seq: 1, cmd: 10, payload: '{}', iv: IV })
    const keyring = createKeyring({ backend: { name: 'watching', importKey: (k) => ({ ...bindKey(nobleBackend.importKey(k), () => destroyed.push('x')) }) } })
    assert.equal(hex(encodeFrame({ version: '3.5', key, seq: 1, cmd: 10, payload: '{}', iv: IV, keyring })), hex(frame))
    keyring.clear()
    assert.deepEqual(destroyed, ['x'])
    assert.deepEqual(key, KEY, 'the caller key is left alone')
  })
  it('rejects a keyring option that is not a keyring', () => {
    assert.throws(() => encodeFrame({ version: '3.3', key: KEY, seq: 1, cmd: 10, keyring: {} as never }), /options.keyring must be a Keyring/)
    assert.throws(() => decodeFrame(encodeFrame({ version: '3.3', key: KEY, seq: 1, cmd: 10 }), { version: '3.3', key: KEY, keyring: 5 as never }), TypeError)
  })
})

describe('crypto backends', () => {
  it('the node:crypto backend gives the same frames as noble, every version, through a keyring', () => {
    const texts = ['{}', `{"dps":{"1":"${'x'.repeat(3000)}"}}`, '{"a":"é€"}']
    const frames = (backend: CryptoBackend): string[] => {
      const keyring = createKeyring({ backend })
      return PROTOCOL_VERSIONS.flatMap((version) =>
        texts.flatMap((payload) => {
          const request = encodeFrame({ version, key: KEY, seq: 1, cmd: 7, payload, iv: IV, keyring })
          const reply = encodeFrame({ version, key: KEY, seq: 2, cmd: 8, payload, direction: 'fromDevice', header: version !== '3.1', iv: IV, keyring })
          const decoded = decodeFrame(reply, { version, key: KEY, keyring })
          return [hex(request), hex(reply), hex(decoded.payload)]
        }),
      )
    }
    assert.deepEqual(frames(nodeCryptoBackend), frames(nobleBackend))
  })
  it('decoded payloads own their ArrayBuffer (no other frame is reachable through .buffer)', () => {
    const keyring = createKeyring()
    for (const version of PROTOCOL_VERSIONS) {
      const reply = encodeFrame({ version, key: KEY, seq: 2, cmd: 8, payload: '{"dps":{"1":true}}', direction: 'fromDevice', header: version !== '3.1', iv: IV, keyring })
      const { payload } = decodeFrame(reply, { version, key: KEY, keyring })
      // 3.1 pushes are encrypted, other 3.1 payloads are views of the caller's own frame.
      const owner = new Uint8Array(payload.buffer)
      assert.ok(owner.length <= reply.length + 32, `${version}: ${owner.length} bytes behind a ${payload.length}-byte payload`)
    }
  })
})

/** `key` with `onDestroy` called before its destroy(). */
function bindKey(key: ReturnType<CryptoBackend['importKey']>, onDestroy: () => void): ReturnType<CryptoBackend['importKey']> {
  return {
    ecbEncrypt: (b) => key.ecbEncrypt(b),
    ecbDecrypt: (b) => key.ecbDecrypt(b),
    gcmEncrypt: (iv, p, a) => key.gcmEncrypt(iv, p, a),
    gcmDecrypt: (iv, x, a) => key.gcmDecrypt(iv, x, a),
    hmacSha256: (m) => key.hmacSha256(m),
    destroy: () => (onDestroy(), key.destroy()),
  }
}

describe('Deframer frame lists', () => {
  it('each push returns its own array, also for Buffer-like chunks and several frames per chunk', () => {
    const f1 = encodeFrame({ version: '3.3', key: KEY, seq: 1, cmd: 10, payload: '{}' })
    const f2 = encodeFrame({ version: '3.3', key: KEY, seq: 2, cmd: 10, payload: '{"a":1}' })
    const deframer = new Deframer()
    class Sub extends Uint8Array {}
    const both = new Sub(f1.length + f2.length)
    both.set(f1)
    both.set(f2, f1.length)
    const first = deframer.push(both)
    const second = deframer.push(f1)
    const none = deframer.push(f2.subarray(0, 5))
    assert.deepEqual(first.map(hex), [hex(f1), hex(f2)])
    assert.deepEqual(second.map(hex), [hex(f1)])
    assert.deepEqual(none, [])
    assert.notEqual(first, second)
    assert.ok(first.every((f) => Object.getPrototypeOf(f) === Uint8Array.prototype))
  })

  it('frames found before an onDiscard callback threw are not returned by the next push', () => {
    const f1 = encodeFrame({ version: '3.3', key: KEY, seq: 1, cmd: 10, payload: '{}' })
    let isThrowing = true
    const deframer = new Deframer({
      onDiscard: () => {
        if (isThrowing) throw new Error('listener failed')
      },
    })
    // f1, then a 55AA header whose length field (0) is impossible: dropped, and reported.
    const junkAfter = new Uint8Array(f1.length + 16)
    junkAfter.set(f1)
    junkAfter.set([0, 0, 0x55, 0xaa], f1.length)
    assert.throws(() => deframer.push(junkAfter), /listener failed/)
    isThrowing = false
    const f2 = encodeFrame({ version: '3.3', key: KEY, seq: 2, cmd: 10, payload: '{}' })
    assert.deepEqual(deframer.push(f2).map(hex), [hex(f2)])
  })
})
