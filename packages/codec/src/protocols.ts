/**
 * THE per-version table (STYLE.md, h11 "Rule 1"): every difference between 3.1 … 3.5 lives
 * here; the rest of the codec looks things up instead of testing the version.
 */
import { HANDSHAKE_CMDS } from './commands.ts'
import { CRC_BYTES, HMAC_BYTES, IV_BYTES, RETCODE_BYTES, SUFFIX_BYTES, TAG_BYTES } from './constants.ts'
import { crcFrames, gcmFrames, hmacFrames, type FrameLayer } from './frame-layers.ts'
import { versionHeader } from './keys.ts'
import type { PayloadCodec } from './payload.ts'
import { payloadV31 } from './payload-v31.ts'
import { payloadV33 } from './payload-v33.ts'
import { payloadV34 } from './payload-v34.ts'
import { payloadV35 } from './payload-v35.ts'
import type { Direction, FrameFormat, ProtocolVersion } from './types.ts'

/** Which JSON request shapes a version uses (PROTOCOL.md §8.2, §9, §10). */
export interface RequestDialect {
  /** Status query: `legacy` cmd 10 `{gwId,devId,uid,t}`, `device22` cmd 13 with null dps, `empty` cmd 16 `{}`. */
  readonly status: 'legacy' | 'device22' | 'empty'
  /**
   * Set DPs: `legacy` cmd 7 `{devId,uid,t,dps}` or `protocol5` cmd 13 `{protocol:5,t,data:{dps}}`;
   * firmware that speaks `protocol5` reads a CONTROL_NEW's DPs from `data.dps` only (§17).
   */
  readonly control: 'legacy' | 'protocol5'
}

/** Which 15-byte header sits in front of a payload (PROTOCOL.md §5): none, the version header, or a device's source header. */
export type PayloadHeader = 'none' | 'version' | 'source'

/**
 * How a UDP datagram is framed (PROTOCOL.md §14.1): 55AA with a plaintext body, 55AA with an
 * AES-ECB(udpkey) body, or 6699 under AES-GCM(udpkey).
 */
export type UdpFrameKind = '55aa-plain' | '55aa-ecb' | '6699-gcm'

/** What a device of a version broadcasts over UDP (PROTOCOL.md §14.1, §14.2). */
export interface BeaconFacts {
  /** The port beacons are broadcast to: 6666 (3.1) or 6667 (later versions). */
  readonly port: 6666 | 6667
  /** The beacon's cmd: 0 (3.1) or 19, UDP_NEW (later versions). */
  readonly cmd: 0 | 19
  /** How the beacon is framed; {@link UDP_FRAMES} says with which codec rules. */
  readonly kind: UdpFrameKind
  /** Whether the device answers a REQ_DEVINFO solicitation on UDP 7000 (current 3.5 firmware, §14.2). */
  readonly answersSolicitation: boolean
}

/** The shape of a device's STATUS push (cmd 8), as real devices send it (PROTOCOL.md §5, §8.3, §17). */
export interface PushFacts {
  /** The header in front of the JSON: none (3.1), the all-zero version header (3.2), a source header (3.3+). */
  readonly header: PayloadHeader
  /** `{"protocol":4,"t":T,"data":{"dps":…}}` (3.4, 3.5) rather than the flat `{"devId":ID,"dps":…,"t":T}` (3.1-3.3). */
  readonly isWrapped: boolean
  /**
   * A push about a changed DP names the device with `devId` (3.1-3.3 at the top level, 3.5
   * inside `data`; 3.4 never). Reports asked for by UPDATEDPS never do (captures).
   */
  readonly namesDevice: boolean
}

/** The keys of a status reply's JSON, in the order firmware writes them (PROTOCOL.md §8.3, §17 "real devices"). */
export type StatusReplyKeys = readonly ('devId' | 'dps')[]

/**
 * The facts about a version that code outside the codec acts on (the session, the client's
 * connection logic, the simulator, discovery, `tuya decode`): read them here instead of
 * testing versions.
 */
export interface VersionFacts {
  readonly version: ProtocolVersion
  /** `55aa` (3.1-3.4) or `6699` (3.5) frames (PROTOCOL.md §3). */
  readonly format: FrameFormat
  /** Frame integrity: CRC32 (3.1-3.3), HMAC-SHA256 (3.4), the GCM tag (3.5). */
  readonly integrity: 'crc' | 'hmac' | 'gcm'
  /** A session key is negotiated on every connection before anything else (3.4, 3.5; §7). */
  readonly hasHandshake: boolean
  /**
   * Which cipher turns the local key and `cn XOR dn` into the session key (§7): one AES-ECB
   * block (3.4) or the first 16 bytes of AES-GCM with IV `cn[0:12]` (3.5); undefined without
   * a handshake.
   */
  readonly sessionKeyCipher: 'aes-ecb' | 'aes-gcm' | undefined
  /** Device replies echo the request's seq (3.1-3.3); 3.4/3.5 devices number their own frames (§12). */
  readonly echoesSeq: boolean
  /** Official firmware closes the connection on a client frame whose seq does not increase (3.5, §12). */
  readonly closesOnStaleSeq: boolean
  /** The device22 dialect: never (3.1, 3.5), detected from a refusal (3.3, 3.4), always (3.2) (§9). */
  readonly device22: 'never' | 'detect' | 'always'
  /** Clients send every command but CONTROL unencrypted (3.1, §6.1): such a query needs no key. */
  readonly sendsClearQueries: boolean
  /**
   * Which device frames travel unencrypted: 3.1 everything but STATUS pushes (§6.1, §17 "3.1
   * status replies"), 3.2 its error texts (§11), nothing on later versions.
   */
  readonly deviceClearText: 'all-but-pushes' | 'errors' | 'none'
  /** The JSON request shapes (§8.2, §9). */
  readonly requests: RequestDialect
  /** The keys of the JSON answer to DP_QUERY (10) and DP_QUERY_NEW (16) (§8.3). */
  readonly statusReplyKeys: { readonly dpQuery: StatusReplyKeys; readonly dpQueryNew: StatusReplyKeys }
  /** The shape of STATUS pushes (§8.3). */
  readonly pushShape: PushFacts
  /** UDP discovery (§14). */
  readonly beacon: BeaconFacts
  /**
   * The seq of this version's frame in a client's `version: 'auto'` probe (one frame per
   * version a device can be told apart by, §18.29), or undefined: a 3.2 device answers the
   * 3.3 frame (with a clear refusal).
   */
  readonly probeSeq: number | undefined
}

/** Everything that differs between protocol versions. */
export interface Protocol extends VersionFacts {
  /** Framing and integrity: 55AA+CRC, 55AA+HMAC or 6699+GCM. */
  readonly frame: FrameLayer
  /** How application payloads are wrapped and unwrapped, and where the 15-byte header goes. */
  readonly payload: PayloadCodec
  /** `"3.x"` + 12 zero bytes. */
  readonly versionHeader: Uint8Array
  /** Whether client payloads carry the version header (outside NO_VERSION_HEADER_CMDS). */
  readonly hasClientVersionHeader: boolean
  /** Commands whose payload is raw negotiation material (3.4/3.5: 3, 4, 5). */
  readonly handshakeCmds: ReadonlySet<number>
  /** Smallest valid length field per direction (PROTOCOL.md §3.4). */
  readonly minLength: Readonly<Record<Direction, number>>
}

const NONE: ReadonlySet<number> = new Set()
const crcMin = { toDevice: CRC_BYTES + SUFFIX_BYTES, fromDevice: RETCODE_BYTES + CRC_BYTES + SUFFIX_BYTES } as const

// The facts rows keep their literal types (`as const`), so types such as HandshakeVersion
// can be computed from them.
const noHandshake = { hasHandshake: false, sessionKeyCipher: undefined, echoesSeq: true, closesOnStaleSeq: false } as const
const legacyRequests = { status: 'legacy', control: 'legacy' } as const
const newRequests = { status: 'empty', control: 'protocol5' } as const
const devIdFirst = ['devId', 'dps'] as const
const dpsOnly = ['dps'] as const
const flatPush = { isWrapped: false, namesDevice: true } as const
const ecbBeacon = { port: 6667, cmd: 19, kind: '55aa-ecb', answersSolicitation: false } as const

const facts31 = {
  version: '3.1',
  format: '55aa',
  integrity: 'crc',
  ...noHandshake,
  device22: 'never',
  sendsClearQueries: true,
  deviceClearText: 'all-but-pushes',
  requests: legacyRequests,
  // v31_resp_dp_query: plaintext {"devId":ID,"dps":{...}}
  statusReplyKeys: { dpQuery: devIdFirst, dpQueryNew: devIdFirst },
  // v31_push_status: the 3.1 signed form carries no header
  pushShape: { header: 'none', ...flatPush },
  beacon: { port: 6666, cmd: 0, kind: '55aa-plain', answersSolicitation: false },
  probeSeq: 1,
} as const satisfies VersionFacts

const facts32 = {
  ...facts31,
  version: '3.2',
  device22: 'always',
  sendsClearQueries: false,
  // v32_resp_dp_query_error_cleartext
  deviceClearText: 'errors',
  // 3.2 is always spoken in the device22 dialect (PROTOCOL.md §9, §17).
  requests: { status: 'device22', control: 'legacy' },
  // v32_push_status: the all-zero version header "3.2" in clear before the ciphertext
  pushShape: { header: 'version', ...flatPush },
  beacon: ecbBeacon,
  probeSeq: undefined,
} as const satisfies VersionFacts

const facts33 = {
  ...facts32,
  version: '3.3',
  device22: 'detect',
  deviceClearText: 'none',
  requests: legacyRequests,
  // v33_resp_dp_query answers cmd 10 with devId; v33_resp_dp_query_new answers cmd 16 with {dps} only
  statusReplyKeys: { dpQuery: devIdFirst, dpQueryNew: dpsOnly },
  pushShape: { header: 'source', ...flatPush },
  probeSeq: 2,
} as const satisfies VersionFacts

const facts34 = {
  version: '3.4',
  format: '55aa',
  integrity: 'hmac',
  hasHandshake: true,
  sessionKeyCipher: 'aes-ecb',
  echoesSeq: false,
  closesOnStaleSeq: false,
  device22: 'detect',
  sendsClearQueries: false,
  deviceClearText: 'none',
  requests: newRequests,
  // v34_resp_dp_query: {"dps":{...}} as captured from real 3.4 devices
  statusReplyKeys: { dpQuery: dpsOnly, dpQueryNew: dpsOnly },
  // v34_push_status: {"protocol":4,"t":T,"data":{"dps":{...}}}
  pushShape: { header: 'source', isWrapped: true, namesDevice: false },
  // 3.4 beacons are CRC-protected 55AA frames even though 3.4 uses HMAC on TCP (discovery.json).
  beacon: ecbBeacon,
  probeSeq: 3,
} as const satisfies VersionFacts

const facts35 = {
  version: '3.5',
  format: '6699',
  integrity: 'gcm',
  hasHandshake: true,
  sessionKeyCipher: 'aes-gcm',
  echoesSeq: false,
  closesOnStaleSeq: true,
  device22: 'never',
  sendsClearQueries: false,
  deviceClearText: 'none',
  requests: newRequests,
  // v35_resp_dp_query: {"dps":{...},"devId":ID} (current official firmware)
  statusReplyKeys: { dpQuery: ['dps', 'devId'], dpQueryNew: ['dps', 'devId'] },
  // v35_push_status: current firmware also names itself inside data
  pushShape: { header: 'source', isWrapped: true, namesDevice: true },
  beacon: { port: 6667, cmd: 19, kind: '6699-gcm', answersSolicitation: true },
  probeSeq: 4,
} as const satisfies VersionFacts

const v31: Protocol = {
  ...facts31,
  frame: crcFrames,
  payload: payloadV31,
  versionHeader: versionHeader(facts31.version),
  hasClientVersionHeader: false,
  handshakeCmds: NONE,
  minLength: crcMin,
}

const v32: Protocol = {
  ...facts32,
  frame: crcFrames,
  payload: payloadV33,
  versionHeader: versionHeader(facts32.version),
  hasClientVersionHeader: true,
  handshakeCmds: NONE,
  minLength: crcMin,
}

const v33: Protocol = { ...v32, ...facts33, versionHeader: versionHeader(facts33.version) }

const v34: Protocol = {
  ...facts34,
  frame: hmacFrames,
  payload: payloadV34,
  versionHeader: versionHeader(facts34.version),
  hasClientVersionHeader: true,
  handshakeCmds: HANDSHAKE_CMDS,
  minLength: { toDevice: HMAC_BYTES + SUFFIX_BYTES, fromDevice: RETCODE_BYTES + HMAC_BYTES + SUFFIX_BYTES },
}

const v35: Protocol = {
  ...facts35,
  frame: gcmFrames,
  payload: payloadV35,
  versionHeader: versionHeader(facts35.version),
  hasClientVersionHeader: true,
  handshakeCmds: HANDSHAKE_CMDS,
  minLength: { toDevice: IV_BYTES + TAG_BYTES, fromDevice: IV_BYTES + RETCODE_BYTES + TAG_BYTES },
}

/** The per-version table. */
export const PROTOCOLS = { '3.1': v31, '3.2': v32, '3.3': v33, '3.4': v34, '3.5': v35 } as const satisfies Record<ProtocolVersion, Protocol>

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}

/**
 * What differs between 3.1 … 3.5, for code outside the codec (frames themselves are built and
 * checked by the codec): look a fact up here instead of comparing version strings.
 * @example if (VERSION_FACTS[version].hasHandshake) session.start()
 */
export const VERSION_FACTS = deepFreeze({
  '3.1': facts31,
  '3.2': facts32,
  '3.3': facts33,
  '3.4': facts34,
  '3.5': facts35,
}) satisfies Readonly<Record<ProtocolVersion, VersionFacts>>

/** The versions that negotiate a session key (computed from {@link VERSION_FACTS}: 3.4 and 3.5). */
export type HandshakeVersion = { [V in ProtocolVersion]: (typeof VERSION_FACTS)[V]['hasHandshake'] extends true ? V : never }[ProtocolVersion]

/**
 * Which codec rules build and read each kind of UDP datagram, always under the public udpkey
 * (PROTOCOL.md §14): pass `version` to `encodeFrame`/`decodeFrame`. Beacons of every 55AA
 * version after 3.1 are CRC frames with an AES-ECB body, whatever their TCP integrity; the
 * REQ_DEVINFO solicitation and its answers are `6699-gcm` (§14.2).
 */
export const UDP_FRAMES: { readonly [K in UdpFrameKind]: { readonly version: ProtocolVersion; readonly format: FrameFormat; readonly isEncrypted: boolean } } = deepFreeze({
  '55aa-plain': { version: facts31.version, format: '55aa', isEncrypted: false },
  '55aa-ecb': { version: facts33.version, format: '55aa', isEncrypted: true },
  '6699-gcm': { version: facts35.version, format: '6699', isEncrypted: true },
})

/**
 * Looks a version up in {@link PROTOCOLS}.
 *
 * @throws RangeError for anything but `'3.1'` … `'3.5'`
 */
export function protocolFor(version: unknown, name = 'version'): Protocol {
  const p = typeof version === 'string' ? (PROTOCOLS as Record<string, Protocol>)[version] : undefined
  if (p === undefined || !Object.hasOwn(PROTOCOLS, version as string)) {
    throw new RangeError(`${name} must be one of 3.1, 3.2, 3.3, 3.4, 3.5, got ${typeof version === 'string' ? JSON.stringify(version) : typeof version}`)
  }
  return p
}
