/**
 * sniffFrame against every golden frame: the versions it names always include the frame's
 * own, without any key; and the facts table agrees with the codec's own behaviour.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { crc32 } from '@tuya/crypto'
import { decodeFrame, encodeFrame, PROTOCOL_VERSIONS, readU32, sniffFrame, VERSION_FACTS, writeU32 } from '../src/index.ts'
import { DATA_FRAME_CASES, h, HANDSHAKE_CASES } from './helpers.ts'

describe('sniffFrame', () => {
  it('names the frame’s own version among those that fit, for every golden frame', () => {
    for (const c of [...DATA_FRAME_CASES, ...HANDSHAKE_CASES]) {
      const sniff = sniffFrame(h(c.frameHex))
      assert.ok(sniff.versions.includes(c.version), `${c.file} ${c.name}: ${sniff.versions.join(',')} should include ${c.version}`)
      assert.equal(sniff.hasCrc, VERSION_FACTS[c.version].integrity === 'crc', `${c.file} ${c.name}`)
      assert.equal(sniff.seq, c.seq)
      assert.equal(sniff.cmd, c.cmd)
    }
  })

  it('tells 3.1-3.3 (CRC) from 3.4 (HMAC) and 3.5 (6699) apart', () => {
    const key = '0123456789abcdef'
    const of = (version: '3.3' | '3.4' | '3.5') => sniffFrame(encodeFrame({ version, key, seq: 1, cmd: 7, payload: { dps: { '1': true } } }))
    assert.deepEqual(of('3.3').versions, ['3.1', '3.2', '3.3'])
    assert.deepEqual(of('3.4').versions, ['3.4'])
    assert.deepEqual(of('3.5').versions, ['3.5'])
  })

  it('reads the clear version header of a 3.3 client CONTROL and of a device frame after its retcode', () => {
    const key = '0123456789abcdef'
    assert.equal(sniffFrame(encodeFrame({ version: '3.3', key, seq: 1, cmd: 7, payload: { dps: { '1': true } } })).headerVersion, '3.3')
    const push = encodeFrame({ version: '3.3', key, seq: 0, cmd: 8, direction: 'fromDevice', retcode: 0, payload: { dps: { '1': true } }, header: true })
    assert.equal(sniffFrame(push).headerVersion, '3.3')
    assert.equal(sniffFrame(encodeFrame({ version: '3.3', key, seq: 2, cmd: 10, payload: { gwId: 'x' } })).headerVersion, undefined, 'queries carry no header (§5.1)')
  })

  it('a 55AA frame whose CRC is damaged no longer fits 3.1-3.3', () => {
    const frame = encodeFrame({ version: '3.3', key: '0123456789abcdef', seq: 1, cmd: 10, payload: { gwId: 'x' } })
    const at = frame.length - 8
    writeU32(frame, at, readU32(frame, at) ^ 1)
    assert.equal(sniffFrame(frame).hasCrc, false)
    writeU32(frame, at, crc32(frame, 0, at))
    assert.equal(sniffFrame(frame).hasCrc, true)
  })
})

describe('VERSION_FACTS', () => {
  it('has every version, frozen, and its format and integrity match the frames the codec builds', () => {
    assert.deepEqual(Object.keys(VERSION_FACTS), [...PROTOCOL_VERSIONS])
    for (const version of PROTOCOL_VERSIONS) {
      const facts = VERSION_FACTS[version]
      assert.ok(Object.isFrozen(facts))
      assert.equal(facts.version, version)
      const frame = encodeFrame({ version, key: '0123456789abcdef', seq: 1, cmd: 9 })
      assert.equal(sniffFrame(frame).format, facts.format, version)
      assert.equal(facts.hasHandshake, facts.integrity !== 'crc', `${version}: 3.4/3.5 negotiate a session key`)
      // A 3.1 query travels in clear: its JSON is readable without the key.
      const query = encodeFrame({ version, key: '0123456789abcdef', seq: 1, cmd: 10, payload: { gwId: 'x' } })
      const isClear = new TextDecoder().decode(query).includes('"gwId"')
      assert.equal(isClear, facts.sendsClearQueries, version)
      assert.equal(decodeFrame(frame, { version, key: '0123456789abcdef', direction: 'toDevice' }).version, version)
    }
  })

  it('gives the auto probe one frame per distinguishable version, seqs 1, 2, 3 ... in version order', () => {
    const probed = PROTOCOL_VERSIONS.filter((v) => VERSION_FACTS[v].probeSeq !== undefined)
    assert.deepEqual(probed.map((v) => VERSION_FACTS[v].probeSeq), probed.map((_, i) => i + 1))
    // Every format/integrity pair is probed, so every device answers one of the frames.
    const kinds = (vs: readonly string[]) => new Set(vs.map((v) => `${VERSION_FACTS[v as '3.1'].format}/${VERSION_FACTS[v as '3.1'].integrity}`))
    assert.deepEqual(kinds(probed), kinds(PROTOCOL_VERSIONS))
  })
})
