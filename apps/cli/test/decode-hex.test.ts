/**
 * `tuya decode` on frames typed by hand (hex arguments, stdin lines) and the command itself:
 * flags, output (human, colour, --json), exit codes, stdin and file input, devices.json.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it, after } from 'node:test'
import { bytesToHex, utf8ToBytes } from '@tuya/crypto'
import { parseArgs } from '../src/args.ts'
import { main } from '../src/cli.ts'
import { createDecodeCommand, type DecodeDeps } from '../src/commands/decode.ts'
import { parseDevices } from '../src/devices-file.ts'
import { decodeHexFrames, looksLikeHex, parseHex, guessVersion, type FrameRecord } from '../src/decode/index.ts'
import { buildConversation, DEV_ID, LOCAL_KEY } from './fixtures/conversation.ts'
import { TcpFlow, writePcap } from './fixtures/pcap-writer.ts'

const KEY = utf8ToBytes(LOCAL_KEY)
// The codec README's example: a 3.3 DP_QUERY reply under key 4a5e1f0c9b2d7e38.
const README_HEX = '000055aa000000010000000a0000005c00000000b9d64eff52d62710e9d8ae66681e8abd761eeac13424641939cdc9582132373100db55d4b9b0e4de4fea9947b87f6269312814df0e5c544ef5bbbc1fa7e9fbab34ee77d9161aa9beeec56016e6f326edebfdcffb0000aa55'
const README_KEY = '4a5e1f0c9b2d7e38'

function frames(records: readonly { kind: string }[]): FrameRecord[] {
  return records.filter((r): r is FrameRecord => r.kind === 'frame')
}

describe('hex input', () => {
  it('parses hex with separators and recognises hex arguments', () => {
    assert.deepEqual(parseHex('00 00:55-aa.0x'.replace('0x', '') + '01'), new Uint8Array([0, 0, 0x55, 0xaa, 1]))
    assert.deepEqual(parseHex('0x0a0b'), new Uint8Array([10, 11]))
    assert.throws(() => parseHex('abc'), RangeError)
    assert.throws(() => parseHex('zz'), RangeError)
    assert.equal(looksLikeHex(README_HEX), true)
    assert.equal(looksLikeHex('capture.pcap'), false)
    assert.equal(looksLikeHex('cafe'), false, 'shorter than a frame prefix: a file name')
    assert.equal(looksLikeHex('000055aa0000'), true, 'a frame too short to decode is still hex')
  })

  it('decodes the codec README frame (golden), with the version guessed', () => {
    const { records, stats } = decodeHexFrames([README_HEX], { key: utf8ToBytes(README_KEY) })
    const [f] = frames(records)
    assert.equal(stats.failedFrames, 0)
    assert.equal(f!.version, '3.3')
    assert.equal(f!.isVersionGuessed, true)
    assert.equal(f!.direction, 'fromDevice')
    assert.equal(f!.cmdName, 'DP_QUERY')
    assert.equal(f!.retcode, 0)
    assert.deepEqual(f!.json, { devId: 'bf1234567890abcdefgh', dps: { '1': true, '2': 0, '3': 'white' } })
  })

  for (const version of ['3.1', '3.2', '3.3', '3.4', '3.5'] as const) {
    it(`${version}: a whole conversation pasted as lines, directions found by trial`, () => {
      const conv = buildConversation(version)
      const lines = conv.frames.map((f) => bytesToHex(f.bytes).replace(/(..)/g, '$1 '))
      const { records, stats } = decodeHexFrames(lines, { key: KEY })
      assert.equal(stats.failedFrames, 0, JSON.stringify(frames(records).find((f) => f.error)))
      frames(records).forEach((f, i) => {
        assert.equal(f.version, version)
        assert.equal(f.direction, conv.frames[i]!.from === 'client' ? 'toDevice' : 'fromDevice', `frame ${i}`)
      })
      if (version === '3.4' || version === '3.5') assert.ok(records.some((r) => r.kind === 'notice' && /session key derived/.test(r.message)))
    })
  }

  it('--direction forces the direction; a wrong one fails per frame', () => {
    const conv = buildConversation('3.3')
    const reply = bytesToHex(conv.frames[1]!.bytes)
    assert.equal(frames(decodeHexFrames([reply], { key: KEY, direction: 'fromDevice' }).records)[0]!.error, undefined)
    assert.ok(frames(decodeHexFrames([reply], { key: KEY, direction: 'toDevice' }).records)[0]!.error !== undefined)
  })

  it('3.4/3.5 data frames without the negotiation: --session-key decodes them', () => {
    const conv = buildConversation('3.5')
    const data = conv.frames.slice(3).map((f) => bytesToHex(f.bytes))
    const without = decodeHexFrames(data, { key: KEY })
    assert.match(frames(without.records)[0]!.error!.message, /GCM tag mismatch.*no session negotiation seen/)
    const withKey = decodeHexFrames(data, { key: KEY, sessionKey: conv.sessionKey! })
    assert.equal(withKey.stats.failedFrames, 0)
  })

  it('bad lines fail alone; two frames on one line are split', () => {
    const conv = buildConversation('3.3')
    const two = bytesToHex(conv.frames[0]!.bytes) + bytesToHex(conv.frames[1]!.bytes)
    const { records, stats } = decodeHexFrames(['nothex!', two, '000055aa0000'], { key: KEY })
    const got = frames(records)
    assert.equal(got.length, 4)
    assert.equal(got[0]!.error!.code, 'TUYA_ERR_NOT_HEX')
    assert.equal(got[1]!.error, undefined)
    assert.equal(got[2]!.error, undefined)
    assert.equal(got[3]!.error!.code, 'TUYA_ERR_TRUNCATED')
    assert.equal(stats.failedFrames, 2)
  })

  it('the key is found by trial in devices.json', () => {
    const devices = parseDevices(JSON.stringify([
      { id: 'other00000000000000x', name: 'Other', key: 'zzzzzzzzzzzzzzzz' },
      { id: DEV_ID, name: 'Living room lamp', key: LOCAL_KEY },
    ]))
    const conv = buildConversation('3.5')
    const { records, stats } = decodeHexFrames(conv.frames.map((f) => bytesToHex(f.bytes)), { devices })
    assert.equal(stats.failedFrames, 0)
    assert.match((records[0] as { message: string }).message, /"Living room lamp" \(by trial\)/)
  })

  it('guesses versions from the bytes alone', () => {
    const guess = (v: '3.1' | '3.2' | '3.3' | '3.4' | '3.5', i: number) => guessVersion(buildConversation(v).frames[i]!.bytes)
    assert.equal(guess('3.5', 0)!.version, '3.5')
    assert.equal(guess('3.4', 0)!.version, '3.4')
    assert.equal(guess('3.1', 0)!.version, '3.1')
    assert.deepEqual([guess('3.2', 2)!.version, guess('3.2', 2)!.isCertain], ['3.2', true])
    assert.deepEqual([guess('3.3', 0)!.version, guess('3.3', 0)!.isCertain], ['3.3', false])
    assert.equal(guessVersion(new Uint8Array(8)), undefined)
  })
})

// ---------------------------------------------------------------- the command

interface Captured {
  out: string[]
  err: string[]
  code: number
}

async function runDecode(argv: string[], deps: Partial<DecodeDeps> = {}): Promise<Captured> {
  const command = createDecodeCommand({ isStdinTty: () => false, isStdoutTty: () => false, env: {}, readStdin: async () => new Uint8Array(0), ...deps })
  const out: string[] = []
  const err: string[] = []
  const code = await main(['decode', ...argv], { out: (l) => out.push(l), err: (l) => err.push(l), signal: new AbortController().signal }, [command])
  return { out, err, code }
}

const dir = mkdtempSync(join(tmpdir(), 'tuya-decode-'))
after(() => rmSync(dir, { recursive: true, force: true }))

describe('tuya decode (command)', () => {
  it('hex arguments: human lines', async () => {
    const r = await runDecode([README_HEX, '--key', README_KEY])
    assert.equal(r.code, 0)
    assert.deepEqual(r.out, ['device→client  v3.3?  seq=1  DP_QUERY  retcode=0  {"devId":"bf1234567890abcdefgh","dps":{"1":true,"2":0,"3":"white"}}'])
  })

  it('an acknowledgement needs no key (the example in --help)', async () => {
    const r = await runDecode(['000055aa00000000000000090000000c00000000b051ab030000aa55', '--version', '3.3'])
    assert.equal(r.code, 0)
    assert.deepEqual(r.out, ['device→client  v3.3  seq=0  HEART_BEAT  retcode=0  ack'])
  })

  it('--json: one object per frame', async () => {
    const r = await runDecode([README_HEX, '--key', README_KEY, '--version', '3.3', '--json'])
    assert.equal(r.code, 0)
    const obj = JSON.parse(r.out[0]!)
    assert.deepEqual(
      { direction: obj.direction, seq: obj.seq, cmd: obj.cmd, cmdName: obj.cmdName, retcode: obj.retcode, version: obj.version, versionGuessed: obj.versionGuessed, error: obj.error },
      { direction: 'fromDevice', seq: 1, cmd: 10, cmdName: 'DP_QUERY', retcode: 0, version: '3.3', versionGuessed: false, error: null },
    )
    assert.deepEqual(obj.json.dps, { '1': true, '2': 0, '3': 'white' })
  })

  it('colour only on a TTY without NO_COLOR', async () => {
    const tty = await runDecode([README_HEX, '--key', README_KEY], { isStdoutTty: () => true })
    assert.match(tty.out[0]!, /\x1b\[/)
    const noColor = await runDecode([README_HEX, '--key', README_KEY], { isStdoutTty: () => true, env: { NO_COLOR: '1' } })
    assert.doesNotMatch(noColor.out[0]!, /\x1b\[/)
    const flag = await runDecode([README_HEX, '--key', README_KEY, '--no-color'], { isStdoutTty: () => true })
    assert.doesNotMatch(flag.out[0]!, /\x1b\[/)
  })

  it('stdin lines (comments and blank lines skipped), a failing frame gives exit 1', async () => {
    const conv = buildConversation('3.4')
    const text = ['# a 3.4 session', '', ...conv.frames.map((f) => bytesToHex(f.bytes)), ''].join('\n')
    const ok = await runDecode(['--key', LOCAL_KEY, '--json'], { readStdin: async () => utf8ToBytes(text) })
    assert.equal(ok.code, 0)
    assert.equal(ok.out.length, conv.frames.length)
    assert.ok(ok.err.some((l) => /session key derived/.test(l)), 'notices go to stderr with --json')
    const bad = await runDecode(['--key', 'ffffffffffffffff'], { readStdin: async () => utf8ToBytes(text) })
    assert.equal(bad.code, 1)
    assert.match(bad.out[0]!, /SESS_KEY_NEG_START  error: HMAC mismatch: wrong key\?/)
  })

  it('a capture file and a capture on stdin', async () => {
    const conv = buildConversation('3.5')
    const flow = new TcpFlow({ ip: '192.168.1.10', port: 50000 }, { ip: '192.168.1.50', port: 6668 }).open(conv.frames[0]!.timeUs - 1000)
    for (const f of conv.frames) flow.send(f.from, f.bytes, f.timeUs, { splitAt: [9] })
    const pcap = writePcap(flow.packets)
    const file = join(dir, 'v35.pcap')
    writeFileSync(file, pcap)
    const r = await runDecode([file, '--key', LOCAL_KEY, '--utc'])
    assert.equal(r.code, 0, r.err.join('\n'))
    assert.match(r.out[0]!, /^12:00:00\.009  #1  \* TCP 192\.168\.1\.10:50000 → 192\.168\.1\.50:6668/)
    assert.ok(r.out.includes('12:00:00.040  #1  client→device  seq=3  DP_QUERY_NEW  {}'), r.out.join('\n'))
    assert.ok(r.out.some((l) => /#1  \* session key derived \(3\.5/.test(l)))
    assert.match(r.err.at(-1)!, /^tuya decode: 10 frames from 1 TCP connection and 0 datagrams in 23 packets$/)
    const stdin = await runDecode(['-', '--key', LOCAL_KEY, '--json'], { readStdin: async () => pcap })
    assert.equal(stdin.code, 0)
    assert.equal(stdin.out.length, conv.frames.length)
  })

  it('--device and --devices take the key from devices.json', async () => {
    const devicesFile = join(dir, 'devices.json')
    writeFileSync(devicesFile, JSON.stringify([{ id: 'bf1234567890abcdefgh', name: 'Living room lamp', key: README_KEY, ip: '192.168.1.50', version: '3.3' }]))
    const r = await runDecode([README_HEX, '--devices', devicesFile, '--device', 'living'])
    assert.equal(r.code, 0, r.err.join('\n'))
    assert.match(r.out[0]!, /v3\.3  seq=1  DP_QUERY/, 'the version comes from devices.json, not guessed')
    const unknown = await runDecode([README_HEX, '--devices', devicesFile, '--device', 'garage'])
    assert.equal(unknown.code, 1)
    assert.match(unknown.err[0]!, /^tuya decode: no device named "garage"/)
    const viaEnv = await runDecode([README_HEX], { env: { TUYA_DEVICES: devicesFile } })
    assert.equal(viaEnv.code, 0, 'trial over the TUYA_DEVICES file')
  })

  it('usage errors exit 2 with one line', async () => {
    for (const argv of [[README_HEX, '--key', 'short'], [README_HEX, '--version', '3.9'], [README_HEX, 'file.pcap'], ['a.pcap', 'b.pcap'], [README_HEX, '--direction', 'up'], [README_HEX, '--session-key', 'xyz']]) {
      const r = await runDecode(argv)
      assert.equal(r.code, 2, argv.join(' '))
      assert.equal(r.err.length, 1)
      assert.match(r.err[0]!, /^tuya decode: .*\(see tuya decode --help\)$/)
    }
    const tty = await runDecode([], { isStdinTty: () => true })
    assert.equal(tty.code, 2)
    assert.match(tty.err[0]!, /nothing to decode/)
  })

  it('help lists the flags and examples', async () => {
    const r = await runDecode(['--help'])
    assert.equal(r.code, 0)
    const text = r.out.join('\n')
    for (const flag of ['--key', '--version', '--devices', '--device-port', '--direction', '--json', '--show-keys']) assert.ok(text.includes(flag), flag)
    assert.match(text, /Examples:/)
  })

  it('damaged or empty captures and unreadable files exit 1', async () => {
    const conv = buildConversation('3.3')
    const flow = new TcpFlow({ ip: '192.168.1.10', port: 50000 }, { ip: '192.168.1.50', port: 6668 }).open(conv.frames[0]!.timeUs - 1000)
    for (const f of conv.frames) flow.send(f.from, f.bytes, f.timeUs)
    const pcap = writePcap(flow.packets)
    const cut = await runDecode(['-', '--key', LOCAL_KEY], { readStdin: async () => pcap.subarray(0, pcap.length - 5) })
    assert.equal(cut.code, 1)
    assert.match(cut.err.at(-1)!, /stdin is damaged: record \d+: .* \(at byte offset \d+\); the packets before it were decoded/)
    const empty = await runDecode(['-'], { readStdin: async () => writePcap([]) })
    assert.equal(empty.code, 1)
    assert.match(empty.err.at(-1)!, /no Tuya frames in stdin/)
    const missing = await runDecode([join(dir, 'missing.pcap'), '--key', LOCAL_KEY])
    assert.equal(missing.code, 1)
    assert.match(missing.err[0]!, /cannot read .*missing\.pcap/)
  })

  it('the flags parse as the dispatcher parses them', () => {
    const command = createDecodeCommand()
    const args = parseArgs(['x.pcap', '--device-port', '16668', '--show-keys'], command.flags)
    assert.deepEqual(args.positionals, ['x.pcap'])
    assert.equal(args.values['device-port'], 16668)
  })
})

describe('tuya decode: what a new user hit (issue 14, point 5)', () => {
  it('--device names its devices.json entry as the key source of a capture, never "--key"', async () => {
    const conv = buildConversation('3.3')
    const flow = new TcpFlow({ ip: '192.168.1.10', port: 50000 }, { ip: '192.168.1.77', port: 6668 }).open(conv.frames[0]!.timeUs - 1000)
    for (const f of conv.frames) flow.send(f.from, f.bytes, f.timeUs)
    const file = join(dir, 'desk.pcap')
    writeFileSync(file, writePcap(flow.packets))
    const devicesFile = join(dir, 'desk-devices.json')
    writeFileSync(devicesFile, JSON.stringify([{ id: DEV_ID, name: 'Desk bulb', key: LOCAL_KEY, version: '3.3' }]))
    const r = await runDecode([file, '--device', 'Desk bulb', '--devices', devicesFile])
    assert.equal(r.code, 0, r.err.join('\n'))
    const header = r.out.find((l) => l.includes('* TCP '))
    assert.match(header ?? '', /; key: devices\.json "Desk bulb" \(--device\)$/)
    assert.ok(!r.out.some((l) => l.includes('key: --key')), r.out.join('\n'))
  })

  it('a short hex argument is a frame too short to decode, not a file name', async () => {
    const r = await runDecode(['000055aa0000'])
    assert.equal(r.code, 1)
    assert.doesNotMatch([...r.out, ...r.err].join('\n'), /ENOENT|cannot read/)
    assert.equal(r.out.length, 1, r.out.join('\n'))
    assert.match(r.out[0]!, /error: .*6 bytes/)
  })

  it('a 3.3 frame with one bad CRC byte and no --version is a CRC mismatch, not a 3.4 length error', async () => {
    const good = parseHex(README_HEX)
    const bad = good.slice()
    bad[bad.length - 6] = bad[bad.length - 6]! ^ 0x01
    const r = await runDecode([bytesToHex(bad), '--key', README_KEY, '--json'])
    assert.equal(r.code, 1)
    const obj = JSON.parse(r.out[0]!) as { version: string; error: { code: string; message: string } }
    assert.equal(obj.error.code, 'TUYA_ERR_CRC')
    assert.match(obj.error.message, /^CRC mismatch: damaged frame/)
    assert.equal(obj.version, '3.3')
    const human = await runDecode([bytesToHex(bad), '--key', README_KEY])
    assert.doesNotMatch(human.out[0]!, /v3\.4|length/)
  })
})
