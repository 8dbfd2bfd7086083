/**
 * `tuya decode` on captures of the CLI's own default traffic: `tuya get` without `--version`
 * (the client probes 3.1, 3.3, 3.4 and 3.5 at once, then talks the version that answered)
 * against @tuya/mock of every version, recorded by a relay on 127.0.0.1 and written as pcap.
 * Each capture decodes with the version guessed per connection, the probes labelled as
 * probes, and zero failed frames.
 */
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { utf8ToBytes } from '@tuya/crypto'
import { createMockDevice } from '@tuya/mock'
import { decodeCapture, type FrameRecord, type NoticeRecord } from '../src/decode/index.ts'
import { KEY, runCli, tempDir } from './fixtures/device-cli.ts'
import { startRecorder } from './fixtures/loopback-recorder.ts'

const ID = 'bf1234567890abcdefgh'
const dir = tempDir()
after(() => dir.remove())

/** Runs `tuya get` (version auto) through the relay; returns the capture. */
async function captureGet(version: '3.1' | '3.3' | '3.4' | '3.5'): Promise<{ pcap: Uint8Array; devicePort: number }> {
  const mock = await createMockDevice({ version, id: ID, localKey: KEY, dps: { '1': true, '2': 42 } })
  const recorder = await startRecorder(mock.port)
  try {
    const run = await runCli(['get', '--host', '127.0.0.1', '--port', String(recorder.port), '--id', ID, '--key', KEY, '--json', '--timeout', '5'])
    assert.equal(run.code, 0, run.err.join('\n'))
    assert.deepEqual(JSON.parse(run.out[0]!), { dps: { '1': true, '2': 42 } })
    await new Promise((resolve) => setTimeout(resolve, 50))
    return { pcap: recorder.toPcap(mock.port), devicePort: mock.port }
  } finally {
    await recorder.close()
    await mock.close()
  }
}

const PROBES: Readonly<Record<string, { seq: number; cmdName: string }>> = {
  '3.1': { seq: 1, cmdName: 'DP_QUERY' },
  '3.3': { seq: 2, cmdName: 'DP_QUERY' },
  '3.4': { seq: 3, cmdName: 'SESS_KEY_NEG_START' },
  '3.5': { seq: 4, cmdName: 'SESS_KEY_NEG_START' },
}

describe('tuya decode: captures of tuya get with version auto', () => {
  for (const version of ['3.1', '3.3', '3.4', '3.5'] as const) {
    it(`${version} mock: version guessed from the frames, the probes labelled, 0 failed frames`, { timeout: 30_000 }, async () => {
      const { pcap } = await captureGet(version)
      const result = decodeCapture(pcap, { key: utf8ToBytes(KEY) })
      const frames = result.records.filter((r): r is FrameRecord => r.kind === 'frame')
      const failed = frames.filter((f) => f.error !== undefined)
      assert.deepEqual(failed.map((f) => `seq=${f.seq} ${f.cmdName} ${f.error?.message}`), [], 'no failed frame')
      assert.equal(result.stats.failedFrames, 0)
      const header = result.records.find((r): r is NoticeRecord => r.kind === 'notice' && r.message.startsWith('TCP '))
      assert.match(header?.message ?? '', new RegExp(`; version ${version.replace('.', '\\.')} \\(`), header?.message)
      const probes = frames.filter((f) => f.probe !== undefined)
      const expected = Object.entries(PROBES).filter(([v]) => v !== version)
      assert.deepEqual(probes.map((f) => [f.probe, f.seq, f.cmdName]).sort(), expected.map(([v, p]) => [v, p.seq, p.cmdName]).sort(), 'the other versions\' probes')
      for (const p of probes) assert.equal(p.direction, 'toDevice')
      const own = frames.find((f) => f.seq === PROBES[version]!.seq && f.direction === 'toDevice')
      assert.ok(own !== undefined && own.probe === undefined && own.version === version, `the ${version} probe is the conversation's own first frame`)
      const replies = frames.filter((f) => f.direction === 'fromDevice' && JSON.stringify(f.json ?? null).includes('"2":42'))
      assert.ok(replies.length >= 1, 'the status reply decodes to its DPs')
      for (const f of frames.filter((x) => x.probe === undefined && x.transport === 'tcp')) assert.equal(f.version, version, `seq=${f.seq} ${f.cmdName}`)
      if (version === '3.4' || version === '3.5') assert.ok(result.records.some((r) => r.kind === 'notice' && r.message.startsWith(`session key derived (${version}`)))

      const file = join(dir.path, `get-auto-${version}.pcap`)
      writeFileSync(file, pcap)
      const cli = await runCli(['decode', file, '--key', KEY, '--no-color'])
      assert.equal(cli.code, 0, cli.err.join('\n'))
      assert.doesNotMatch(cli.err.join('\n'), /failed/)
      const forced = await runCli(['decode', file, '--key', KEY, '--version', version, '--json'])
      assert.equal(forced.code, 0, `--version ${version}: ${forced.err.join('\n')}`)
      const forcedProbes = forced.out.map((l) => JSON.parse(l) as { probe?: string }).filter((l) => l.probe !== undefined)
      assert.equal(forcedProbes.length, 3, 'with --version, the other three probes are still probes')
      assert.match(cli.out.join('\n'), new RegExp(`version probe \\(3\\.${version === '3.1' ? '3' : '1'}\\)`))
    })
  }
})
