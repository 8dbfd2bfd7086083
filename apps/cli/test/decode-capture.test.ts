/**
 * `tuya decode` on capture files the tests write themselves: conversations of every version
 * (built with @tuya/codec + @tuya/session) in pcap and pcapng, link types, IPv6, TCP
 * reassembly (splits, retransmissions, reordering, missing SYN, holes), UDP beacons
 * (discovery.json vectors) and keys from devices.json.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { hexToBytes, utf8ToBytes } from '@tuya/crypto'
import { parseDevices } from '../src/devices-file.ts'
import { decodeCapture, type FrameRecord, type DecodeRecord } from '../src/decode/index.ts'
import { buildConversation, DEV_ID, LOCAL_KEY, T0_US, type Conversation } from './fixtures/conversation.ts'
import { TcpFlow, udpPacket, writePcap, writePcapng, type Packet } from './fixtures/pcap-writer.ts'

const KEY = utf8ToBytes(LOCAL_KEY)
const CLIENT = { ip: '192.168.1.10', port: 51234 }
const DEVICE = { ip: '192.168.1.50', port: 6668 }
const VERSIONS = ['3.1', '3.2', '3.3', '3.4', '3.5'] as const

function frames(records: readonly DecodeRecord[]): FrameRecord[] {
  return records.filter((r): r is FrameRecord => r.kind === 'frame')
}

function capture(conv: Conversation, options: { split?: (i: number) => number[]; linkType?: number; client?: typeof CLIENT; device?: typeof DEVICE; isOpen?: boolean } = {}): Packet[] {
  const flow = new TcpFlow(options.client ?? CLIENT, options.device ?? DEVICE, { linkType: options.linkType ?? 1 })
  if (options.isOpen !== false) flow.open(conv.frames[0]!.timeUs - 5000)
  conv.frames.forEach((f, i) => flow.send(f.from, f.bytes, f.timeUs, { splitAt: options.split?.(i) ?? [] }))
  flow.close(conv.frames.at(-1)!.timeUs + 5000)
  return flow.packets
}

/** The decoded conversation must match what was sent, frame by frame. */
function assertConversation(records: readonly DecodeRecord[], conv: Conversation, version: string, isTimed = true): void {
  const got = frames(records)
  assert.equal(got.length, conv.frames.length, 'every frame is decoded once')
  got.forEach((f, i) => {
    assert.equal(f.error, undefined, `frame ${i}: ${f.error?.message}`)
    assert.equal(f.version, version)
    assert.equal(f.direction, conv.frames[i]!.from === 'client' ? 'toDevice' : 'fromDevice')
    assert.equal(f.connection, '#1')
    // A frame is timed by the packet that completed it: the last of its segments.
    if (isTimed) assert.ok(f.timeUs! >= conv.frames[i]!.timeUs && f.timeUs! < conv.frames[i]!.timeUs + 1000, `frame ${i} time`)
  })
  const reply = got.find((f) => f.direction === 'fromDevice' && (f.json as { dps?: unknown } | undefined)?.dps !== undefined)
  assert.deepEqual((reply!.json as { dps: unknown }).dps, { '1': true, '2': 50 })
  const push = got.find((f) => f.cmdName === 'STATUS')!
  assert.deepEqual((push.json as { dps: unknown }).dps, { '1': false })
  assert.equal(push.retcode, 0)
  const control = got.find((f) => f.direction === 'toDevice' && (f.cmdName === 'CONTROL' || f.cmdName === 'CONTROL_NEW') && f.text?.includes('"1":false') === true)
  assert.ok(control !== undefined, 'the CONTROL request decodes')
  const acks = got.filter((f) => f.isAck === true)
  assert.ok(acks.length >= 2, 'the CONTROL ack and the heartbeat answer are acks')
}

describe('decodeCapture: whole conversations', () => {
  for (const version of VERSIONS) {
    it(`${version}: pcap with segments split mid-frame`, () => {
      const conv = buildConversation(version)
      const pcap = writePcap(capture(conv, { split: (i) => [1, 5 + i, 17 + i] }))
      const result = decodeCapture(pcap, { key: KEY })
      assert.equal(result.format, 'pcap')
      assertConversation(result.records, conv, version)
      assert.equal(result.stats.failedFrames, 0)
      assert.equal(result.stats.connections, 1)
    })
  }

  it('3.5: pcapng (big-endian, ns) derives the session key and reports it only with showKeys', () => {
    const conv = buildConversation('3.5')
    const bytes = writePcapng(capture(conv), { isBigEndian: true, isNano: true })
    const hidden = decodeCapture(bytes, { key: KEY })
    assertConversation(hidden.records, conv, '3.5')
    const resp = frames(hidden.records).find((f) => f.cmdName === 'SESS_KEY_NEG_RESP')!
    assert.deepEqual(resp.session, {})
    assert.match(resp.info!, /proof ok/)
    const keyHex = Buffer.from(conv.sessionKey!).toString('hex')
    assert.ok(!JSON.stringify(hidden.records).includes(keyHex), 'the session key is not printed without showKeys')
    assert.ok(hidden.records.some((r) => r.kind === 'notice' && /session key derived \(3\.5/.test(r.message)))
    const shown = decodeCapture(bytes, { key: KEY, showKeys: true })
    assert.equal(frames(shown.records).find((f) => f.cmdName === 'SESS_KEY_NEG_RESP')!.session!.keyHex, keyHex)
  })

  it('each connection negotiates its own session', () => {
    const a = buildConversation('3.5', LOCAL_KEY, T0_US)
    const b = buildConversation('3.5', LOCAL_KEY, T0_US + 5_000_000)
    const packets = [...capture(a), ...capture(b, { client: { ip: CLIENT.ip, port: 51235 } })]
    const result = decodeCapture(writePcap(packets), { key: KEY })
    const got = frames(result.records)
    assert.equal(got.length, a.frames.length + b.frames.length)
    assert.ok(got.every((f) => f.error === undefined))
    assert.deepEqual([...new Set(got.map((f) => f.connection))], ['#1', '#2'])
    assert.equal(result.records.filter((r) => r.kind === 'notice' && r.message.startsWith('session key derived')).length, 2)
  })

  it('a wrong key fails per frame with a hint, without stopping', () => {
    const conv = buildConversation('3.4')
    const result = decodeCapture(writePcap(capture(conv)), { key: utf8ToBytes('ffffffffffffffff') })
    const got = frames(result.records)
    assert.equal(got.length, conv.frames.length)
    assert.equal(got[0]!.error!.message, 'HMAC mismatch: wrong key?')
    assert.equal(got[0]!.cmdName, 'SESS_KEY_NEG_START')
    assert.equal(result.stats.failedFrames, conv.frames.length)
    const v35 = decodeCapture(writePcap(capture(buildConversation('3.5'))), { key: utf8ToBytes('ffffffffffffffff') })
    assert.equal(frames(v35.records)[0]!.error!.message, 'GCM tag mismatch: wrong key?')
  })

  it('without any key: headers are still shown, and a notice says what to pass', () => {
    const result = decodeCapture(writePcap(capture(buildConversation('3.3'))))
    const got = frames(result.records)
    assert.equal(got[0]!.cmdName, 'DP_QUERY')
    assert.equal(got[0]!.seq, 1)
    assert.equal(got[0]!.error!.code, 'TUYA_ERR_NO_KEY')
    assert.ok(result.records.some((r) => r.kind === 'notice' && /no key for device 192\.168\.1\.50/.test(r.message)))
  })

  it('3.1 plaintext decodes without a key', () => {
    const result = decodeCapture(writePcap(capture(buildConversation('3.1'))))
    const got = frames(result.records)
    assert.deepEqual((got[1]!.json as { dps: unknown }).dps, { '1': true, '2': 50 })
    assert.equal(got[2]!.error!.code, 'TUYA_ERR_NO_KEY', '3.1 CONTROL is encrypted and needs the key')
  })

  it('a forced wrong version is reported per frame', () => {
    const result = decodeCapture(writePcap(capture(buildConversation('3.5'))), { key: KEY, version: '3.3' })
    assert.ok(frames(result.records).every((f) => f.error?.code === 'TUYA_ERR_BAD_PREFIX'))
  })
})

describe('decodeCapture: link types and IP versions', () => {
  for (const linkType of [0, 101, 113, 276]) {
    it(`link type ${linkType}`, () => {
      const conv = buildConversation('3.3')
      const packets = capture(conv, { linkType })
      const result = decodeCapture(writePcap(packets, { linkType }), { key: KEY })
      assertConversation(result.records, conv, '3.3')
      assert.equal(decodeCapture(writePcapng(packets, { linkType }), { key: KEY }).stats.failedFrames, 0)
    })
  }

  it('IPv6 over Ethernet, big-endian nanosecond pcap', () => {
    const conv = buildConversation('3.5')
    const packets = capture(conv, { client: { ip: 'fe80::1', port: 40000 }, device: { ip: 'fe80::2:50', port: 6668 } })
    const result = decodeCapture(writePcap(packets, { isBigEndian: true, isNano: true }), { key: KEY })
    assertConversation(result.records, conv, '3.5')
    assert.equal(frames(result.records)[0]!.src, '[fe80::1]:40000')
    assert.equal(frames(result.records)[0]!.dst, '[fe80::2:50]:6668')
  })
})

describe('decodeCapture: TCP reassembly', () => {
  it('one byte per segment', () => {
    const conv = buildConversation('3.4')
    const result = decodeCapture(writePcap(capture(conv, { split: (i) => Array.from({ length: conv.frames[i]!.bytes.length }, (_, k) => k) })), { key: KEY })
    assertConversation(result.records, conv, '3.4')
  })

  it('retransmitted, overlapping and reordered segments are decoded once', () => {
    const conv = buildConversation('3.5')
    const flow = new TcpFlow(CLIENT, DEVICE)
    flow.open(T0_US)
    for (const f of conv.frames) {
      flow.send(f.from, f.bytes, f.timeUs, { splitAt: [20, 40] })
      flow.retransmit(f.from, f.bytes.subarray(f.bytes.length - 10), f.timeUs + 5) // the tail again
      const n = flow.packets.length
      ;[flow.packets[n - 3], flow.packets[n - 2]] = [flow.packets[n - 2]!, flow.packets[n - 3]!] // middle and last segment swapped
    }
    const result = decodeCapture(writePcap(flow.packets), { key: KEY })
    assertConversation(result.records, conv, '3.5', false)
  })

  it('a capture started mid-connection (no SYN) still decodes, device found by port 6668', () => {
    const conv = buildConversation('3.3')
    const result = decodeCapture(writePcap(capture(conv, { isOpen: false })), { key: KEY })
    assertConversation(result.records, conv, '3.3')
    assert.match((result.records[0] as { message: string }).message, /device: port 6668/)
  })

  it('without SYN and without 6668, --device-port picks the device', () => {
    const conv = buildConversation('3.3')
    const device = { ip: '10.0.0.2', port: 16668 }
    const packets = capture(conv, { isOpen: false, device })
    const guessed = decodeCapture(writePcap(packets), { key: KEY })
    assert.match((guessed.records[0] as { message: string }).message, /guessed: the client speaks first/)
    const result = decodeCapture(writePcap(packets), { key: KEY, devicePort: 16668 })
    assertConversation(result.records, conv, '3.3')
    assert.match((result.records[0] as { message: string }).message, /--device-port 16668/)
  })

  it('a hole in the stream loses only the frames across it, with a notice', () => {
    const conv = buildConversation('3.3')
    const flow = new TcpFlow(CLIENT, DEVICE)
    flow.open(T0_US)
    conv.frames.forEach((f, i) => {
      const sent = flow.send(f.from, f.bytes, f.timeUs, { splitAt: [30] })
      if (i === 1) flow.packets.splice(flow.packets.indexOf(sent[0]!), 1) // drop the first part of the reply
    })
    const result = decodeCapture(writePcap(flow.packets), { key: KEY })
    const got = frames(result.records)
    assert.equal(got.length, conv.frames.length - 1)
    assert.ok(got.every((f) => f.error === undefined))
    assert.ok(result.records.some((r) => r.kind === 'notice' && /30 bytes missing from the capture/.test(r.message)))
  })

  it('packets cut by the snap length become a gap, the rest decodes', () => {
    const conv = buildConversation('3.3')
    const packets = capture(conv).map((p, i) => (i === 4 ? { ...p, bytes: p.bytes.subarray(0, 70), originalLength: p.bytes.length } : p))
    const result = decodeCapture(writePcap(packets), { key: KEY })
    assert.equal(frames(result.records).length, conv.frames.length - 1)
    assert.ok(result.records.some((r) => r.kind === 'notice' && /bytes missing from the capture/.test(r.message)))
  })
})

const discovery = JSON.parse(readFileSync(new URL('./fixtures/discovery.json', import.meta.url), 'utf8')) as {
  cases: { name: string; udp_port: number; frame_hex: string; cmd: number | null; retcode: number | null; json_text: string; direction: string }[]
}

describe('decodeCapture: UDP discovery (discovery.json vectors)', () => {
  it('decodes every datagram on 6666/6667/7000', () => {
    const packets = discovery.cases.map((c, i) =>
      udpPacket(c.direction === 'client_broadcast' ? { ip: '192.168.1.10', port: 40001 } : { ip: '192.168.1.50', port: 49153 }, { ip: '255.255.255.255', port: c.udp_port }, hexToBytes(c.frame_hex), T0_US + i * 1000),
    )
    const result = decodeCapture(writePcapng(packets))
    const got = frames(result.records)
    assert.equal(got.length, discovery.cases.length)
    got.forEach((f, i) => {
      const c = discovery.cases[i]!
      assert.equal(f.error, undefined, `${c.name}: ${f.error?.message}`)
      assert.equal(f.transport, 'udp')
      assert.deepEqual(f.json, JSON.parse(c.json_text), c.name)
      assert.equal(f.cmd ?? null, c.cmd, c.name)
      assert.equal(f.retcode ?? null, c.retcode, c.name)
      assert.equal(f.direction, c.direction === 'client_broadcast' ? 'toDevice' : 'fromDevice', c.name)
    })
    assert.equal(result.stats.datagrams, discovery.cases.length)
  })

  it('a damaged beacon is reported, not thrown', () => {
    const bytes = hexToBytes(discovery.cases[3]!.frame_hex)
    bytes[40]! ^= 1
    const result = decodeCapture(writePcap([udpPacket({ ip: '192.168.1.50', port: 6667 }, { ip: '255.255.255.255', port: 6667 }, bytes, T0_US)]))
    assert.match(frames(result.records)[0]!.error!.message, /GCM tag mismatch/)
  })
})

describe('decodeCapture: keys from devices.json', () => {
  const other = { id: 'bf9999999999999999xx', name: 'Kitchen', key: 'abcdefghijklmnop', ip: '192.168.1.99', version: '3.3' }
  const lamp = { id: DEV_ID, name: 'Living room lamp', key: LOCAL_KEY, ip: '', version: '3.5' }

  it('by the device address', () => {
    const devices = parseDevices(JSON.stringify([other, { ...lamp, ip: '192.168.1.50' }]))
    const result = decodeCapture(writePcap(capture(buildConversation('3.5'))), { devices })
    assert.equal(result.stats.failedFrames, 0)
    assert.match((result.records[0] as { message: string }).message, /key: devices.json "Living room lamp" \(by address\)/)
  })

  it('by trial when no address matches', () => {
    for (const version of ['3.3', '3.4', '3.5'] as const) {
      const devices = parseDevices(JSON.stringify([other, { ...lamp, version }]))
      const result = decodeCapture(writePcap(capture(buildConversation(version))), { devices })
      assert.equal(result.stats.failedFrames, 0, version)
      assert.match((result.records[0] as { message: string }).message, /"Living room lamp" \(by trial\)/)
    }
  })

  it('by the id in a beacon from the device address', () => {
    const beacon = discovery.cases.find((c) => c.name === 'udp6667_v33_ecb')!
    const devices = parseDevices(JSON.stringify([other, { ...lamp, id: 'bf0123456789abcdefgh', version: '' }]))
    const conv = buildConversation('3.3')
    const packets = [udpPacket({ ip: '192.168.1.50', port: 49153 }, { ip: '255.255.255.255', port: 6667 }, hexToBytes(beacon.frame_hex), T0_US - 9000), ...capture(conv)]
    const result = decodeCapture(writePcap(packets), { devices })
    assert.equal(result.stats.failedFrames, 0)
    assert.ok(result.records.some((r) => r.kind === 'notice' && /by id from a beacon/.test(r.message)))
  })

  it('no matching key: frames fail with a hint', () => {
    const devices = parseDevices(JSON.stringify([other]))
    const result = decodeCapture(writePcap(capture(buildConversation('3.3'))), { devices })
    assert.ok(frames(result.records).some((f) => f.error?.code === 'TUYA_ERR_NO_KEY'))
  })
})
