/**
 * transcripts.json: loopback conversations between the reference client (tinytuya) and the
 * reference simulator (tuyamock). The client frames are replayed into the mock unchanged; the
 * mock must accept every one and report the same data. Where the simulator differs from real
 * devices (PROTOCOL.md §17: full status instead of empty ack + push, wrapped replies, header on
 * every reply, seq echo on 3.4, error with retcode 0), the mock follows real devices and the
 * assertion says which convention it checks.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { decodeFrame, type DecodedFrame, type ProtocolVersion } from '@tuya/codec'
import { bytesToHex, hexToBytes } from '@tuya/crypto'
import { CoreClient, makeCore, queuedRandom, writes } from './helpers/core.ts'

interface TFrame { dir: 'c2d' | 'd2c'; cmd: number; seqno: number; retcode: number | null; header_hex: string | null; app_text: string | null; app_hex: string | null; frame_hex: string }
interface Step { call: string; client_result: unknown; connections: Array<{ frames: TFrame[] }> }
interface Scenario { version: ProtocolVersion; simulator_dev22: boolean; steps: Step[] }

const data = JSON.parse(readFileSync(new URL('./vectors/transcripts.json', import.meta.url), 'utf8'))
const scenarios = data.scenarios as Scenario[]
const DPS = { '1': true, '2': 0, '3': 'white' }

function dpsIn(json: unknown): Record<string, unknown> | undefined {
  const j = json as { dps?: Record<string, unknown>; data?: { dps?: Record<string, unknown> } } | undefined
  return j?.dps ?? j?.data?.dps
}

for (const scenario of scenarios) {
  const { version } = scenario
  const hasSession = version === '3.4' || version === '3.5'
  describe(`transcripts ${version}${scenario.simulator_dev22 ? ' (device22)' : ''}`, () => {
    // One device for the whole scenario: state carries over from call to call, as in the capture.
    const nonces = Array.from({ length: 20 }, () => data.device_nonce_hex as string)
    const core = makeCore({ version, id: data.device_id, localKey: data.local_key_ascii, dps: DPS, dev22: scenario.simulator_dev22, random: queuedRandom({ 16: nonces }) })
    const sessionKey = hasSession ? hexToBytes(data.session_keys_hex[version]) : undefined

    for (const step of scenario.steps) {
      it(step.call, () => {
        const ours: DecodedFrame[] = []
        const theirs: TFrame[] = []
        let firstRequestSeq: number | undefined
        for (const connection of step.connections) {
          const client = new CoreClient(core)
          for (const f of connection.frames) {
            if (f.dir === 'd2c') {
              theirs.push(f)
              continue
            }
            if (f.cmd !== 3 && f.cmd !== 5) firstRequestSeq ??= f.seqno
            for (const bytes of writes(client.feed(f.frame_hex), client.id)) {
              const isResp = new DataView(bytes.buffer, bytes.byteOffset).getUint32(hasSession && version === '3.5' ? 10 : 8) === 4
              ours.push(decodeFrame(bytes, { version, key: isResp || sessionKey === undefined ? data.local_key_ascii : sessionKey }))
            }
          }
          if (step.call.includes('device push')) ours.push(...writes(core.setDps({ '2': 7 }), client.id).map((b) => decodeFrame(b, { version, key: sessionKey ?? data.local_key_ascii })))
        }

        // The handshake: same device nonce and HMAC as the simulator (seq: own counter, by design).
        const theirResp = theirs.find((f) => f.cmd === 4)
        if (theirResp !== undefined) assert.equal(bytesToHex(ours.find((f) => f.cmd === 4)!.payload), theirResp.app_hex)

        // Same data reported, whatever the framing convention.
        const reported = (frames: Array<{ json?: unknown; text?: string | null }>) => Object.assign({}, ...frames.map((f) => dpsIn(f.json) ?? {}))
        const theirData = reported(theirs.map((f) => ({ json: f.app_text?.startsWith('{') ? JSON.parse(f.app_text) : undefined })))
        assert.deepEqual(reported(ours), theirData, 'the mock reports the same DPs as the simulator')
        const result = step.client_result as { dps?: unknown; status?: { dps?: unknown } } | null
        if (result?.dps !== undefined) assert.deepEqual(reported(ours), result.dps)

        const data2 = ours.filter((f) => f.cmd !== 4)
        const requestCmds = new Set(theirs.filter((f) => f.cmd !== 4 && f.cmd !== 8).map((f) => f.cmd))
        for (const cmd of requestCmds) assert.ok(data2.some((f) => f.cmd === cmd), `a reply with cmd ${cmd}, like the simulator's`)
        if (/set_value|updatedps/.test(step.call)) {
          const reply = data2.find((f) => f.cmd !== 8)!
          assert.equal(reply.payload.length, 0, 'real devices ack with an empty frame (the simulator sends a full status)')
          assert.ok(data2.some((f) => f.cmd === 8), '... and report the values as a STATUS push')
        }
        for (const f of theirs.filter((t) => t.app_text === 'json obj data unvalid')) {
          const mine = data2.find((o) => o.cmd === f.cmd)!
          assert.deepEqual([mine.text, mine.retcode, mine.header], [f.app_text, 1, undefined], 'real devices: retcode 1 and no header on errors (the simulator: 0 and a header)')
        }
        if (!hasSession && firstRequestSeq !== undefined) {
          const reply = data2.find((f) => f.cmd !== 8 && f.cmd !== 9)
          if (reply !== undefined) assert.equal(reply.seq, firstRequestSeq, '3.1-3.3 replies echo the request seq')
          for (const f of data2.filter((o) => o.cmd === 8 || o.cmd === 9)) assert.equal(f.seq, 0, 'pushes and heartbeat replies carry seq 0 on 3.1-3.3 (the simulator numbers them)')
        }
      })
    }
  })
}
