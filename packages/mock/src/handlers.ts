/**
 * What a device does with each authenticated client command (PROTOCOL.md §8-§11, §16).
 * Pure: takes the decoded request and the shared state, returns the frames to send on this
 * connection and the STATUS reports to push to every connected client.
 */
import type { Dps, DpValue } from '@tuya/codec'
import type { OutFrame } from './frames.ts'
import type { ResolvedConfig } from './options.ts'
import type { PushReason } from './profiles.ts'
import type { DpStore } from './state.ts'

/** Command numbers the device handles (PROTOCOL.md §4). */
export const CMD_IN = {
  CONTROL: 7,
  STATUS: 8,
  HEART_BEAT: 9,
  DP_QUERY: 10,
  CONTROL_NEW: 13,
  DP_QUERY_NEW: 16,
  UPDATEDPS: 18,
  LAN_EXT_STREAM: 64,
} as const

/** The error texts of real firmware (§11). */
export const ERROR_TEXT = {
  DATA_UNVALID: 'json obj data unvalid',
  DATA_FORMAT: 'data format error',
  DEVID_NOT_FOUND: 'devid not found',
} as const

/** A STATUS report to push to every connected client. */
export interface PushRequest {
  dps: Dps
  cid?: string
  reason: PushReason
}

/** A decoded client request. */
export interface Request {
  cmd: number
  seq: number
  /** Parsed JSON, when the payload was JSON. */
  json?: unknown
}

/** What a command produced. */
export interface HandlerResult {
  /** Frames for the requesting connection, in order. */
  replies: OutFrame[]
  /** Reports for every connection, after the replies. */
  pushes: PushRequest[]
  /** DPs a client changed (for the `change` event). */
  change?: { dps: Dps; cid?: string }
  /** Set when the device ignores the command; the text says why. */
  ignored?: string
}

/** Shared, read-mostly inputs of the handlers. */
export interface HandlerContext {
  config: ResolvedConfig
  store: DpStore
  now: () => number
}

type Json = Record<string, unknown>

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined
}

function isDpValue(value: unknown): value is DpValue {
  return value === null || typeof value === 'boolean' || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))
}

function asDps(value: unknown): Dps | undefined {
  const obj = asObject(value)
  if (obj === undefined) return undefined
  for (const v of Object.values(obj)) if (!isDpValue(v)) return undefined
  return obj as Dps
}

function cidOf(json: Json | undefined): string | undefined {
  const cid = json?.cid ?? asObject(json?.data)?.cid
  return typeof cid === 'string' && cid.length > 0 ? cid : undefined
}

function ack(cmd: number, retcode = 0): OutFrame {
  return { cmd, retcode, header: 'none', kind: 'reply' }
}

function error(cmd: number, text: string): HandlerResult {
  // Errors carry retcode 1 and a short text, never a version header (§11).
  return { replies: [{ cmd, retcode: 1, payload: text, header: 'none', kind: 'reply', isError: true }], pushes: [] }
}

function reply(cmd: number, payload: Json | string): HandlerResult {
  // Status replies carry no header (frames_v33 v33_resp_dp_query, frames_v34 v34_resp_dp_query).
  return { replies: [{ cmd, retcode: 0, payload, header: 'none', kind: 'reply' }], pushes: [] }
}

function handleQuery(ctx: HandlerContext, req: Request): HandlerResult {
  const { config, store } = ctx
  const cid = cidOf(asObject(req.json))
  if (cid !== undefined) {
    const dps = config.isGateway ? store.get(cid) : undefined
    return dps === undefined ? error(req.cmd, ERROR_TEXT.DEVID_NOT_FOUND) : reply(req.cmd, { cid, dps })
  }
  // Not a copy: the DPs are only read here, and serialised at once.
  const own = store.view() as Dps
  // device22 units refuse the normal query (§9); a gateway without DPs of its own has nothing
  // to report without a cid and answers the same way.
  if (config.isDev22 || (config.isGateway && Object.keys(own).length === 0)) return error(req.cmd, ERROR_TEXT.DATA_UNVALID)
  return reply(req.cmd, JSON.stringify(config.profile.statusReply(req.cmd, config.id, own)))
}

function handleControl(ctx: HandlerContext, req: Request): HandlerResult {
  const { config, store } = ctx
  const json = asObject(req.json)
  if (json === undefined) return error(req.cmd, ERROR_TEXT.DATA_FORMAT)
  const data = asObject(json.data)
  // Firmware of the protocol5 dialect (3.4/3.5) reads CONTROL_NEW's DPs from data.dps only
  // (§17); older firmware reads dps, and so do 3.4 device22 units, polled with the flat form
  // (device22.json).
  const strict = req.cmd === CMD_IN.CONTROL_NEW && config.profile.requests.control === 'protocol5' && !config.isDev22
  const dps = asDps(strict ? data?.dps : (json.dps ?? data?.dps))
  if (dps === undefined) return error(req.cmd, ERROR_TEXT.DATA_FORMAT)
  const cid = cidOf(json)
  if (cid !== undefined && !(config.isGateway && store.has(cid))) return error(req.cmd, ERROR_TEXT.DEVID_NOT_FOUND)
  // null values are device22 reads: the report also has the current value of each listed DP the device has.
  const { written, report } = store.applyControl(dps, cid)
  // Built whole, as literals: no array grown by push(), no key added to an existing object.
  const pushes: PushRequest[] = report === undefined ? [] : [cid === undefined ? { dps: report, reason: 'change' } : { dps: report, cid, reason: 'change' }]
  const change = written === undefined ? undefined : cid === undefined ? { dps: written } : { dps: written, cid }
  return { replies: [ack(req.cmd, config.controlAckRetcode)], pushes, change }
}

function handleUpdateDps(ctx: HandlerContext, req: Request): HandlerResult {
  const json = asObject(req.json)
  const ids = Array.isArray(json?.dpId) ? (json.dpId as unknown[]).filter((v) => typeof v === 'number' || typeof v === 'string').map(String) : []
  const cid = cidOf(json)
  // Empty acknowledgement, then the values as a STATUS push (§8.3, §18.26).
  const result: HandlerResult = { replies: [ack(req.cmd)], pushes: [] }
  if (cid !== undefined && !(ctx.config.isGateway && ctx.store.has(cid))) return result
  const dps = ctx.store.pick(ids, cid)
  if (Object.keys(dps).length > 0) result.pushes.push(cid === undefined ? { dps, reason: 'report' } : { dps, cid, reason: 'report' })
  return result
}

function handleExtStream(ctx: HandlerContext, req: Request): HandlerResult {
  const json = asObject(req.json)
  if (!ctx.config.isGateway) return { replies: [], pushes: [], ignored: 'LAN_EXT_STREAM on a device that is not a gateway' }
  if (json?.reqType !== 'subdev_online_stat_query') return { replies: [ack(req.cmd)], pushes: [] }
  const wanted = asObject(json.data)?.cids
  const filter = Array.isArray(wanted) && wanted.length > 0 ? new Set(wanted.map(String)) : undefined
  const { online, offline } = ctx.store.presence()
  const keep = (cids: string[]) => (filter === undefined ? cids : cids.filter((c) => filter.has(c)))
  // Reported shape (not covered by a vector): {"reqType":"subdev_online_stat_report","data":{"online":[..],"offline":[..]}}
  return reply(req.cmd, { reqType: 'subdev_online_stat_report', data: { online: keep(online), offline: keep(offline) } })
}

/**
 * Handles one authenticated client command.
 * @param ctx - configuration and shared DP store
 * @param req - the decoded request
 * @returns replies for this connection and pushes for all connections
 */
export function handleCommand(ctx: HandlerContext, req: Request): HandlerResult {
  switch (req.cmd) {
    case CMD_IN.DP_QUERY:
    case CMD_IN.DP_QUERY_NEW:
      return handleQuery(ctx, req)
    case CMD_IN.CONTROL:
    case CMD_IN.CONTROL_NEW:
      return handleControl(ctx, req)
    case CMD_IN.HEART_BEAT:
      // Answered with an empty frame, whatever the payload (§17: firmware does not decrypt it).
      return { replies: [{ cmd: req.cmd, retcode: 0, header: 'none', kind: 'heartbeat' }], pushes: [] }
    case CMD_IN.UPDATEDPS:
      return handleUpdateDps(ctx, req)
    case CMD_IN.LAN_EXT_STREAM:
      return handleExtStream(ctx, req)
    default:
      return { replies: [], pushes: [], ignored: `command ${req.cmd} is not handled by this device` }
  }
}
