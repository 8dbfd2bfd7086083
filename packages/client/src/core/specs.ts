/**
 * The commands of the device handle as {@link CommandSpec}s. Payloads are built when the
 * command is written, so they carry the current time and follow the version and dialect in
 * force then (a version found by `'auto'`, device22 switched on by a refusal).
 */
import {
  buildControlRequest,
  buildDev22StatusRequest,
  buildHeartbeatRequest,
  buildRefreshRequest,
  buildStatusRequest,
  buildSubdeviceListRequest,
  type Dps,
  type JsonPayload,
  type RequestContext,
} from '@tuya/codec'
import type { BuildContext, CommandMode, CommandSpec } from './command.ts'

/** Timeout, retries and fail-fast of one call. */
export interface CallSettings {
  timeoutMs: number
  retries: number
  failFast: boolean
}

function ctxFor(ctx: BuildContext, cid: string | undefined): RequestContext {
  return cid === undefined ? { version: ctx.version, devId: ctx.devId, t: ctx.t } : { version: ctx.version, devId: ctx.devId, t: ctx.t, cid }
}

/**
 * The internal keep-alive heartbeat (HEART_BEAT, cmd 9).
 * @param timeoutMs - missed-reply deadline
 */
export function heartbeatSpec(timeoutMs: number, settings: Partial<CallSettings> = {}): CommandSpec {
  return { build: (ctx) => buildHeartbeatRequest(ctxFor(ctx, undefined)), mode: 'reply', timeoutMs, retries: settings.retries ?? 0, failFast: settings.failFast ?? false }
}

/** A status query spec, and what it was built as. */
export interface StatusSpec extends CommandSpec {
  /** Set at build time: the device22 query was sent (with `probeIndex` when probing a range). */
  sentAs: { isDevice22: boolean; probeIndex: number | undefined } | undefined
}

/** Where the device22 DP ids found so far are (read when the query is built). */
export interface Device22Ids {
  readonly device22Ids: ReadonlySet<string> | undefined
}

/**
 * A status query: the normal query of the version (cmd 10 or 16), a gateway child query, or,
 * when the device speaks device22, CONTROL_NEW with null DPs for the known ids (or the first
 * probe range when none are known yet, §9).
 * @param cid - gateway child, if any
 * @param known - holds the device22 DP ids found so far
 */
export function statusSpec(cid: string | undefined, known: Device22Ids, settings: CallSettings): StatusSpec {
  const spec: StatusSpec = {
    build(ctx) {
      if (cid !== undefined || !ctx.isDevice22) {
        spec.sentAs = { isDevice22: false, probeIndex: undefined }
        return buildStatusRequest(ctxFor(ctx, cid))
      }
      const knownIds = known.device22Ids
      const isKnown = knownIds !== undefined && knownIds.size > 0
      const ids = isKnown ? [...knownIds] : DEVICE22_PROBE_RANGES[0]!
      spec.sentAs = { isDevice22: true, probeIndex: isKnown ? undefined : 0 }
      return buildDev22StatusRequest(ctxFor(ctx, undefined), ids)
    },
    mode: 'collect',
    cid,
    sentAs: undefined,
    ...settings,
  }
  return spec
}

/**
 * A device22 query for given DP ids (DP 1 is always added by the builder).
 * @param dpIds - ids to read
 */
export function device22Spec(dpIds: readonly (number | string)[], settings: CallSettings): CommandSpec {
  return { build: (ctx) => buildDev22StatusRequest(ctxFor(ctx, undefined), dpIds), mode: 'collect', ...settings }
}

/**
 * A set-DPs command (CONTROL / CONTROL_NEW by version; the cid forms for a gateway child).
 * @param dps - the values
 * @param cid - gateway child, if any
 */
export function setSpec(dps: Dps, cid: string | undefined, settings: CallSettings): CommandSpec {
  return { build: (ctx) => buildControlRequest(ctxFor(ctx, cid), dps), mode: 'collect', cid, ...settings }
}

/**
 * UPDATEDPS (cmd 18): ask the device to re-measure and push DPs. For a gateway child the `cid`
 * is added to the payload (a shape no vector confirms).
 */
export function refreshSpec(dpIds: readonly (number | string)[], cid: string | undefined, settings: CallSettings): CommandSpec {
  return {
    build(ctx) {
      const built = buildRefreshRequest(ctxFor(ctx, undefined), dpIds)
      return cid === undefined ? built : { cmd: built.cmd, payload: { ...(built.payload as Record<string, unknown>), cid } }
    },
    mode: 'collect',
    cid,
    ...settings,
  }
}

/** The gateway's sub-device list (LAN_EXT_STREAM 64, `subdev_online_stat_query`); skips empty acks. */
export function subdevicesSpec(settings: CallSettings): CommandSpec {
  return { build: (ctx) => buildSubdeviceListRequest(ctxFor(ctx, undefined)), mode: 'data', ...settings }
}

/**
 * Any other command, as given.
 * @param cmd - command number
 * @param payload - JSON, text or bytes (the version header follows the protocol rule)
 * @param mode - how it is answered
 */
export function rawSpec(cmd: number, payload: JsonPayload | Uint8Array | string, mode: CommandMode, cid: string | undefined, settings: CallSettings): CommandSpec {
  return { build: () => ({ cmd, payload }), mode, cid, ...settings }
}

/**
 * device22 DP-id probe ranges, one per request (§9: the reference client's order; DP 1 is
 * always added by the request builder). Keeps each request well under ~255 bytes of JSON.
 */
export const DEVICE22_PROBE_RANGES: readonly (readonly number[])[] = [
  range(2, 10), range(11, 20), range(21, 30), range(50, 60), range(61, 70),
  range(100, 110), range(111, 120), range(121, 130), range(131, 140),
]

function range(from: number, to: number): number[] {
  const out: number[] = []
  for (let i = from; i <= to; i++) out.push(i)
  return out
}
