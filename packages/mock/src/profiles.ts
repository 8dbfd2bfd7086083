/**
 * Everything that differs between protocol versions, in one table (STYLE.md, h11 "Rule 1").
 * No other file branches on the version string; they read a {@link VersionProfile}.
 *
 * Reply and push shapes follow the "real devices" column of PROTOCOL.md §17 and the
 * device frames of `frames_v3x.json` (captures), not the reference simulator.
 */
import type { Dps, ProtocolVersion } from '@tuya/codec'

/** What the device does with a client frame whose seq is not greater than the previous one. */
export type SeqCheck = 'off' | 'drop' | 'close'

/** Which 15-byte header a STATUS push carries (§5): none (3.1), the all-zero version header (3.2) or a source header. */
export type PushHeader = 'none' | 'version' | 'source'

/** Why the device sends a STATUS push: a changed DP, or values asked for by UPDATEDPS / a device22 query. */
export type PushReason = 'change' | 'report'

/** Per-version behaviour of a simulated device. */
export interface VersionProfile {
  readonly version: ProtocolVersion
  /** TCP frame format: 55AA (3.1-3.4) or 6699 (3.5). */
  readonly format: '55aa' | '6699'
  /** 3.4/3.5: the three-frame session negotiation must come first (§7). */
  readonly hasHandshake: boolean
  /** `echo`: replies echo the request seq, pushes and heartbeat replies use 0 (3.1-3.3). `counter`: own counter (§12). */
  readonly seqMode: 'echo' | 'counter'
  /** Whether the device22 dialect exists on this version (3.2: always). */
  readonly dev22: 'never' | 'optional' | 'always'
  /** Error texts travel in clear (3.1 and 3.2 devices, §11). */
  readonly hasClearErrors: boolean
  /** 3.1 encrypts STATUS pushes with its base64 + MD5 scheme and sends everything else in clear. */
  readonly isV31: boolean
  readonly pushHeader: PushHeader
  /** CONTROL_NEW must carry `data.dps` (3.4/3.5 firmware answers `data format error` otherwise). */
  readonly controlNewNeedsData: boolean
  /** Default client seq check: official 3.5 firmware disconnects on a non-increasing seq (§12). */
  readonly seqCheck: SeqCheck
  /** UDP discovery: port, frame kind and command (§14). */
  readonly beacon: { readonly port: 6666 | 6667; readonly kind: '55aa-plain' | '55aa-ecb' | '6699-gcm'; readonly cmd: 0 | 19 }
  /** Whether the device answers a REQ_DEVINFO solicitation on UDP 7000 (current 3.5 firmware). */
  readonly answersSolicitation: boolean
  /** The JSON answer to DP_QUERY (10) / DP_QUERY_NEW (16). */
  statusReply(cmd: number, devId: string, dps: Dps): Record<string, unknown>
  /** The JSON of a STATUS push. */
  push(input: { devId: string; dps: Dps; t: number; cid?: string; reason: PushReason }): Record<string, unknown>
}

// 3.1-3.3 pushes: {"devId":ID,"dps":{...},"t":T} (frames_v33 v33_push_status); after UPDATEDPS
// captures show no devId ({"dps":...,"t":T}); a sub-device push names the child by cid (gateway.json).
function flatPush({ devId, dps, t, cid, reason }: Parameters<VersionProfile['push']>[0]): Record<string, unknown> {
  if (cid !== undefined) return { cid, dps, t }
  return reason === 'report' ? { dps, t } : { devId, dps, t }
}

// 3.4/3.5 pushes are wrapped: {"protocol":4,"t":T,"data":{"dps":{...}}} (frames_v34 v34_push_status).
function wrappedPush(withDevId: boolean) {
  return ({ devId, dps, t, cid, reason }: Parameters<VersionProfile['push']>[0]): Record<string, unknown> => {
    if (cid !== undefined) return { protocol: 4, t, data: { cid, dps } }
    // Current 3.5 firmware also names itself inside data (v35_push_status), except on UPDATEDPS reports.
    const data = withDevId && reason === 'change' ? { dps, devId } : { dps }
    return { protocol: 4, t, data }
  }
}

const v31: VersionProfile = {
  version: '3.1',
  format: '55aa',
  hasHandshake: false,
  seqMode: 'echo',
  dev22: 'never',
  hasClearErrors: true,
  isV31: true,
  pushHeader: 'none',
  controlNewNeedsData: false,
  seqCheck: 'off',
  beacon: { port: 6666, kind: '55aa-plain', cmd: 0 },
  answersSolicitation: false,
  // v31_resp_dp_query: plaintext {"devId":ID,"dps":{...}}
  statusReply: (_cmd, devId, dps) => ({ devId, dps }),
  push: flatPush,
}

const v32: VersionProfile = {
  ...v31,
  version: '3.2',
  dev22: 'always',
  isV31: false,
  // v32_push_status: the all-zero version header "3.2" in clear before the ciphertext
  pushHeader: 'version',
  beacon: { port: 6667, kind: '55aa-ecb', cmd: 19 },
}

const v33: VersionProfile = {
  ...v32,
  version: '3.3',
  dev22: 'optional',
  hasClearErrors: false,
  pushHeader: 'source',
  // v33_resp_dp_query answers cmd 10 with devId; v33_resp_dp_query_new answers cmd 16 with {dps} only
  statusReply: (cmd, devId, dps) => (cmd === 10 ? { devId, dps } : { dps }),
}

const v34: VersionProfile = {
  ...v33,
  version: '3.4',
  hasHandshake: true,
  seqMode: 'counter',
  controlNewNeedsData: true,
  // v34_resp_dp_query: {"dps":{...}} as captured from real 3.4 devices
  statusReply: (_cmd, _devId, dps) => ({ dps }),
  push: wrappedPush(false),
}

const v35: VersionProfile = {
  ...v34,
  version: '3.5',
  format: '6699',
  dev22: 'never',
  seqCheck: 'close',
  beacon: { port: 6667, kind: '6699-gcm', cmd: 19 },
  answersSolicitation: true,
  // v35_resp_dp_query: {"dps":{...},"devId":ID} (current official firmware)
  statusReply: (_cmd, devId, dps) => ({ dps, devId }),
  push: wrappedPush(true),
}

/** The behaviour table, by protocol version. */
export const PROFILES: Readonly<Record<ProtocolVersion, VersionProfile>> = { '3.1': v31, '3.2': v32, '3.3': v33, '3.4': v34, '3.5': v35 }
