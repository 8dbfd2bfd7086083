/**
 * `--debug` on get, set, watch and scan against @tuya/mock on 127.0.0.1: every frame both
 * ways on stderr with time, direction, hex and the decoded JSON; stdout unchanged; the local
 * key never printed, neither as text nor as hex (the output is grepped for both).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { bytesToHex, utf8ToBytes } from '@tuya/crypto'
import { createMockDevice, type MockDevice } from '@tuya/mock'
import { createFrameDebug } from '../src/debug-frames.ts'
import { discoveryPorts, KEY, runCli, startCli, until } from './fixtures/device-cli.ts'

const ID = 'bf1234567890abcdefgh'
const KEY_HEX = bytesToHex(utf8ToBytes(KEY))
const FRAME_LINE = /^debug \d\d:\d\d:\d\d\.\d{3} (->|<-) (.+?) {2}([A-Z_0-9]+(?: \(version probe\))?|beacon|solicitation|datagram)(?: seq=\d+)? {2}(\d+) bytes {2}([0-9a-f]+)$/
const DECODED_LINE = /^ {19}(->|<-) (.+)$/

interface Frame {
  direction: string
  peer: string
  name: string
  hex: string
  decoded?: string
}

function framesOf(lines: readonly string[]): Frame[] {
  const frames: Frame[] = []
  for (const line of lines) {
    const head = FRAME_LINE.exec(line)
    if (head !== null) {
      assert.equal(Number(head[4]) * 2, head[5]!.length, `the size matches the hex: ${line}`)
      frames.push({ direction: head[1]!, peer: head[2]!, name: head[3]!, hex: head[5]! })
      continue
    }
    const decoded = DECODED_LINE.exec(line)
    if (decoded !== null && frames.length > 0) frames.at(-1)!.decoded = decoded[2]!
  }
  return frames
}

function assertNoKey(lines: readonly string[]): void {
  const text = lines.join('\n')
  assert.ok(!text.includes(KEY), 'the local key is never printed')
  assert.ok(!text.toLowerCase().includes(KEY_HEX), 'nor its hex')
}

for (const version of ['3.3', '3.5'] as const) {
  describe(`--debug, protocol ${version} device`, () => {
    let mock: MockDevice
    let flags: string[]
    before(async () => {
      mock = await createMockDevice({ version, id: ID, localKey: KEY, dps: { '1': false, '2': 50 } })
      flags = ['--host', '127.0.0.1', '--port', String(mock.port), '--id', ID, '--key', KEY, '--timeout', '5']
    })
    after(() => mock.close())

    it('get --debug (version auto): every frame both ways, hex and JSON; stdout is still only the result', async () => {
      const run = await runCli(['get', ...flags, '--json', '--debug'])
      assert.equal(run.code, 0, run.err.join('\n'))
      assert.deepEqual(run.out, ['{"dps":{"1":false,"2":50}}'])
      const frames = framesOf(run.err)
      const out = frames.filter((f) => f.direction === '->')
      const inbound = frames.filter((f) => f.direction === '<-')
      assert.ok(out.length >= 4, `the four probes at least:\n${run.err.join('\n')}`)
      assert.ok(inbound.length >= 1)
      for (const f of frames) assert.equal(f.peer, ID)
      assert.ok(frames.every((f) => f.hex.startsWith(version === '3.5' && f.direction === '<-' ? '00006699' : '0000')), 'wire bytes')
      assert.deepEqual(out.slice(0, 4).map((f) => f.name), ['DP_QUERY', 'DP_QUERY', 'SESS_KEY_NEG_START', 'SESS_KEY_NEG_START'].map((n) => `${n} (version probe)`), 'the four probes, labelled')
      assert.ok(out.slice(0, 2).every((f) => f.decoded?.includes(`"devId":"${ID}"`) === true), 'the probe queries decoded')
      assert.ok(frames.every((f) => f.decoded !== undefined && !f.decoded.startsWith('(not decoded')), `every frame decoded:\n${run.err.join('\n')}`)
      const reply = inbound.find((f) => f.decoded?.includes('"dps"') === true)
      assert.ok(reply !== undefined, `the status reply decoded:\n${run.err.join('\n')}`)
      assert.deepEqual((JSON.parse(reply.decoded!) as { dps: unknown }).dps, { '1': false, '2': 50 })
      assertNoKey([...run.out, ...run.err])
    })

    it('set --debug shows the CONTROL request as sent and decoded', async () => {
      const run = await runCli(['set', ...flags, '--version', version, '2=75', '--debug'])
      assert.equal(run.code, 0, run.err.join('\n'))
      const frames = framesOf(run.err)
      const control = frames.find((f) => f.direction === '->' && /^CONTROL/.test(f.name))
      assert.ok(control?.decoded !== undefined, run.err.join('\n'))
      assert.match(control.decoded, /"dps":\{"2":75\}/)
      assert.ok(!control.hex.includes(bytesToHex(utf8ToBytes('"2":75'))), 'the hex is the encrypted wire frame')
      assert.ok(!run.out.some((l) => l.startsWith('debug')), 'debug lines go to stderr only')
      assertNoKey([...run.out, ...run.err])
    })

    it('watch --debug shows a push as it arrives', async () => {
      const run = startCli(['watch', ...flags, '--version', version, '--debug', '--json'])
      try {
        await until(() => run.out.some((l) => l.includes('"source":"reply"')), 'the first status')
        mock.setDps({ '1': true })
        await until(() => framesOf(run.err).some((f) => f.direction === '<-' && f.decoded?.includes('"1":true') === true), 'the push frame')
      } finally {
        run.stop()
      }
      assert.equal(await run.done, 0)
      assertNoKey([...run.out, ...run.err])
    })
  })
}

describe('--debug on scan and the reporter itself', () => {
  it('scan --debug prints each beacon datagram with its hex and JSON', async () => {
    const udp = await discoveryPorts()
    const mock = await createMockDevice({ version: '3.3', id: ID, localKey: KEY, beacon: { address: '127.0.0.1', port: udp.encrypted, intervalMs: 100 } })
    try {
      const run = await runCli(['scan', '--timeout', '0.5', '--debug', ...udp.flags])
      assert.equal(run.code, 0, run.err.join('\n'))
      const beacons = framesOf(run.err).filter((f) => f.name === 'beacon')
      assert.ok(beacons.length >= 1, run.err.join('\n'))
      assert.equal(beacons[0]!.direction, '<-')
      assert.match(beacons[0]!.peer, /^udp 127\.0\.0\.1:\d+$/)
      assert.equal((JSON.parse(beacons[0]!.decoded!) as { gwId: string }).gwId, ID)
      assert.ok(beacons[0]!.hex.startsWith('000055aa'))
    } finally {
      await mock.close()
    }
  })

  it('hides the secrets it was given, as text and hex, even inside a payload', () => {
    const lines: string[] = []
    const debug = createFrameDebug({ write: (l) => lines.push(l), secrets: [KEY], now: () => Date.UTC(2024, 0, 2, 12, 0, 0) })
    debug.frame({ direction: 'in', peer: ID, name: 'DP_QUERY', bytes: `000055aa${KEY_HEX}`, decoded: `{"echo":"${KEY}"}` })
    debug.logger({ level: 'warn', deviceId: ID, message: `odd ${KEY_HEX.toUpperCase()}` })
    assertNoKey(lines)
    assert.equal(lines.length, 3)
    assert.match(lines[0]!, /<- bf1234567890abcdefgh {2}DP_QUERY {2}\d+ bytes {2}000055aa<hidden>$/)
    assert.match(lines[1]!, /<- \{"echo":"<hidden>"\}$/)
    assert.match(lines[2]!, /\*\* bf1234567890abcdefgh warn: odd <hidden>$/)
  })
})
