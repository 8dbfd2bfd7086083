/**
 * Malformed and unusual capture files: the decoder returns a typed error with the offset
 * (or decodes what is there), never crashes, never hangs. Also pcapng details (several
 * sections, both byte orders, simple/obsolete packet blocks, tsresol, tsoffset) and junk
 * inside TCP streams.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { utf8ToBytes } from '@tuya/crypto'
import { CaptureFormatError, decodeCapture, readCapture, type FrameRecord } from '../src/decode/index.ts'
import { buildConversation, LOCAL_KEY, T0_US } from './fixtures/conversation.ts'
import { linkFrame, TcpFlow, tcpIp, writePcap, writePcapng, type Packet } from './fixtures/pcap-writer.ts'

const KEY = utf8ToBytes(LOCAL_KEY)
const CLIENT = { ip: '192.168.1.10', port: 51234 }
const DEVICE = { ip: '192.168.1.50', port: 6668 }

function smallCapture(): Packet[] {
  const conv = buildConversation('3.3')
  const flow = new TcpFlow(CLIENT, DEVICE).open(T0_US)
  for (const f of conv.frames.slice(0, 3)) flow.send(f.from, f.bytes, f.timeUs, { splitAt: [25] })
  return flow.packets
}

function frameCount(bytes: Uint8Array): number {
  return decodeCapture(bytes, { key: KEY }).records.filter((r) => r.kind === 'frame' && r.error === undefined).length
}

/** Any outcome but a crash: a result, or a CaptureFormatError with an offset inside the file. */
function decodeSafely(bytes: Uint8Array): void {
  try {
    const result = decodeCapture(bytes, { key: KEY })
    if (result.captureError !== undefined) {
      assert.ok(result.captureError instanceof CaptureFormatError)
      assert.ok(result.captureError.offset >= 0 && result.captureError.offset <= bytes.length)
    }
  } catch (error) {
    assert.ok(error instanceof CaptureFormatError, `unexpected ${String(error)}`)
    assert.ok(error.offset >= 0 && error.offset <= bytes.length)
  }
}

describe('malformed captures', () => {
  it('not a capture: a typed error at offset 0', () => {
    for (const bytes of [new Uint8Array(0), utf8ToBytes('hello world, not a pcap'), new Uint8Array(100)]) {
      assert.throws(() => decodeCapture(bytes), (e: unknown) => e instanceof CaptureFormatError && e.offset === 0 && e.code === 'TUYA_ERR_CAPTURE_FORMAT')
    }
  })

  it('pcap cut at every offset: the complete records before the cut still decode', () => {
    const full = writePcap(smallCapture())
    const complete = frameCount(full)
    assert.equal(complete, 3)
    let previous = 0
    for (let end = 0; end < full.length; end++) {
      const bytes = full.subarray(0, end)
      if (end < 24) {
        assert.throws(() => decodeCapture(bytes), CaptureFormatError)
        continue
      }
      const result = decodeCapture(bytes, { key: KEY })
      const n = result.records.filter((r) => r.kind === 'frame' && r.error === undefined).length
      assert.ok(n >= previous && n <= complete, `monotonic at ${end}`)
      previous = n
      if (result.captureError !== undefined) assert.ok(result.captureError.offset >= 24 && result.captureError.offset < end)
    }
  })

  it('pcapng cut at every offset never crashes', () => {
    const full = writePcapng(smallCapture())
    assert.equal(frameCount(full), 3)
    for (let end = 0; end < full.length; end++) decodeSafely(full.subarray(0, end))
  })

  it('random damage never crashes (pcap and pcapng)', () => {
    const files = [writePcap(smallCapture()), writePcapng(smallCapture(), { isBigEndian: true })]
    fc.assert(
      fc.property(fc.constantFrom(...files), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }), (file, edits) => {
        const bytes = file.slice()
        for (const [at, value] of edits) bytes[at % bytes.length] = value
        decodeSafely(bytes)
      }),
      { numRuns: 150 },
    )
  })

  it('random bytes after a valid header never crash', () => {
    const header = writePcap([])
    const ngHeader = writePcapng([])
    fc.assert(
      fc.property(fc.boolean(), fc.uint8Array({ maxLength: 600 }), (isNg, tail) => {
        const head = isNg ? ngHeader : header
        const bytes = new Uint8Array(head.length + tail.length)
        bytes.set(head)
        bytes.set(tail, head.length)
        decodeSafely(bytes)
      }),
      { numRuns: 200 },
    )
  })

  it('a huge pcap record length is an error with its offset', () => {
    const bytes = writePcap(smallCapture()).slice()
    new DataView(bytes.buffer).setUint32(24 + 8, 0x7fffffff, true)
    const result = decodeCapture(bytes)
    assert.equal(result.captureError?.offset, 32)
    assert.match(result.captureError!.message, /captured length 2147483647 exceeds/)
    assert.equal(result.records.length, 0)
  })

  it('pcapng: bad block length, mismatched trailer, unknown interface, bad byte-order magic', () => {
    const good = writePcapng(smallCapture())
    const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength)
    const shbLength = view(good).getUint32(4, true)
    const idbAt = shbLength
    const idbLength = view(good).getUint32(idbAt + 4, true)

    const odd = good.slice()
    view(odd).setUint32(idbAt + 4, 23, true)
    assert.equal(decodeCapture(odd).captureError?.offset, idbAt + 4)

    const mismatch = good.slice()
    view(mismatch).setUint32(idbAt + idbLength - 4, idbLength + 4, true)
    assert.match(decodeCapture(mismatch).captureError!.message, /lengths at start and end differ/)

    const noInterface = good.slice()
    const skipAt = idbAt + idbLength // the unknown block, then the first EPB
    const epbAt = skipAt + view(good).getUint32(skipAt + 4, true)
    view(noInterface).setUint32(epbAt + 8, 7, true)
    assert.match(decodeCapture(noInterface).captureError!.message, /interface 7/)

    const badMagic = good.slice()
    view(badMagic).setUint32(8, 0x12345678, true)
    assert.throws(() => decodeCapture(badMagic), (e: unknown) => e instanceof CaptureFormatError && e.offset === 8)
  })
})

describe('pcapng details', () => {
  it('several sections with different byte orders', () => {
    const packets = smallCapture()
    const a = writePcapng(packets.slice(0, 5))
    const b = writePcapng(packets.slice(5), { isBigEndian: true })
    const joined = new Uint8Array(a.length + b.length)
    joined.set(a)
    joined.set(b, a.length)
    assert.equal(readCapture(joined).packets.length, packets.length)
    assert.equal(frameCount(joined), 3)
  })

  it('simple packet blocks, obsolete packet blocks, tsresol 2^-20 and tsoffset', () => {
    const packets = smallCapture()
    const le = true
    const blocks: Uint8Array[] = []
    const block = (type: number, body: Uint8Array): void => {
      const total = 12 + ((body.length + 3) & ~3)
      const out = new Uint8Array(total)
      const v = new DataView(out.buffer)
      v.setUint32(0, type, le)
      v.setUint32(4, total, le)
      out.set(body, 8)
      v.setUint32(total - 4, total, le)
      blocks.push(out)
    }
    const shb = new Uint8Array(16)
    new DataView(shb.buffer).setUint32(0, 0x1a2b3c4d, le)
    new DataView(shb.buffer).setUint16(4, 1, le)
    block(0x0a0d0d0a, shb)
    const idb = new Uint8Array(8 + 8 + 12 + 4)
    const iv = new DataView(idb.buffer)
    iv.setUint16(0, 1, le)
    iv.setUint16(8, 9, le) // if_tsresol = 2^-20
    iv.setUint16(10, 1, le)
    idb[12] = 0x80 | 20
    iv.setUint16(16, 14, le) // if_tsoffset = 1000 s
    iv.setUint16(18, 8, le)
    iv.setBigInt64(20, 1000n, le)
    block(1, idb)
    packets.forEach((p, i) => {
      if (i % 2 === 0) {
        const body = new Uint8Array(4 + p.bytes.length)
        new DataView(body.buffer).setUint32(0, p.bytes.length, le)
        body.set(p.bytes, 4)
        block(3, body) // SPB
      } else {
        const body = new Uint8Array(20 + p.bytes.length)
        const bv = new DataView(body.buffer)
        bv.setUint16(0, 0, le)
        bv.setUint32(4, 0, le)
        bv.setUint32(8, 3 << 20, le) // 3 s in 2^-20 units
        bv.setUint32(12, p.bytes.length, le)
        bv.setUint32(16, p.bytes.length, le)
        body.set(p.bytes, 20)
        block(2, body) // obsolete packet block
      }
    })
    const bytes = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0))
    let at = 0
    for (const b of blocks) {
      bytes.set(b, at)
      at += b.length
    }
    const capture = readCapture(bytes)
    assert.equal(capture.error, undefined)
    assert.equal(capture.packets.length, packets.length)
    assert.equal(capture.packets[1]!.timeUs, 1003 * 1_000_000)
    assert.equal(frameCount(bytes), 3)
  })
})

describe('junk inside TCP streams', () => {
  it('bytes that are not frames are skipped with a notice; frames around them decode', () => {
    const conv = buildConversation('3.3')
    const flow = new TcpFlow(CLIENT, DEVICE).open(T0_US)
    conv.frames.forEach((f, i) => {
      if (i === 2) flow.send('client', utf8ToBytes('GET / HTTP/1.1\r\n\r\n'), f.timeUs - 1)
      flow.send(f.from, f.bytes, f.timeUs)
    })
    const result = decodeCapture(writePcap(flow.packets), { key: KEY })
    assert.equal(result.records.filter((r): r is FrameRecord => r.kind === 'frame' && r.error === undefined).length, conv.frames.length)
    assert.ok(result.records.some((r) => r.kind === 'notice' && /skipped 18 bytes that are not a frame/.test(r.message)))
  })

  it('TCP connections without Tuya frames and other traffic are ignored', () => {
    const http = new TcpFlow({ ip: '10.0.0.1', port: 40000 }, { ip: '10.0.0.2', port: 80 }).open(T0_US)
    http.send('client', utf8ToBytes('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), T0_US + 1000)
    const arp: Packet = { timeUs: T0_US, bytes: new Uint8Array([...new Uint8Array(12).fill(0xff), 0x08, 0x06, ...new Uint8Array(28)]) }
    const icmp: Packet = { timeUs: T0_US, bytes: linkFrame(1, tcpIp(CLIENT, DEVICE, 0, 0, 0).map((b, i) => (i === 9 ? 1 : b))) }
    const result = decodeCapture(writePcap([arp, icmp, ...http.packets]))
    assert.equal(result.records.length, 0)
    assert.equal(result.stats.connections, 0)
    assert.equal(result.stats.packets, 2 + http.packets.length)
  })
})
