/**
 * `--debug`: every frame a command sends or receives, on stderr, as it happens: the time, the
 * direction, the frame's name and seq, its bytes in hex, and the decoded payload (JSON or text).
 *
 * The frames are taken from the connection itself (a tapping @tuya/client `Connector`), so the
 * version probe and the handshake show too, and decoded by `tuya decode`'s ConversationDecoder
 * with the local key (it follows the 3.4/3.5 negotiation to the session key). The client's
 * `logger` adds its notes (the detected version, dropped frames). Keys are never printed: no
 * frame holds one, session keys are not shown, and every line is also scrubbed of the secrets
 * the command knows (the local key, as text and as hex), so not even a device echo leaks one.
 *
 * Any command can use it: `get`, `set` and `watch` pass {@link FrameDebug.deviceOptions} to
 * `createDevice` (a fleet or a bridge does the same per device), `scan` wraps its UDP
 * transport with {@link FrameDebug.transport}.
 *
 * @example
 * const debug = frameDebugOf(args, io, [key])
 * const device = createDevice({ ...options, ...debug?.deviceOptions({ key, peer: options.id }) })
 */
import { tcpConnector, type Connector, type LogEntry, type Logger } from '@tuya/client'
import { Deframer, toKeyBytes, type ProtocolVersion } from '@tuya/codec'
import { bytesToHex, utf8ToBytes } from '@tuya/crypto'
import { ConversationDecoder } from './decode/conversation.ts'
import { decodeBeacon, type DiscoveryTransport } from '@tuya/discovery'
import { autoProbeVersionOf } from '@tuya/session'
import type { CommandIo, FlagSpec, ParsedArgs } from './args.ts'
import { timeOfDay } from './terminal.ts'

/** The `--debug` flag, for every command that talks to devices. */
export const DEBUG_FLAG: FlagSpec = {
  name: 'debug',
  type: 'boolean',
  description: 'print every frame both ways on stderr: time, direction, hex and decoded JSON (never keys)',
}

/** One frame to report. */
export interface DebugFrame {
  /** `out`: this machine sent it; `in`: it arrived. */
  readonly direction: 'out' | 'in'
  /** Who is on the other side: a device id, or `udp 192.168.1.50:6667`. */
  readonly peer: string
  /** The command name (`DP_QUERY`) or the kind of datagram (`beacon`). */
  readonly name: string
  /** The frame's seq, when it has one. */
  readonly seq?: number
  /** The frame as it travelled (empty when only its decoded form is known). */
  readonly bytes: Uint8Array | string
  /** The decoded payload: JSON or text. */
  readonly decoded?: string
}

/** Options of {@link createFrameDebug}. */
export interface FrameDebugOptions {
  /** Where the lines go (stderr). */
  readonly write: (line: string) => void
  /** Texts that must never be printed, such as the local key; each is also hidden as hex. */
  readonly secrets?: readonly (string | undefined)[]
  /** The clock, in ms since the epoch (tests pass a fixed one). */
  readonly now?: () => number
}

/** The device a tapped connection goes to. */
export interface DebugPeer {
  /** How lines name it (its id). */
  readonly peer: string
  /** Its local key: decodes the frames (never printed). */
  readonly key: string
  /** Its version, when known (`auto` or absent: guessed per frame). */
  readonly version?: ProtocolVersion | 'auto'
  /** The connector to tap. Default `tcpConnector`. */
  readonly inner?: Connector
}

/** What {@link createFrameDebug} returns. */
export interface FrameDebug {
  /** A @tuya/client `logger` for the client's notes (frames come from {@link connector}). */
  readonly logger: Logger
  /**
   * A @tuya/client `transport` that reports every frame of every connection, both ways.
   * @param device - the device: name, local key, version
   */
  connector(device: DebugPeer): Connector
  /** `{ transport, logger }` for `createDevice` options. */
  deviceOptions(device: DebugPeer): { transport: Connector; logger: Logger }
  /**
   * Wraps a @tuya/discovery transport so every datagram in and out is reported.
   * @param inner - the transport to use (`udpTransport()`)
   */
  transport(inner: DiscoveryTransport): DiscoveryTransport
  /** Reports one frame. */
  frame(frame: DebugFrame): void
  /** Reports one line that is not a frame. */
  note(text: string): void
}

const ARROW = { out: '->', in: '<-' } as const
const HIDDEN = '<hidden>'

function secretForms(secrets: readonly (string | undefined)[]): string[] {
  const forms = new Set<string>()
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 4) continue
    const hex = bytesToHex(utf8ToBytes(secret))
    for (const form of [secret, hex, hex.toUpperCase()]) forms.add(form)
  }
  // Longest first, so a key's hex is hidden whole before anything it contains.
  return [...forms].sort((a, b) => b.length - a.length)
}

/**
 * Starts reporting frames.
 * @param options - where to write, the secrets to hide, the clock
 * @returns the client logger, the discovery transport wrapper, and direct reporting
 */
export function createFrameDebug(options: FrameDebugOptions): FrameDebug {
  const secrets = secretForms(options.secrets ?? [])
  const now = options.now ?? Date.now
  const emit = (line: string): void => {
    let safe = line
    for (const secret of secrets) safe = safe.split(secret).join(HIDDEN)
    options.write(safe)
  }
  const prefix = (): string => `debug ${timeOfDay(now())}`

  const frame = (f: DebugFrame): void => {
    const bytes = typeof f.bytes === 'string' ? f.bytes : bytesToHex(f.bytes)
    const seq = f.seq === undefined ? '' : ` seq=${f.seq}`
    const size = bytes.length / 2
    const head = prefix()
    emit(`${head} ${ARROW[f.direction]} ${f.peer}  ${f.name}${seq}  ${size === 0 ? '(bytes not available)' : `${size} bytes  ${bytes}`}`)
    if (f.decoded !== undefined) emit(`${' '.repeat(head.length)} ${ARROW[f.direction]} ${f.decoded}`)
  }
  const note = (text: string): void => emit(`${prefix()} ** ${text}`)

  const logger: Logger = (entry: LogEntry) => {
    // Frame dumps are left to the connector, which also sees the probe and the handshake.
    if (entry.frame !== undefined) return
    note(`${entry.deviceId} ${entry.level}: ${entry.message}${entry.error === undefined ? '' : ` (${entry.error.message})`}`)
  }

  const connector = (device: DebugPeer): Connector => {
    const inner = device.inner ?? tcpConnector
    const localKey = toKeyBytes(device.key)
    const version = device.version === 'auto' ? undefined : device.version
    return async (request, handlers) => {
      // One decoder per connection: each has its own negotiation and session key.
      const decoder = new ConversationDecoder({ localKey, ...(version === undefined ? {} : { versionHint: version }) })
      const deframers = { out: new Deframer(), in: new Deframer() }
      let hasDeviceSpoken = false
      const report = (direction: 'out' | 'in', bytes: Uint8Array): void => {
        for (const raw of deframers[direction].push(bytes)) {
          const { frame: record } = decoder.decode(raw, direction === 'out' ? 'toDevice' : 'fromDevice')
          hasDeviceSpoken ||= direction === 'in'
          // With version auto the client opens with one frame per version (session's AUTO_PROBE) before any answer.
          const isProbe = version === undefined && direction === 'out' && !hasDeviceSpoken && record.seq !== undefined && autoProbeVersionOf(record.seq) !== undefined
          const decoded = record.error !== undefined ? `(not decoded: ${record.error.message})`
            : record.json !== undefined ? JSON.stringify(record.json)
            : record.text ?? record.info ?? (record.isAck === true ? '(empty: an acknowledgement)' : undefined)
          const tag = isProbe ? ' (version probe)' : ''
          frame({ direction, peer: device.peer, name: `${record.cmdName ?? 'frame'}${tag}`, bytes: raw, ...(record.seq === undefined ? {} : { seq: record.seq }), ...(decoded === undefined ? {} : { decoded }) })
        }
      }
      const transport = await inner(request, {
        onData(bytes) {
          report('in', bytes)
          handlers.onData(bytes)
        },
        onClose(error) {
          note(`${device.peer}: connection closed${error === undefined ? '' : ` (${error.message})`}`)
          handlers.onClose(error)
        },
      })
      note(`${device.peer}: connected to ${request.host}:${request.port}`)
      return {
        write(bytes) {
          report('out', bytes)
          transport.write(bytes)
        },
        close: () => transport.close(),
      }
    }
  }

  const datagram = (direction: 'out' | 'in', bytes: Uint8Array, address: string, port: number): void => {
    const result = decodeBeacon(bytes, { address, port })
    const peer = `udp ${address}:${port}`
    if (result.type === 'beacon') frame({ direction, peer, name: 'beacon', bytes, decoded: JSON.stringify(result.beacon.json) })
    else frame({ direction, peer, name: result.reason === 'solicitation' ? 'solicitation' : 'datagram', bytes, decoded: result.message })
  }

  const transport = (inner: DiscoveryTransport): DiscoveryTransport => ({
    async open(socketOptions) {
      const socket = await inner.open({
        ...socketOptions,
        onMessage(bytes, source) {
          datagram('in', bytes, source.address, source.port)
          socketOptions.onMessage(bytes, source)
        },
      })
      return {
        port: socket.port,
        async send(bytes, port, address) {
          datagram('out', bytes, address, port)
          await socket.send(bytes, port, address)
        },
        close: () => socket.close(),
      }
    },
  })

  return { logger, connector, deviceOptions: (device) => ({ transport: connector(device), logger }), transport, frame, note }
}

/**
 * The frame reporter of a command line with `--debug`, else undefined.
 * @param args - the parsed command line (with {@link DEBUG_FLAG})
 * @param io - where the lines go (stderr)
 * @param secrets - texts never to print (the local key)
 */
export function frameDebugOf(args: ParsedArgs, io: CommandIo, secrets: readonly (string | undefined)[] = []): FrameDebug | undefined {
  return args.values['debug'] === true ? createFrameDebug({ write: io.err, secrets }) : undefined
}
