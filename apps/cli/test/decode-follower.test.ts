/**
 * `tuya decode` on top of @tuya/session's follower: what the follower sees (probe frames of
 * other versions, proofs, the session key) shows in the records, with or without directions.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CMD, encodeFrame, sniffFrame, type ProtocolVersion } from '@tuya/codec'
import { bytesToHex, concatBytes, hmacSha256, utf8ToBytes } from '@tuya/crypto'
import { AUTO_PROBE, createSession, type HandshakeVersion } from '@tuya/session'
import { ConversationDecoder, decodeHexFrames, type FrameRecord } from '../src/decode/index.ts'
import { DEV_ID, LOCAL_KEY } from './fixtures/conversation.ts'

const KEY = utf8ToBytes(LOCAL_KEY)
const query = { gwId: DEV_ID, devId: DEV_ID, uid: DEV_ID, t: '1700000000' }

function frames(records: readonly { kind: string }[]): FrameRecord[] {
  return records.filter((r): r is FrameRecord => r.kind === 'frame')
}

/** The frames a client with version 'auto' opens with, then the 3.5 device's handshake with it. */
function autoProbeThen35(): string[] {
  const probes = AUTO_PROBE.filter((p) => p.version !== '3.5').map(({ version, seq }) =>
    version === '3.4'
      ? createSession({ role: 'client', version, localKey: KEY, firstSeq: seq }).start().send[0]!
      : encodeFrame({ version, key: KEY, seq, cmd: CMD.DP_QUERY, payload: query }),
  )
  const client = createSession({ role: 'client', version: '3.5', localKey: KEY, firstSeq: 4 })
  const device = createSession({ role: 'device', version: '3.5', localKey: KEY, firstSeq: 100 })
  const [start] = client.start().send
  const [resp] = device.receive(start!).send
  const [finish] = client.receive(resp!).send
  const data = encodeFrame({ version: '3.5', key: client.sessionKey!, seq: client.nextSeq, cmd: CMD.DP_QUERY_NEW, payload: {} })
  return [...probes, start!, resp!, finish!, data].map(bytesToHex)
}

describe('tuya decode follows the negotiation with the session follower', () => {
  for (const direction of [undefined, 'toDevice'] as const) {
    it(`the auto probe's frames of other versions are labelled probes${direction === undefined ? ' (without --direction: its START), and the 3.5 conversation decodes' : ' (with --direction: all three)'}`, () => {
      const hex = autoProbeThen35()
      // With --direction every frame is the client's: only the probes and the client's frames are checked then.
      const { records } = decodeHexFrames(direction === undefined ? hex : hex.slice(0, 4), { key: KEY, version: '3.5', ...(direction === undefined ? {} : { direction }) })
      const list = frames(records)
      // A START names its sender, so it is a probe either way; a query is a client frame only when told.
      const expected = direction === undefined ? [[1, undefined], [2, undefined], [3, '3.4']] : [[1, '3.1'], [2, '3.3'], [3, '3.4']]
      assert.deepEqual(list.slice(0, 3).map((f) => [f.seq, f.probe]), expected)
      for (const f of list.slice(0, 3).filter((x) => x.probe !== undefined)) assert.match(f.info!, /^version probe \(3\.[134]\): the client tried 3\.[134]; this device speaks 3\.5$/)
      assert.equal(list[3]!.probe, undefined)
      assert.match(list[3]!.info!, /^client nonce [0-9a-f]{32}$/)
      if (direction !== undefined) return
      assert.match(list[4]!.info!, /^device nonce [0-9a-f]{32}, proof ok$/)
      assert.equal(list[5]!.info, 'proof ok')
      assert.deepEqual(list[6]!.json, {})
      assert.ok(records.some((r) => r.kind === 'notice' && /^session key derived \(3\.5/.test((r as { message: string }).message)))
      assert.deepEqual(list.filter((f) => f.error !== undefined).map((f) => f.seq), [1, 2])
    })
  }

  for (const version of ['3.4', '3.5'] as HandshakeVersion[]) {
    it(`${version}: a RESP and a FINISH proving another local key say MISMATCH`, () => {
      const start = createSession({ role: 'client', version, localKey: KEY }).start().send[0]!
      const cn = new Uint8Array(16)
      const decoder = new ConversationDecoder({ version, localKey: KEY })
      cn.set(decoder.decode(start, 'toDevice').decoded!.payload.subarray(0, 16))
      const dn = new Uint8Array(16).fill(9)
      const other = utf8ToBytes('fedcba9876543210')
      const resp = encodeFrame({ version, key: KEY, direction: 'fromDevice', seq: 5, cmd: CMD.SESS_KEY_NEG_RESP, payload: concatBytes(dn, hmacSha256(other, cn)), header: false })
      const finish = encodeFrame({ version, key: KEY, seq: 2, cmd: CMD.SESS_KEY_NEG_FINISH, payload: hmacSha256(other, dn), header: false })
      assert.match(decoder.decode(resp, 'fromDevice').frame.info!, /proof MISMATCH \(wrong local key on one side\)$/)
      assert.equal(decoder.decode(finish, 'toDevice').frame.info, 'proof MISMATCH (the device will close the connection)')
      assert.equal(decoder.hasSessionKey, true)
    })
  }

  it('RESP without START and FINISH without RESP are said so', () => {
    const device = createSession({ role: 'device', version: '3.4', localKey: KEY })
    const client = createSession({ role: 'client', version: '3.4', localKey: KEY })
    const [start] = client.start().send
    const [resp] = device.receive(start!).send
    const [finish] = client.receive(resp!).send
    const decoder = new ConversationDecoder({ version: '3.4', localKey: KEY })
    assert.equal(decoder.decode(finish!, 'toDevice').frame.info, 'FINISH without RESP')
    const answered = decoder.decode(resp!, 'fromDevice')
    assert.match(answered.frame.info!, /START not seen: no session key$/)
    assert.deepEqual(answered.notices.map((n) => n.level), ['warning'])
    assert.equal(decoder.hasSessionKey, false)
  })

  it('a 3.1 frame with a damaged CRC names 3.1, the version its own bytes show', () => {
    const bytes = encodeFrame({ version: '3.1' as ProtocolVersion, key: KEY, seq: 1, cmd: CMD.DP_QUERY, payload: query })
    bytes[bytes.length - 5]! ^= 0xff
    assert.equal(sniffFrame(bytes).hasCrc, false, 'the CRC32 trailer is broken')
    const [frame] = frames(decodeHexFrames([bytesToHex(bytes)], { key: KEY }).records)
    assert.equal(frame!.error!.code, 'TUYA_ERR_CRC')
    assert.equal(frame!.version, '3.1')
    assert.match(frame!.error!.message, /^CRC mismatch: damaged frame \(it decodes as 3\.1 apart from its CRC32 trailer/)
  })
})
