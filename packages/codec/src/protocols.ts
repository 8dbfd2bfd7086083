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
  /** Set DPs: `legacy` cmd 7 `{devId,uid,t,dps}` or `protocol5` cmd 13 `{protocol:5,t,data:{dps}}`. */
  readonly control: 'legacy' | 'protocol5'
}

/**
 * The facts about a version that code outside the codec acts on (the session, the client's
 * connection logic, the simulator, `tuya decode`): read them here instead of testing versions.
 */
export interface VersionFacts {
  readonly version: ProtocolVersion
  /** `55aa` (3.1-3.4) or `6699` (3.5) frames (PROTOCOL.md §3). */
  readonly format: FrameFormat
  /** Frame integrity: CRC32 (3.1-3.3), HMAC-SHA256 (3.4), the GCM tag (3.5). */
  readonly integrity: 'crc' | 'hmac' | 'gcm'
  /** A session key is negotiated on every connection before anything else (3.4, 3.5; §7). */
  readonly hasHandshake: boolean
  /** Device replies echo the request's seq (3.1-3.3); 3.4/3.5 devices number their own frames (§12). */
  readonly echoesSeq: boolean
  /** The device22 dialect: never (3.1, 3.5), detected from a refusal (3.3, 3.4), always (3.2) (§9). */
  readonly device22: 'never' | 'detect' | 'always'
  /** Clients send every command but CONTROL unencrypted (3.1, §6.1): such a query needs no key. */
  readonly sendsClearQueries: boolean
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
  readonly requests: RequestDialect
}

const NONE: ReadonlySet<number> = new Set()
const crcMin = { toDevice: CRC_BYTES + SUFFIX_BYTES, fromDevice: RETCODE_BYTES + CRC_BYTES + SUFFIX_BYTES } as const
const legacy: RequestDialect = { status: 'legacy', control: 'legacy' }

const crcFacts = { format: '55aa', integrity: 'crc', hasHandshake: false, echoesSeq: true } as const

const v31: Protocol = {
  version: '3.1',
  ...crcFacts,
  device22: 'never',
  sendsClearQueries: true,
  probeSeq: 1,
  frame: crcFrames,
  payload: payloadV31,
  versionHeader: versionHeader('3.1'),
  hasClientVersionHeader: false,
  handshakeCmds: NONE,
  minLength: crcMin,
  requests: legacy,
}

const v32: Protocol = {
  version: '3.2',
  ...crcFacts,
  device22: 'always',
  sendsClearQueries: false,
  probeSeq: undefined,
  frame: crcFrames,
  payload: payloadV33,
  versionHeader: versionHeader('3.2'),
  hasClientVersionHeader: true,
  handshakeCmds: NONE,
  minLength: crcMin,
  // 3.2 is always spoken in the device22 dialect (PROTOCOL.md §9, §17).
  requests: { status: 'device22', control: 'legacy' },
}

const v33: Protocol = { ...v32, version: '3.3', device22: 'detect', probeSeq: 2, versionHeader: versionHeader('3.3'), requests: legacy }

const v34: Protocol = {
  version: '3.4',
  format: '55aa',
  integrity: 'hmac',
  hasHandshake: true,
  echoesSeq: false,
  device22: 'detect',
  sendsClearQueries: false,
  probeSeq: 3,
  frame: hmacFrames,
  payload: payloadV34,
  versionHeader: versionHeader('3.4'),
  hasClientVersionHeader: true,
  handshakeCmds: HANDSHAKE_CMDS,
  minLength: { toDevice: HMAC_BYTES + SUFFIX_BYTES, fromDevice: RETCODE_BYTES + HMAC_BYTES + SUFFIX_BYTES },
  requests: { status: 'empty', control: 'protocol5' },
}

const v35: Protocol = {
  version: '3.5',
  format: '6699',
  integrity: 'gcm',
  hasHandshake: true,
  echoesSeq: false,
  device22: 'never',
  sendsClearQueries: false,
  probeSeq: 4,
  frame: gcmFrames,
  payload: payloadV35,
  versionHeader: versionHeader('3.5'),
  hasClientVersionHeader: true,
  handshakeCmds: HANDSHAKE_CMDS,
  minLength: { toDevice: IV_BYTES + TAG_BYTES, fromDevice: IV_BYTES + RETCODE_BYTES + TAG_BYTES },
  requests: { status: 'empty', control: 'protocol5' },
}

/** The per-version table. */
export const PROTOCOLS = { '3.1': v31, '3.2': v32, '3.3': v33, '3.4': v34, '3.5': v35 } as const satisfies Record<ProtocolVersion, Protocol>

function factsOf(p: Protocol): VersionFacts {
  const { version, format, integrity, hasHandshake, echoesSeq, device22, sendsClearQueries, probeSeq } = p
  return Object.freeze({ version, format, integrity, hasHandshake, echoesSeq, device22, sendsClearQueries, probeSeq })
}

/**
 * What differs between 3.1 … 3.5, for code outside the codec (frames themselves are built and
 * checked by the codec): look a fact up here instead of comparing version strings.
 * @example if (VERSION_FACTS[version].hasHandshake) session.start()
 */
export const VERSION_FACTS: Readonly<Record<ProtocolVersion, VersionFacts>> = Object.freeze({
  '3.1': factsOf(v31),
  '3.2': factsOf(v32),
  '3.3': factsOf(v33),
  '3.4': factsOf(v34),
  '3.5': factsOf(v35),
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
