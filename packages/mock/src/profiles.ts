/**
 * A simulated device's view of the codec's version table (`VERSION_FACTS`, STYLE.md, h11
 * "Rule 1"): the facts themselves, plus the JSON a device writes, built from the table's shape
 * facts. No file of the simulator compares version strings; they read a {@link VersionProfile}.
 *
 * Reply and push shapes follow the "real devices" column of PROTOCOL.md §17 and the device
 * frames of `frames_v3x.json` (captures), not the reference simulator.
 */
import { CMD, PROTOCOL_VERSIONS, VERSION_FACTS, type Dps, type PayloadHeader, type ProtocolVersion, type VersionFacts } from '@tuya/codec'

/** What the device does with a client frame whose seq is not greater than the previous one. */
export type SeqCheck = 'off' | 'drop' | 'close'

/** Which 15-byte header a STATUS push carries (§5): none (3.1), the all-zero version header (3.2) or a source header. */
export type PushHeader = PayloadHeader

/** Why the device sends a STATUS push: a changed DP, or values asked for by UPDATEDPS / a device22 query. */
export type PushReason = 'change' | 'report'

/** What goes into a STATUS push. */
export interface PushInput {
  devId: string
  dps: Dps
  t: number
  cid?: string
  reason: PushReason
}

/** Per-version behaviour of a simulated device: the version's {@link VersionFacts} and what follows from them. */
export interface VersionProfile extends VersionFacts {
  /** `VERSION_FACTS[version].pushShape.header`. */
  readonly pushHeader: PushHeader
  /** Default client seq check: `close` where official firmware disconnects (`closesOnStaleSeq`, §12), else `off`. */
  readonly seqCheck: SeqCheck
  /** The JSON answer to DP_QUERY (10) / DP_QUERY_NEW (16), with the keys `statusReplyKeys` lists. */
  statusReply(cmd: number, devId: string, dps: Dps): Record<string, unknown>
  /** The JSON of a STATUS push, shaped as `pushShape` says. */
  push(input: PushInput): Record<string, unknown>
}

function statusReply(facts: VersionFacts, cmd: number, devId: string, dps: Dps): Record<string, unknown> {
  const keys = cmd === CMD.DP_QUERY ? facts.statusReplyKeys.dpQuery : facts.statusReplyKeys.dpQueryNew
  const json: Record<string, unknown> = {}
  for (const key of keys) json[key] = key === 'dps' ? dps : devId
  return json
}

// Flat pushes: {"devId":ID,"dps":{...},"t":T} (frames_v33 v33_push_status); after UPDATEDPS
// captures show no devId ({"dps":...,"t":T}); a sub-device push names the child by cid
// (gateway.json). Wrapped pushes: {"protocol":4,"t":T,"data":{"dps":{...}}} (frames_v34
// v34_push_status), with the device's own devId after the DPs where it names itself
// (v35_push_status).
function pushJson(facts: VersionFacts, { devId, dps, t, cid, reason }: PushInput): Record<string, unknown> {
  const namesDevice = facts.pushShape.namesDevice && reason === 'change'
  if (!facts.pushShape.isWrapped) {
    if (cid !== undefined) return { cid, dps, t }
    return namesDevice ? { devId, dps, t } : { dps, t }
  }
  if (cid !== undefined) return { protocol: 4, t, data: { cid, dps } }
  return { protocol: 4, t, data: namesDevice ? { dps, devId } : { dps } }
}

function profileOf(facts: VersionFacts): VersionProfile {
  return Object.freeze({
    ...facts,
    pushHeader: facts.pushShape.header,
    seqCheck: facts.closesOnStaleSeq ? 'close' : 'off',
    statusReply: (cmd: number, devId: string, dps: Dps) => statusReply(facts, cmd, devId, dps),
    push: (input: PushInput) => pushJson(facts, input),
  })
}

/** The behaviour table, by protocol version. */
export const PROFILES: Readonly<Record<ProtocolVersion, VersionProfile>> = Object.freeze(
  Object.fromEntries(PROTOCOL_VERSIONS.map((v) => [v, profileOf(VERSION_FACTS[v])])) as Record<ProtocolVersion, VersionProfile>,
)
