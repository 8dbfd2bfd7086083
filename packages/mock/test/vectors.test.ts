/**
 * Byte-exact agreement with the device frames of the shared golden vectors (copied into
 * test/vectors/). Those frames follow observed real-device conventions, so agreeing with them
 * is the strongest evidence that the mock is faithful: same reply shapes, headers, seq rules,
 * source-header serials, retcodes, clear-text errors.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { bytesToHex, hexToBytes } from '@tuya/crypto'
import { buildBeacon, buildSolicitationReply, PROFILES, parseSolicitation, type MockDeviceOptions } from '../src/index.ts'
import { CoreClient, eventsOf, makeCore, queuedRandom, writes, T } from './helpers/core.ts'

const load = (name: string) => JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8'))
type Case = { name: string; frame_hex: string; iv_hex?: string; seqno: number }
const byName = (file: string): Record<string, Case> => Object.fromEntries(load(file).cases.map((c: Case) => [c.name, c]))
const hex = (frames: Uint8Array[]) => frames.map(bytesToHex)

const v31 = byName('frames_v31.json')
const v32 = byName('frames_v32.json')
const v33 = byName('frames_v33.json')
const v34 = byName('frames_v34.json')
const v35 = byName('frames_v35.json')
const hs34 = load('handshake_v34.json')
const hs35 = load('handshake_v35.json')
const DPS = { '1': true, '2': 0, '3': 'white' }
const METER = { '18': 0, '19': 0, '20': 2303 }

/** A 3.4/3.5 device driven through the vector handshake, so the vector session key is in force. */
function negotiated(version: '3.4' | '3.5', options: MockDeviceOptions, ivs: string[] = []): CoreClient {
  const hs = version === '3.4' ? hs34 : hs35
  const random = queuedRandom({ 16: [hs.device_nonce_hex], 12: [hs.steps[1].iv_hex ?? '00'.repeat(12), ...ivs] })
  // seqStart is the RESP seq; the device then counts on from it (PROTOCOL.md §12).
  const client = new CoreClient(makeCore({ version, random, ...options }))
  const resp = hex(writes(client.feed(hs.steps[0].frame_hex)))
  if (options.seqStart === hs.steps[1].seqno) assert.deepEqual(resp, [hs.steps[1].frame_hex], 'RESP is byte-exact')
  else assert.equal(resp.length, 1)
  assert.equal(eventsOf(client.feed(hs.steps[2].frame_hex), 'handshake').length, 1, 'FINISH establishes the session')
  client.key = hexToBytes(hs.session_key_hex)
  client.seq = hs.after_handshake.client_next_seqno
  return client
}

describe('frames_v31.json (3.1: plaintext replies, signed and encrypted pushes)', () => {
  it('answers DP_QUERY in plaintext, acks CONTROL empty and pushes the change encrypted with seq 0', () => {
    const c = new CoreClient(makeCore({ version: '3.1', dps: DPS }))
    assert.deepEqual(hex(writes(c.feed(v31.v31_req_dp_query!.frame_hex))), [v31.v31_resp_dp_query!.frame_hex])
    assert.deepEqual(hex(writes(c.feed(v31.v31_req_control!.frame_hex))), [v31.v31_resp_control_ack!.frame_hex, v31.v31_push_status!.frame_hex])
    assert.deepEqual(hex(writes(c.feed(v31.v31_req_heart_beat!.frame_hex))), [v31.v31_resp_heart_beat!.frame_hex])
  })
})

describe('frames_v32.json (3.2: always device22, clear-text errors, version header on pushes)', () => {
  it('answers a plain DP_QUERY with the clear-text error, as a real 3.2 device did', () => {
    const c = new CoreClient(makeCore({ version: '3.2', dps: DPS }))
    assert.deepEqual(hex(writes(c.send(10, { gwId: 'x', devId: 'x' }, { seq: 1 }))), [v32.v32_resp_dp_query_error_cleartext!.frame_hex])
  })
  it('acks CONTROL / CONTROL_NEW / UPDATEDPS empty and pushes with the all-zero 3.2 header', () => {
    const c = new CoreClient(makeCore({ version: '3.2', dps: DPS }))
    assert.deepEqual(hex(writes(c.feed(v32.v32_req_control!.frame_hex))), [v32.v32_resp_control_ack!.frame_hex, v32.v32_push_status!.frame_hex])
    assert.equal(hex(writes(c.feed(v32.v32_req_control_new!.frame_hex)))[0], v32.v32_resp_control_new_ack!.frame_hex)
    assert.deepEqual(hex(writes(c.feed(v32.v32_req_heart_beat!.frame_hex))), [v32.v32_resp_heart_beat!.frame_hex])
    const meter = new CoreClient(makeCore({ version: '3.2', dps: METER }))
    assert.deepEqual(hex(writes(meter.feed(v32.v32_req_updatedps!.frame_hex))), [v32.v32_resp_updatedps_ack!.frame_hex, v32.v32_push_status_after_updatedps!.frame_hex])
  })
})

describe('frames_v33.json (3.3)', () => {
  it('status replies without header, DP_QUERY_NEW as {dps}, empty acks, pushes with a source header', () => {
    const c = new CoreClient(makeCore({ version: '3.3', dps: DPS, serialStart: 11 }))
    assert.deepEqual(hex(writes(c.feed(v33.v33_req_dp_query!.frame_hex))), [v33.v33_resp_dp_query!.frame_hex])
    assert.deepEqual(hex(writes(c.feed(v33.v33_req_dp_query_new!.frame_hex))), [v33.v33_resp_dp_query_new!.frame_hex])
    assert.deepEqual(hex(writes(c.feed(v33.v33_req_control!.frame_hex))), [v33.v33_resp_control_ack!.frame_hex, v33.v33_push_status!.frame_hex])
    assert.equal(hex(writes(c.feed(v33.v33_req_control_new!.frame_hex)))[0], v33.v33_resp_control_new_ack!.frame_hex)
    assert.deepEqual(hex(writes(c.feed(v33.v33_req_heart_beat!.frame_hex))), [v33.v33_resp_heart_beat!.frame_hex])
  })
  it('UPDATEDPS: empty ack, then a report push without devId', () => {
    const c = new CoreClient(makeCore({ version: '3.3', dps: METER, serialStart: 12 }))
    assert.deepEqual(hex(writes(c.feed(v33.v33_req_updatedps!.frame_hex))), [v33.v33_resp_updatedps_ack!.frame_hex, v33.v33_push_status_after_updatedps!.frame_hex])
  })
  it('device22: the normal query gets retcode 1 + the encrypted error text', () => {
    const c = new CoreClient(makeCore({ version: '3.3', dps: DPS, dev22: true }))
    assert.deepEqual(hex(writes(c.feed(v33.v33_req_dp_query!.frame_hex))), [v33.v33_resp_dp_query_error_unvalid!.frame_hex])
  })
})

describe('frames_v34.json + handshake_v34.json (3.4)', () => {
  it('negotiates byte-exact, then answers with its own counter', () => {
    const c = negotiated('3.4', { dps: DPS, seqStart: 4096, serialStart: 11 })
    assert.deepEqual(hex(writes(c.feed(v34.v34_req_dp_query!.frame_hex))), [v34.v34_resp_dp_query!.frame_hex])
    assert.deepEqual(hex(writes(c.feed(v34.v34_req_control!.frame_hex))), [v34.v34_resp_control_ack!.frame_hex, v34.v34_push_status!.frame_hex])
    assert.deepEqual(hex(writes(c.feed(v34.v34_req_heart_beat!.frame_hex))), [v34.v34_resp_heart_beat!.frame_hex])
  })
  it('UPDATEDPS and the device22 error', () => {
    const meter = negotiated('3.4', { dps: METER, seqStart: 4100, serialStart: 12 })
    assert.deepEqual(hex(writes(meter.feed(v34.v34_req_updatedps!.frame_hex))), [v34.v34_resp_updatedps_ack!.frame_hex, v34.v34_push_status_after_updatedps!.frame_hex])
    const dev22 = negotiated('3.4', { dps: DPS, seqStart: 4102, dev22: true })
    assert.deepEqual(hex(writes(dev22.feed(v34.v34_req_dp_query!.frame_hex))), [v34.v34_resp_dp_query_error_unvalid!.frame_hex])
  })
})

describe('frames_v35.json + handshake_v35.json (3.5)', () => {
  const ivs = (...names: string[]) => names.map((n) => v35[n]!.iv_hex!)
  it('negotiates byte-exact, status {dps,devId}, pushes with devId inside data', () => {
    const c = negotiated('3.5', { dps: DPS, seqStart: 8192, serialStart: 11 }, ivs('v35_resp_dp_query', 'v35_resp_control_ack', 'v35_push_status', 'v35_resp_heart_beat'))
    assert.deepEqual(hex(writes(c.feed(v35.v35_req_dp_query!.frame_hex))), [v35.v35_resp_dp_query!.frame_hex])
    assert.deepEqual(hex(writes(c.feed(v35.v35_req_control!.frame_hex))), [v35.v35_resp_control_ack!.frame_hex, v35.v35_push_status!.frame_hex])
    assert.deepEqual(hex(writes(c.feed(v35.v35_req_heart_beat!.frame_hex))), [v35.v35_resp_heart_beat!.frame_hex])
  })
  it('UPDATEDPS, device22-style error and data format error', () => {
    const meter = negotiated('3.5', { dps: METER, seqStart: 8196, serialStart: 12 }, ivs('v35_resp_updatedps_ack', 'v35_push_status_after_updatedps'))
    assert.deepEqual(hex(writes(meter.feed(v35.v35_req_updatedps!.frame_hex))), [v35.v35_resp_updatedps_ack!.frame_hex, v35.v35_push_status_after_updatedps!.frame_hex])
    // A 3.5 CONTROL_NEW without data.dps: retcode 1 + "data format error".
    const strict = negotiated('3.5', { dps: DPS, seqStart: 8199 }, ivs('v35_resp_control_error_format'))
    assert.deepEqual(hex(writes(strict.send(13, { protocol: 5, t: T, dps: { '1': true } }, {}))), [v35.v35_resp_control_error_format!.frame_hex])
  })
})

describe('device22.json', () => {
  const flows = load('device22.json').flows as Array<{ version: string; device_id: string; steps: Array<{ frame_hex: string; direction: string }> }>
  for (const flow of flows.filter((f) => f.version !== '3.2')) {
    it(`${flow.version}: error on the normal query, then empty ack + STATUS push of exactly the listed DPs`, () => {
      const options = { id: flow.device_id, dps: { '1': true, '7': 3 }, dev22: true, serialStart: 0x4d }
      const c = flow.version === '3.4' ? negotiated('3.4', { ...options, seqStart: 4352 }) : new CoreClient(makeCore({ version: '3.3', ...options }))
      const s = flow.steps
      assert.deepEqual(hex(writes(c.feed(s[0]!.frame_hex))), [s[1]!.frame_hex])
      assert.deepEqual(hex(writes(c.feed(s[2]!.frame_hex))), [s[3]!.frame_hex, s[4]!.frame_hex])
    })
  }
})

describe('gateway.json (sub-device pushes)', () => {
  const gw = byName('gateway.json')
  const CID = load('gateway.json').cid as string
  it('3.3 push from a child names it by cid, with a source header', () => {
    const core = makeCore({ version: '3.3', gateway: { [CID]: { '1': true } }, serialStart: 0x28 })
    const c = new CoreClient(core)
    assert.deepEqual(hex(writes(core.setDps({ '1': false }, { cid: CID }), c.id)), [gw.gw_v33_push_subdevice!.frame_hex])
  })
  it('3.4 and 3.5 pushes wrap the child in data', () => {
    const c34 = negotiated('3.4', { gateway: { [CID]: { '1': true } }, seqStart: 12287, serialStart: 0x28 })
    assert.deepEqual(hex(writes(c34.core.setDps({ '1': false }, { cid: CID }))), [gw.gw_v34_push_subdevice!.frame_hex])
    const c35 = negotiated('3.5', { gateway: { [CID]: { '1': true } }, seqStart: 12287, serialStart: 0x28 }, [gw.gw_v35_push_subdevice!.iv_hex!])
    assert.deepEqual(hex(writes(c35.core.setDps({ '1': false }, { cid: CID }))), [gw.gw_v35_push_subdevice!.frame_hex])
  })
})

describe('discovery.json (UDP beacons)', () => {
  const cases = byName('discovery.json') as Record<string, Case & { json_text: string }>
  const identity = (name: string) => {
    const j = JSON.parse(cases[name]!.json_text)
    return { ip: j.ip, gwId: j.gwId, productKey: j.productKey, uuid: j.uuid ?? '', version: j.version }
  }
  it('3.1 plaintext 55AA cmd 0, 3.3/3.4 55AA cmd 19 under ECB(udpkey), 3.5 6699 GCM', () => {
    assert.equal(bytesToHex(buildBeacon(PROFILES['3.1'], identity('udp6666_v31_plain'), queuedRandom())), cases.udp6666_v31_plain!.frame_hex)
    assert.equal(bytesToHex(buildBeacon(PROFILES['3.3'], identity('udp6667_v33_ecb'), queuedRandom())), cases.udp6667_v33_ecb!.frame_hex)
    assert.equal(bytesToHex(buildBeacon(PROFILES['3.4'], identity('udp6667_v34_ecb'), queuedRandom())), cases.udp6667_v34_ecb!.frame_hex)
    const iv = queuedRandom({ 12: [cases.udp6667_v35_gcm!.iv_hex!] })
    assert.equal(bytesToHex(buildBeacon(PROFILES['3.5'], identity('udp6667_v35_gcm'), iv)), cases.udp6667_v35_gcm!.frame_hex)
  })
  it('3.5 answers a solicitation with the capability fields', () => {
    assert.deepEqual(parseSolicitation(Buffer.from(cases.udp7000_app_request!.frame_hex, 'hex')), { ip: '192.168.1.10' })
    const iv = queuedRandom({ 12: [cases.udp7000_device_reply!.iv_hex!] })
    assert.equal(bytesToHex(buildSolicitationReply(PROFILES['3.5'], identity('udp7000_device_reply'), iv)), cases.udp7000_device_reply!.frame_hex)
    assert.equal(parseSolicitation(Buffer.from(cases.udp6667_v35_gcm!.frame_hex, 'hex')), undefined, 'a beacon is not a solicitation')
  })
})
