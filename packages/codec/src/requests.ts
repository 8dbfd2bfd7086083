/**
 * JSON request builders (PROTOCOL.md §8.2, §9, §10): the payloads the reference client
 * sends, field order included. Each returns `{ cmd, payload }` for {@link encodeFrame}.
 */
import { CMD } from './commands.ts'
import { protocolFor, type Protocol } from './protocols.ts'
import type { BuiltRequest, Dps, DpValue, RequestContext } from './types.ts'
import { checkOptions } from './validate.ts'

interface Checked {
  proto: Protocol
  devId: string
  uid: string
  cid: string | undefined
  t: number
}

// Larger than any Unix time in seconds until the year 5138: catches milliseconds by mistake.
const MAX_SECONDS = 1e11

function check(ctx: RequestContext): Checked {
  checkOptions(ctx, 'ctx')
  const proto = protocolFor(ctx.version, 'ctx.version')
  if (typeof ctx.devId !== 'string' || ctx.devId.length === 0) throw new TypeError('ctx.devId must be a non-empty string (the device id)')
  if (ctx.uid !== undefined && typeof ctx.uid !== 'string') throw new TypeError('ctx.uid must be a string')
  if (ctx.cid !== undefined && (typeof ctx.cid !== 'string' || ctx.cid.length === 0)) throw new TypeError('ctx.cid must be a non-empty string (a gateway child node id)')
  if (typeof ctx.t !== 'number' || !Number.isSafeInteger(ctx.t) || ctx.t < 0 || ctx.t >= MAX_SECONDS) {
    throw new RangeError(`ctx.t must be the Unix time in whole seconds (not milliseconds), got ${String(ctx.t)}`)
  }
  return { proto, devId: ctx.devId, uid: ctx.uid ?? ctx.devId, cid: ctx.cid, t: ctx.t }
}

function checkDps(dps: unknown): Dps {
  if (typeof dps !== 'object' || dps === null || Array.isArray(dps)) throw new TypeError('dps must be an object of DP id -> value, such as { "1": true }')
  // for...in over own keys: Object.entries would make an array per DP on every request.
  for (const id in dps) {
    if (!Object.hasOwn(dps, id)) continue
    const value = (dps as Record<string, unknown>)[id]
    const ok = value === null || typeof value === 'boolean' || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))
    if (!ok) throw new TypeError(`dps["${id}"] must be a boolean, finite number, string or null`)
  }
  return dps as Dps
}

function checkDpIds(dpIds: unknown): number[] {
  if (!Array.isArray(dpIds)) throw new TypeError('dpIds must be an array of DP ids, such as [18, 19, 20]')
  return dpIds.map((id, i) => {
    const n = typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : id
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new RangeError(`dpIds[${i}] must be a non-negative integer DP id, got ${String(id)}`)
    return n
  })
}

/** The device22 query shape: `{devId, uid, t:"T", dps:{id:null,…}}`, always with DP 1 (§9). */
function device22(c: Checked, ids: number[]): BuiltRequest {
  const dps: Record<string, DpValue> = { '1': null }
  for (const id of ids) dps[String(id)] = null
  return { cmd: CMD.CONTROL_NEW, payload: { devId: c.devId, uid: c.uid, t: String(c.t), dps } }
}

/**
 * The status request of the version: 3.1/3.3 DP_QUERY `{gwId,devId,uid,t}`, 3.2 the device22
 * form, 3.4/3.5 DP_QUERY_NEW `{}`; for a gateway child (`cid`) `{t,cid}` (cmd 10) or `{cid}` (cmd 16).
 *
 * @param ctx - version, devId, uid?, cid?, t (seconds)
 * @returns cmd and payload for encodeFrame
 * @throws TypeError or RangeError for a bad context
 * @example buildStatusRequest({ version: '3.4', devId, t }) // { cmd: 16, payload: {} }
 */
export function buildStatusRequest(ctx: RequestContext): BuiltRequest {
  const c = check(ctx)
  const { status, control } = c.proto.requests
  if (c.cid !== undefined) {
    if (control === 'legacy') return { cmd: CMD.DP_QUERY, payload: { t: c.t, cid: c.cid } }
    return { cmd: CMD.DP_QUERY_NEW, payload: { cid: c.cid } }
  }
  if (status === 'device22') return device22(c, [])
  if (status === 'empty') return { cmd: CMD.DP_QUERY_NEW, payload: {} }
  return { cmd: CMD.DP_QUERY, payload: { gwId: c.devId, devId: c.devId, uid: c.uid, t: String(c.t) } }
}

/**
 * The explicit DP_QUERY_NEW (16) request: `{devId,uid,t}` on 3.1-3.3, `{}` on 3.4/3.5, `{cid}` for a child.
 *
 * @param ctx - version, devId, uid?, cid?, t (seconds)
 * @returns cmd 16 and its payload
 * @throws TypeError or RangeError for a bad context
 */
export function buildStatusRequestNew(ctx: RequestContext): BuiltRequest {
  const c = check(ctx)
  if (c.cid !== undefined) return { cmd: CMD.DP_QUERY_NEW, payload: { cid: c.cid } }
  if (c.proto.requests.control === 'protocol5') return { cmd: CMD.DP_QUERY_NEW, payload: {} }
  return { cmd: CMD.DP_QUERY_NEW, payload: { devId: c.devId, uid: c.uid, t: String(c.t) } }
}

/**
 * A set-DPs request: 3.1-3.3 CONTROL `{devId,uid,t,dps}`, 3.4/3.5 CONTROL_NEW
 * `{protocol:5,t,data:{dps}}`; gateway children use the `cid` forms of §10.
 *
 * @param ctx - version, devId, uid?, cid?, t (seconds)
 * @param dps - DP id -> value, such as `{ '1': true, '2': 50 }`
 * @param options - `cmd`: force CONTROL (7) or CONTROL_NEW (13); the payload shape follows the version
 * @returns cmd and payload for encodeFrame
 * @throws TypeError or RangeError for a bad context, dps or cmd
 * @example buildControlRequest({ version: '3.3', devId, t }, { '1': false }) // cmd 7
 */
export function buildControlRequest(ctx: RequestContext, dps: Dps, options: { cmd?: number } = {}): BuiltRequest {
  const c = check(ctx)
  const values = checkDps(dps)
  checkOptions(options, 'options')
  const legacy = c.proto.requests.control === 'legacy'
  const cmd = options.cmd ?? (legacy ? CMD.CONTROL : CMD.CONTROL_NEW)
  if (cmd !== CMD.CONTROL && cmd !== CMD.CONTROL_NEW) throw new RangeError(`options.cmd must be CONTROL (7) or CONTROL_NEW (13), got ${String(cmd)}`)
  if (legacy) {
    if (c.cid !== undefined) return { cmd, payload: { t: c.t, cid: c.cid, dps: values } }
    return { cmd, payload: { devId: c.devId, uid: c.uid, t: String(c.t), dps: values } }
  }
  if (c.cid !== undefined) return { cmd, payload: { protocol: 5, t: c.t, data: { cid: c.cid, ctype: 0, dps: values }, cid: c.cid } }
  return { cmd, payload: { protocol: 5, t: c.t, data: { dps: values } } }
}

/**
 * A HEART_BEAT (9) request, `{gwId,devId}` on every version (devices answer any heartbeat).
 *
 * @param ctx - version, devId, t
 * @returns cmd 9 and its payload
 * @throws TypeError or RangeError for a bad context
 */
export function buildHeartbeatRequest(ctx: RequestContext): BuiltRequest {
  const c = check(ctx)
  return { cmd: CMD.HEART_BEAT, payload: { gwId: c.devId, devId: c.devId } }
}

/**
 * An UPDATEDPS (18) request `{dpId:[…]}`: asks the device to re-measure and push the given
 * DPs; the reply is an empty acknowledgement (pitfall 26).
 *
 * @param ctx - version, devId, t
 * @param dpIds - DP ids as numbers (or digit strings), such as `[18, 19, 20]`
 * @returns cmd 18 and its payload
 * @throws TypeError or RangeError for a bad context or DP id
 */
export function buildRefreshRequest(ctx: RequestContext, dpIds: readonly (number | string)[]): BuiltRequest {
  check(ctx)
  return { cmd: CMD.UPDATEDPS, payload: { dpId: checkDpIds(dpIds) } }
}

/**
 * The device22 status query (§9): CONTROL_NEW (13) `{devId,uid,t,dps:{id:null,…}}`; DP 1 is
 * always included. Probe a few ids per request (keep the JSON under ~255 bytes).
 *
 * @param ctx - version, devId, uid?, t
 * @param dpIds - the DP ids to read
 * @returns cmd 13 and its payload
 * @throws TypeError or RangeError for a bad context or DP id
 * @example buildDev22StatusRequest(ctx, [2, 3, 4]).payload // { devId, uid, t, dps: { '1': null, '2': null, … } }
 */
export function buildDev22StatusRequest(ctx: RequestContext, dpIds: readonly (number | string)[]): BuiltRequest {
  return device22(check(ctx), checkDpIds(dpIds))
}

/**
 * The gateway sub-device list query: LAN_EXT_STREAM (64) `{reqType:"subdev_online_stat_query",data:{cids:[]}}`.
 *
 * @param ctx - version, devId (the gateway), t
 * @returns cmd 64 and its payload
 * @throws TypeError or RangeError for a bad context
 */
export function buildSubdeviceListRequest(ctx: RequestContext): BuiltRequest {
  check(ctx)
  return { cmd: CMD.LAN_EXT_STREAM, payload: { reqType: 'subdev_online_stat_query', data: { cids: [] } } }
}
