/**
 * The multi-step commands of the handle: status (with the device22 detection and DP-id
 * probing of PROTOCOL.md §9), and the parsing of the sub-device list.
 */
import { DataUnvalidError, type Dps } from '@tuya/codec'
import type { CommandSpec, Reply } from './core/command.ts'
import type { Engine } from './core/engine.ts'
import { device22Spec, statusSpec, type CallSettings } from './core/specs.ts'
import { DEVICE22_PROBE_RANGES, TRAITS } from './core/traits.ts'
import { TimeoutError } from './errors.ts'
import type { CallOptions, SubdeviceList } from './types.ts'

/** What the operations need from a handle. */
export interface OpsContext {
  engine: Engine
  isGateway: boolean
  /** device22 DP ids found so far (shared by every handle of the connection). */
  device22Ids: Set<string>
  settings(options: CallOptions | undefined): CallSettings
  call(spec: CommandSpec, options: CallOptions | undefined): Promise<Reply>
}

/** DP ids per device22 query once known (keeps the JSON well under ~255 bytes, §9). */
const DEVICE22_CHUNK = 15

/**
 * Reads all DPs: the version's status query; on a device22 refusal (3.3/3.4, not a gateway,
 * no cid) switch the dialect and read with CONTROL_NEW + null DPs, probing DP-id ranges the
 * first time.
 * @returns the DPs the device reported
 */
export async function readStatus(ops: OpsContext, cid: string | undefined, options: CallOptions | undefined): Promise<Dps> {
  const settings = ops.settings(options)
  const deadline = ops.engine.config.now() + settings.timeoutMs
  const spec = statusSpec(cid, ops.device22Ids, settings)
  let reply: Reply
  try {
    reply = await ops.call(spec, options)
  } catch (error) {
    const version = ops.engine.version
    const mayDetect = error instanceof DataUnvalidError && cid === undefined && !ops.isGateway && version !== undefined && TRAITS[version].device22 === 'detect'
    if (!mayDetect || ops.engine.isDevice22) throw error
    ops.engine.setDevice22()
    return readDevice22(ops, deadline, 0, {}, options)
  }
  const dps = reply.dps ?? {}
  if (spec.sentAs?.probeIndex === undefined) return dps
  remember(ops.device22Ids, dps)
  return readDevice22(ops, deadline, spec.sentAs.probeIndex + 1, dps, options)
}

async function readDevice22(ops: OpsContext, deadline: number, fromRange: number, found: Dps, options: CallOptions | undefined): Promise<Dps> {
  const result: Dps = { ...found }
  const known = ops.device22Ids
  const batches: (readonly (number | string)[])[] = []
  if (known.size > 0 && fromRange === 0) {
    const ids = [...known]
    for (let i = 0; i < ids.length; i += DEVICE22_CHUNK) batches.push(ids.slice(i, i + DEVICE22_CHUNK))
  } else {
    batches.push(...DEVICE22_PROBE_RANGES.slice(fromRange))
  }
  const isProbing = !(known.size > 0 && fromRange === 0)
  for (const ids of batches) {
    const remaining = deadline - ops.engine.config.now()
    if (remaining <= 0) throw new TimeoutError('the device22 status read (DP-id probing, PROTOCOL.md §9) did not finish in time; raise timeoutMs', { deviceId: ops.engine.config.deviceId })
    const reply = await ops.call(device22Spec(ids, { ...ops.settings(options), timeoutMs: remaining }), options)
    const dps = reply.dps ?? {}
    if (isProbing) remember(known, dps)
    Object.assign(result, dps)
  }
  return result
}

function remember(known: Set<string>, dps: Dps): void {
  for (const id of Object.keys(dps)) known.add(id)
}

/**
 * Reads a `subdev_online_stat_report` (cmd 64; shape reported, not confirmed by a vector):
 * `{ reqType, data: { online: [...], offline: [...] } }`.
 * @param reply - the cmd 64 reply
 */
export function parseSubdeviceList(reply: Reply): SubdeviceList {
  const json = reply.json
  const data = typeof json === 'object' && json !== null ? (json as { data?: unknown }).data : undefined
  const pick = (key: string): string[] => {
    const list = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[key] : undefined
    return Array.isArray(list) ? list.filter((v): v is string => typeof v === 'string') : []
  }
  return { online: pick('online'), offline: pick('offline'), json }
}
