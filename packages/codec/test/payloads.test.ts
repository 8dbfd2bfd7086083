/**
 * Request builders (PROTOCOL.md §8.2, §9, §10) and parseDevicePayload (§8.3, §10, §11).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  buildControlRequest,
  buildDev22StatusRequest,
  buildHeartbeatRequest,
  buildRefreshRequest,
  buildStatusRequest,
  buildStatusRequestNew,
  buildSubdeviceListRequest,
  CMD,
  DataFormatError,
  DataUnvalidError,
  decodeFrame,
  DeviceError,
  DevIdNotFoundError,
  encodeFrame,
  NotJsonError,
  ParseDataError,
  parseDevicePayload,
  TuyaError,
  type ProtocolVersion,
  type RequestContext,
} from '../src/index.ts'

const devId = 'bf1234567890abcdefgh'
const cid = 'a4c1380f4cd8e7b2'
const t = 1700000000
const ctx = (version: ProtocolVersion, extra: Partial<RequestContext> = {}): RequestContext => ({ version, devId, t, ...extra })
const text = (r: { payload: unknown }) => JSON.stringify(r.payload)
const bytes = (s: string) => new TextEncoder().encode(s)

describe('request builders', () => {
  it('status: 3.1/3.3 DP_QUERY with string t, 3.2 device22, 3.4/3.5 DP_QUERY_NEW {}', () => {
    for (const v of ['3.1', '3.3'] as const) {
      const r = buildStatusRequest(ctx(v))
      assert.equal(r.cmd, CMD.DP_QUERY)
      assert.equal(text(r), `{"gwId":"${devId}","devId":"${devId}","uid":"${devId}","t":"${t}"}`)
    }
    const r32 = buildStatusRequest(ctx('3.2'))
    assert.equal(r32.cmd, CMD.CONTROL_NEW)
    assert.equal(text(r32), `{"devId":"${devId}","uid":"${devId}","t":"${t}","dps":{"1":null}}`)
    for (const v of ['3.4', '3.5'] as const) assert.deepEqual(buildStatusRequest(ctx(v)), { cmd: CMD.DP_QUERY_NEW, payload: {} })
  })
  it('uid defaults to devId and can be set', () => {
    assert.equal(text(buildStatusRequest(ctx('3.3', { uid: 'u1' }))), `{"gwId":"${devId}","devId":"${devId}","uid":"u1","t":"${t}"}`)
  })
  it('status new form', () => {
    assert.equal(text(buildStatusRequestNew(ctx('3.3'))), `{"devId":"${devId}","uid":"${devId}","t":"${t}"}`)
    assert.deepEqual(buildStatusRequestNew(ctx('3.5')), { cmd: 16, payload: {} })
    assert.deepEqual(buildStatusRequestNew(ctx('3.3', { cid })), { cmd: 16, payload: { cid } })
  })
  it('control: flat on 3.1-3.3 (cmd 7 or 13), protocol 5 wrapper on 3.4/3.5', () => {
    const dps = { '1': true, '2': 50 }
    const r33 = buildControlRequest(ctx('3.3'), dps)
    assert.equal(r33.cmd, CMD.CONTROL)
    assert.equal(text(r33), `{"devId":"${devId}","uid":"${devId}","t":"${t}","dps":{"1":true,"2":50}}`)
    assert.equal(buildControlRequest(ctx('3.3'), dps, { cmd: 13 }).cmd, CMD.CONTROL_NEW)
    const r34 = buildControlRequest(ctx('3.4'), dps)
    assert.equal(r34.cmd, CMD.CONTROL_NEW)
    assert.equal(text(r34), `{"protocol":5,"t":${t},"data":{"dps":{"1":true,"2":50}}}`)
  })
  it('gateway children (cid): §10 forms', () => {
    assert.deepEqual(buildStatusRequest(ctx('3.3', { cid })), { cmd: 10, payload: { t, cid } })
    assert.deepEqual(buildStatusRequest(ctx('3.4', { cid })), { cmd: 16, payload: { cid } })
    assert.equal(text(buildControlRequest(ctx('3.3', { cid }), { '1': true })), `{"t":${t},"cid":"${cid}","dps":{"1":true}}`)
    assert.equal(
      text(buildControlRequest(ctx('3.5', { cid }), { '1': true })),
      `{"protocol":5,"t":${t},"data":{"cid":"${cid}","ctype":0,"dps":{"1":true}},"cid":"${cid}"}`,
    )
    assert.equal(text(buildSubdeviceListRequest(ctx('3.3'))), '{"reqType":"subdev_online_stat_query","data":{"cids":[]}}')
    assert.equal(buildSubdeviceListRequest(ctx('3.5')).cmd, CMD.LAN_EXT_STREAM)
  })
  it('heartbeat and refresh', () => {
    assert.deepEqual(buildHeartbeatRequest(ctx('3.5')), { cmd: 9, payload: { gwId: devId, devId } })
    assert.deepEqual(buildRefreshRequest(ctx('3.3'), [18, '19', 20]), { cmd: 18, payload: { dpId: [18, 19, 20] } })
  })
  it('device22: CONTROL_NEW with null DPs, DP 1 always included', () => {
    const r = buildDev22StatusRequest(ctx('3.3'), [2, 3, 10])
    assert.equal(r.cmd, CMD.CONTROL_NEW)
    assert.equal(text(r), `{"devId":"${devId}","uid":"${devId}","t":"${t}","dps":{"1":null,"2":null,"3":null,"10":null}}`)
    assert.equal(text(buildDev22StatusRequest(ctx('3.4'), [1])), `{"devId":"${devId}","uid":"${devId}","t":"${t}","dps":{"1":null}}`)
  })
  it('serialises compactly without touching spaces inside strings (pitfall 18)', () => {
    const r = buildControlRequest(ctx('3.3'), { '5': 'a b  c' })
    const frame = encodeFrame({ version: '3.3', key: '4a5e1f0c9b2d7e38', seq: 1, ...r })
    const back = decodeFrame(frame, { version: '3.3', key: '4a5e1f0c9b2d7e38', direction: 'toDevice' })
    assert.equal(back.text, `{"devId":"${devId}","uid":"${devId}","t":"${t}","dps":{"5":"a b  c"}}`)
  })
  it('bad arguments', () => {
    assert.throws(() => buildStatusRequest(ctx('3.3', { t: Date.UTC(2024, 0) })), { name: 'RangeError', message: /ctx\.t.*seconds/ })
    assert.throws(() => buildStatusRequest(ctx('3.3', { t: 1.5 })), RangeError)
    assert.throws(() => buildStatusRequest({ version: '3.3', t } as RequestContext), { name: 'TypeError', message: /ctx\.devId/ })
    assert.throws(() => buildStatusRequest(ctx('3.0' as ProtocolVersion)), { name: 'RangeError', message: /ctx\.version/ })
    assert.throws(() => buildControlRequest(ctx('3.3'), { '1': {} as never }), { name: 'TypeError', message: /dps\["1"\]/ })
    assert.throws(() => buildControlRequest(ctx('3.3'), [] as never), { name: 'TypeError', message: /dps/ })
    assert.throws(() => buildControlRequest(ctx('3.3'), {}, { cmd: 8 }), { name: 'RangeError', message: /options\.cmd/ })
    assert.throws(() => buildRefreshRequest(ctx('3.3'), [-1]), { name: 'RangeError', message: /dpIds\[0\]/ })
    assert.throws(() => buildDev22StatusRequest(ctx('3.3'), 'x' as never), { name: 'TypeError', message: /dpIds/ })
    assert.throws(() => buildStatusRequest(ctx('3.3', { cid: '' })), { name: 'TypeError', message: /ctx\.cid/ })
  })
})

const frame = (payload: string | Uint8Array, retcode = 0, cmd = 8) => ({ cmd, retcode, payload: typeof payload === 'string' ? bytes(payload) : payload })

describe('parseDevicePayload', () => {
  it('an empty payload is an acknowledgement, whatever the retcode (§11)', () => {
    assert.deepEqual(parseDevicePayload(frame('')), { type: 'ack' })
    assert.deepEqual(parseDevicePayload(frame('', 1, 7)), { type: 'ack' })
  })
  it('status reply shapes of §8.3', () => {
    const dps = { '1': true, '2': 0, '3': 'white' }
    assert.deepEqual(parseDevicePayload(frame(`{"devId":"${devId}","dps":{"1":true,"2":0,"3":"white"}}`)), {
      type: 'dps',
      dps,
      devId,
      json: { devId, dps },
    })
    assert.deepEqual(parseDevicePayload(frame('{"dps":{"1":true,"2":0,"3":"white"}}')), { type: 'dps', dps, json: { dps } })
    const m = parseDevicePayload(frame(`{"dps":{"1":true},"devId":"${devId}"}`))
    assert.equal(m.type === 'dps' && m.devId, devId)
  })
  it('normalises data.dps and takes t/devId/cid from the top level or from data', () => {
    const m = parseDevicePayload(frame(`{"protocol":4,"t":${t},"data":{"dps":{"1":false},"devId":"${devId}"}}`))
    assert.equal(m.type, 'dps')
    if (m.type !== 'dps') return
    assert.deepEqual(m.dps, { '1': false })
    assert.equal(m.t, t)
    assert.equal(m.devId, devId)
    assert.equal(m.cid, undefined)
    assert.deepEqual(m.json, { protocol: 4, t, data: { dps: { '1': false }, devId } })
  })
  it('gateway pushes carry the child cid; without cid the push is the gateway’s own', () => {
    const a = parseDevicePayload(frame(`{"cid":"${cid}","dps":{"1":false},"t":${t}}`))
    assert.equal(a.type === 'dps' && a.cid, cid)
    const b = parseDevicePayload(frame(`{"protocol":4,"t":${t},"data":{"cid":"${cid}","dps":{"1":false}}}`))
    assert.equal(b.type === 'dps' && b.cid, cid)
    const c = parseDevicePayload(frame(`{"dps":{"1":false},"t":${t}}`))
    assert.equal(c.type === 'dps' && c.cid, undefined)
  })
  it('t as a string of digits becomes a number; replies with whitespace parse', () => {
    const m = parseDevicePayload(frame(`{ "devId" : "${devId}", "dps" : { "1" : true }, "t" : "${t}" }`))
    assert.equal(m.type === 'dps' && m.t, t)
  })
  it('JSON without dps is returned as json (LAN_EXT_STREAM replies, arrays)', () => {
    const report = '{"reqType":"subdev_online_stat_report","data":{"online":["a"],"offline":[]}}'
    assert.deepEqual(parseDevicePayload(frame(report, 0, 64)), { type: 'json', json: JSON.parse(report) })
    assert.deepEqual(parseDevicePayload(frame('[1,2]')), { type: 'json', json: [1, 2] })
  })
  it('uses a decoded frame’s json when present', () => {
    const m = parseDevicePayload({ cmd: 8, retcode: 0, payload: bytes('ignored'), json: { dps: { '9': 1 } } })
    assert.deepEqual(m.type === 'dps' && m.dps, { '9': 1 })
  })
  it('error texts become DeviceError subclasses with text and retcode', () => {
    const cases = [
      ['json obj data unvalid', DataUnvalidError, 'TUYA_ERR_DATA_UNVALID'],
      ['data format error', DataFormatError, 'TUYA_ERR_DATA_FORMAT'],
      ['parse data error', ParseDataError, 'TUYA_ERR_PARSE_DATA'],
      ['devid not found', DevIdNotFoundError, 'TUYA_ERR_DEVID_NOT_FOUND'],
      ['something else', DeviceError, 'TUYA_ERR_DEVICE'],
    ] as const
    for (const [msg, cls, code] of cases) {
      const m = parseDevicePayload(frame(msg, 1, 10))
      assert.equal(m.type, 'error')
      if (m.type !== 'error') continue
      assert.ok(m.error instanceof cls, msg)
      assert.ok(m.error instanceof DeviceError && m.error instanceof TuyaError)
      assert.equal(m.error.code, code)
      assert.equal(m.error.name, cls.name)
      assert.equal(m.error.text, msg)
      assert.equal(m.error.retcode, 1)
      assert.match(m.error.message, new RegExp(msg))
    }
    assert.ok(!(new DataFormatError('x') instanceof DataUnvalidError))
  })
  it('binary or broken JSON payloads are NotJsonError', () => {
    assert.throws(() => parseDevicePayload(frame(Uint8Array.of(0xff, 0xfe, 0x00))), NotJsonError)
    assert.throws(() => parseDevicePayload(frame('{"dps":')), NotJsonError)
    assert.throws(() => parseDevicePayload({ cmd: 8, payload: 'x' } as never), { name: 'TypeError', message: /payload/ })
  })
})
