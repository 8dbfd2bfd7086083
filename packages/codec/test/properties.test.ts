/**
 * fast-check properties: round trip, chunking independence, fuzzed input only ever raising
 * FrameError/DecryptError, bounded Deframer buffering. Run counts are moderate; set
 * TUYA_SLOW=1 for 20x more.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { concatBytes } from '@tuya/crypto'
import fc from 'fast-check'
import {
  CMD,
  decodeFrame,
  DecryptError,
  Deframer,
  encodeFrame,
  FrameError,
  NO_VERSION_HEADER_CMDS,
  PROTOCOL_VERSIONS,
  readFrameHeader,
  versionHeader,
  type Direction,
  type EncodeFrameOptions,
  type ProtocolVersion,
} from '../src/index.ts'
import { allValidFrames, DATA_FRAME_CASES, h, HANDSHAKE_CASES, hex, runs } from './helpers.ts'

const HANDSHAKE = new Set([3, 4, 5])
const isHandshake = (version: ProtocolVersion, cmd: number) => (version === '3.4' || version === '3.5') && HANDSHAKE.has(cmd)

/** Random payloads that decode back unchanged: they must not start like a header ("3.") or like JSON. */
const rawPayload = fc.uint8Array({ maxLength: 300 }).filter((b) => {
  if (b.length === 0) return true
  if ([0x7b, 0x5b, 0x20, 0x09, 0x0a, 0x0d].includes(b[0]!)) return false
  return !(b[0] === 0x33 && b[1] === 0x2e)
})
const jsonPayload = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }).map((o) => new TextEncoder().encode(JSON.stringify(o)))

const frameInput = fc
  .record({
    version: fc.constantFrom(...PROTOCOL_VERSIONS),
    direction: fc.constantFrom<Direction>('toDevice', 'fromDevice'),
    key: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    seq: fc.nat({ max: 0xffffffff }),
    cmd: fc.oneof(fc.constantFrom(...Object.values(CMD)), fc.nat({ max: 0xffffffff })),
    payload: fc.oneof(rawPayload, jsonPayload),
    retcode: fc.nat({ max: 0xffffffff }),
    headerKind: fc.constantFrom('default', 'none', 'version', 'source'),
    source: fc.uint8Array({ minLength: 12, maxLength: 12 }),
    encrypt: fc.boolean(),
    iv: fc.uint8Array({ minLength: 12, maxLength: 12 }),
  })
  .filter((x) => !(x.version === '3.1' && (x.headerKind === 'version' || x.headerKind === 'source')))
  .filter((x) => !(isHandshake(x.version, x.cmd) && (x.headerKind === 'version' || x.headerKind === 'source')))

function expectedHeader(x: { version: ProtocolVersion; direction: Direction; cmd: number; headerKind: string; source: Uint8Array }): Uint8Array | undefined {
  if (x.headerKind === 'none') return undefined
  if (x.headerKind === 'version') return versionHeader(x.version)
  if (x.headerKind === 'source') return concatBytes(versionHeader(x.version).subarray(0, 3), x.source)
  const byRule = x.direction === 'toDevice' && x.version !== '3.1' && !NO_VERSION_HEADER_CMDS.has(x.cmd)
  return byRule ? versionHeader(x.version) : undefined
}

describe('properties', () => {
  it('decode(encode(x)) == x for every version, direction, cmd, payload, retcode, header and IV', () => {
    fc.assert(
      fc.property(frameInput, (x) => {
        const header = expectedHeader(x)
        const options: EncodeFrameOptions = { version: x.version, key: x.key, direction: x.direction, seq: x.seq, cmd: x.cmd, payload: x.payload, iv: x.iv }
        if (x.headerKind !== 'default') options.header = header ?? false
        if (x.direction === 'fromDevice') options.retcode = x.retcode
        if (x.version === '3.1') options.encrypt = x.encrypt
        const bytes = encodeFrame(options)
        const frame = decodeFrame(bytes, { version: x.version, key: x.key, direction: x.direction })
        assert.equal(frame.seq, x.seq)
        assert.equal(frame.cmd, x.cmd)
        assert.equal(frame.byteLength, bytes.length)
        assert.equal(frame.retcode, x.direction === 'fromDevice' ? x.retcode : undefined)
        assert.equal(hex(frame.payload), hex(x.payload))
        assert.equal(frame.header && hex(frame.header), header && hex(header))
        assert.equal(frame.iv && hex(frame.iv), x.version === '3.5' ? hex(x.iv) : undefined)
        if (!isHandshake(x.version, x.cmd) && x.payload[0] === 0x7b) assert.deepEqual(frame.json, JSON.parse(new TextDecoder().decode(x.payload)))
      }),
      { numRuns: runs(300) },
    )
  })

  it('any chunking gives the same frames', () => {
    const frames = allValidFrames()
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: frames.length - 1 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 40 }),
        (picks, sizes) => {
          const chosen = picks.map((i) => frames[i]!)
          const stream = concatBytes(...chosen)
          const deframer = new Deframer()
          const out: Uint8Array[] = []
          let at = 0
          for (let i = 0; at < stream.length; i++) {
            const size = sizes[i % sizes.length]!
            out.push(...deframer.push(stream.subarray(at, at + size)))
            at += size
          }
          assert.deepEqual(out.map(hex), chosen.map(hex))
          assert.equal(deframer.bufferedBytes, 0)
        },
      ),
      { numRuns: runs(200) },
    )
  })
})

/** Streams that mix valid frames, junk, and headers with absurd lengths. */
const frames = allValidFrames()
const segment = fc.oneof(
  fc.nat({ max: frames.length - 1 }).map((i) => frames[i]!),
  fc.uint8Array({ maxLength: 40 }),
  fc.tuple(fc.constantFrom('000055aa', '00006699'), fc.uint8Array({ minLength: 14, maxLength: 14 })).map(([p, rest]) => concatBytes(h(p), rest)),
  fc.tuple(fc.nat({ max: frames.length - 1 }), fc.nat()).map(([i, cut]) => frames[i]!.subarray(0, cut % frames[i]!.length)),
)

describe('fuzz: the Deframer never throws and stays bounded', () => {
  it('random streams in random chunks', () => {
    fc.assert(
      fc.property(
        fc.array(segment, { maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 24, max: 600 }),
        (segments, sizes, maxFrameBytes) => {
          const stream = concatBytes(...segments)
          const deframer = new Deframer({ maxFrameBytes, onDiscard: (d) => assert.ok(d.error instanceof FrameError && d.bytes > 0) })
          const out: Uint8Array[] = []
          let at = 0
          for (let i = 0; at < stream.length; i++) {
            const size = sizes[i % sizes.length]!
            out.push(...deframer.push(stream.subarray(at, at + size)))
            at += size
            assert.ok(deframer.bufferedBytes < Math.max(maxFrameBytes, 18), `buffered ${deframer.bufferedBytes} of max ${maxFrameBytes}`)
          }
          for (const f of out) {
            assert.ok(f.length <= maxFrameBytes)
            assert.equal(readFrameHeader(f).byteLength, f.length)
          }
          // Chunking never changes the result.
          assert.deepEqual(new Deframer({ maxFrameBytes }).push(stream).map(hex), out.map(hex))
        },
      ),
      { numRuns: runs(300) },
    )
  })
})

const CASES = [...DATA_FRAME_CASES, ...HANDSHAKE_CASES]
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('length' as const), value: fc.nat({ max: 0xffffffff }) }),
  fc.record({ kind: fc.constant('cmd' as const), value: fc.constantFrom(3, 4, 5, 7, 8, 10, 13, 16, 0x99) }),
)

function mutate(frame: Uint8Array, m: Record<string, unknown>): Uint8Array {
  const out = frame.slice()
  const fmt6699 = out[2] === 0x66
  switch (m.kind) {
    case 'flip': {
      const at = (m.at as number) % out.length
      out[at]! ^= 1 << (m.bit as number)
      return out
    }
    case 'truncate':
      return out.subarray(0, (m.at as number) % out.length)
    case 'insert': {
      const at = (m.at as number) % (out.length + 1)
      return concatBytes(out.subarray(0, at), m.bytes as Uint8Array, out.subarray(at))
    }
    case 'length':
      if (out.length >= 18) new DataView(out.buffer).setUint32(fmt6699 ? 14 : 12, m.value as number)
      return out
    default:
      if (out.length >= 18) new DataView(out.buffer).setUint32(fmt6699 ? 10 : 8, m.value as number)
      return out
  }
}

function onlyProtocolErrors(run: () => unknown): void {
  try {
    run()
  } catch (error) {
    if (!(error instanceof FrameError) && !(error instanceof DecryptError)) throw error
  }
}

describe('fuzz: decodeFrame throws only FrameError / DecryptError', () => {
  it('mutated vector frames (bit flips, truncation, insertion, length and cmd changes)', () => {
    fc.assert(
      fc.property(fc.nat({ max: CASES.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), (i, ms) => {
        const c = CASES[i]!
        let bytes = h(c.frameHex)
        for (const m of ms) bytes = mutate(bytes, m as Record<string, unknown>)
        onlyProtocolErrors(() => decodeFrame(bytes, { version: c.version, key: c.key, direction: c.direction }))
      }),
      { numRuns: runs(1000) },
    )
  })
  it('random bytes, with and without a valid prefix, under every version and direction', () => {
    const prefixed = fc
      .tuple(fc.constantFrom('', '000055aa', '00006699'), fc.uint8Array({ maxLength: 120 }))
      .map(([p, rest]) => concatBytes(h(p), rest))
    fc.assert(
      fc.property(
        prefixed,
        fc.constantFrom(...PROTOCOL_VERSIONS),
        fc.constantFrom<Direction>('toDevice', 'fromDevice'),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (bytes, version, direction, key) => {
          onlyProtocolErrors(() => decodeFrame(bytes, { version, key, direction }))
        },
      ),
      { numRuns: runs(1000) },
    )
  })
  it('valid frames with random length-consistent bodies (past the integrity check where unkeyed)', () => {
    // 55AA CRC frames: the CRC is not keyed, so build frames whose CRC holds around random bodies.
    fc.assert(
      fc.property(
        fc.constantFrom<ProtocolVersion>('3.1', '3.2', '3.3'),
        fc.constantFrom<Direction>('toDevice', 'fromDevice'),
        fc.uint8Array({ maxLength: 200 }),
        fc.nat({ max: 20 }),
        (version, direction, body, cmd) => {
          const bytes = encodeFrame({ version, direction, seq: 1, cmd, payload: body, encrypt: false, header: false })
          onlyProtocolErrors(() => decodeFrame(bytes, { version, key: '4a5e1f0c9b2d7e38', direction }))
        },
      ),
      { numRuns: runs(500) },
    )
  })
})
