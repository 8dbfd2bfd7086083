/**
 * `tuya decode`: decodes Tuya frames given as hex arguments, as hex lines on stdin, or from a
 * capture file (pcap/pcapng; also on stdin). Keys come from `--key`, `--device NAME` or
 * devices.json (by address, by id, or by trial); the version from `--version` or the bytes.
 * Exit codes: 0 every frame decoded, 1 a frame failed / nothing found / damaged capture,
 * 2 bad usage.
 */
import { readFile } from 'node:fs/promises'
import { isProtocolVersion, toKeyBytes, type Direction, type ProtocolVersion } from '@tuya/codec'
import { UsageError, type Command, type CommandIo, type FlagSpec, type ParsedArgs } from '../args.ts'
import { DEVICES_FLAG, loadDevices, resolveDevice, type DeviceEntry } from '../devices-file.ts'
import { isCapture } from '../decode/capture.ts'
import { decodeCapture, type DecodeStats } from '../decode/decode-capture.ts'
import { formatFrameLine, formatNoticeLine, frameToJson } from '../decode/format.ts'
import { decodeHexFrames, frameLines, looksLikeHex, parseHex } from '../decode/hex-input.ts'
import type { DecodeRecord } from '../decode/records.ts'

const FLAGS: readonly FlagSpec[] = [
  { name: 'key', type: 'string', valueName: 'KEY', description: 'the 16-character local key' },
  { name: 'version', type: 'string', valueName: '3.x', description: 'protocol version 3.1-3.5', defaultText: 'guessed from the frames' },
  { name: 'device', type: 'string', valueName: 'NAME', description: 'take key and version of this devices.json device (name or id)' },
  DEVICES_FLAG,
  { name: 'direction', type: 'string', valueName: 'DIR', description: 'hex frames: to-device or from-device', defaultText: 'try from-device, then to-device' },
  { name: 'device-port', type: 'number', valueName: 'PORT', description: 'captures: the device TCP port when the capture has no SYN and it is not 6668' },
  { name: 'session-key', type: 'string', valueName: 'HEX', description: '3.4/3.5: session key (32 hex digits) for frames whose negotiation is not in the input' },
  { name: 'show-keys', type: 'boolean', description: 'print derived session keys' },
  { name: 'json', type: 'boolean', description: 'one JSON object per frame (notices go to stderr)' },
  { name: 'utc', type: 'boolean', description: 'print times in UTC instead of local time' },
  { name: 'no-color', type: 'boolean', description: 'no colours (also: NO_COLOR=1; colours only on a terminal anyway)' },
]

const MAX_INPUT_BYTES = 512 * 1024 * 1024

/** What the command needs from the process; injectable for tests. */
export interface DecodeDeps {
  /** All of stdin. */
  readStdin(signal: AbortSignal): Promise<Uint8Array>
  isStdinTty(): boolean
  isStdoutTty(): boolean
  readFile(path: string): Promise<Uint8Array>
  readonly env: Readonly<Record<string, string | undefined>>
}

async function readAllStdin(signal: AbortSignal): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let total = 0
  for await (const chunk of process.stdin as AsyncIterable<Uint8Array | string>) {
    if (signal.aborted) break
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk
    total += bytes.length
    if (total > MAX_INPUT_BYTES) throw new Error(`stdin is larger than ${MAX_INPUT_BYTES} bytes`)
    chunks.push(bytes)
  }
  const out = new Uint8Array(total)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}

const DEFAULT_DEPS: DecodeDeps = {
  readStdin: readAllStdin,
  isStdinTty: () => process.stdin.isTTY === true,
  isStdoutTty: () => process.stdout.isTTY === true,
  readFile: async (path) => new Uint8Array(await readFile(path)),
  env: process.env,
}

/** The validated command line. */
export interface DecodeSettings {
  readonly key?: Uint8Array
  readonly version?: ProtocolVersion
  readonly device?: string
  readonly devicesFile?: string
  readonly direction?: Direction
  readonly devicePort?: number
  readonly sessionKey?: Uint8Array
  readonly showKeys: boolean
  readonly isJson: boolean
  readonly isUtc: boolean
  readonly noColor: boolean
  /** Hex frames given as arguments. */
  readonly hexFrames: readonly string[]
  /** A file to read (`-` = stdin), or undefined for stdin when no hex frames were given. */
  readonly file?: string
}

function parseDirection(raw: string): Direction {
  const v = raw.toLowerCase().replace(/[-_]/g, '')
  if (v === 'todevice' || v === 'client' || v === 'out') return 'toDevice'
  if (v === 'fromdevice' || v === 'device' || v === 'in') return 'fromDevice'
  throw new UsageError(`--direction must be to-device or from-device, got '${raw}'`)
}

/**
 * Validates the flags and sorts the positionals into hex frames and a file.
 * @param args - the parsed command line
 * @returns the settings
 * @throws UsageError naming the bad flag or argument
 */
export function decodeSettings(args: ParsedArgs): DecodeSettings {
  const v = args.values
  let key: Uint8Array | undefined
  if (v['key'] !== undefined) {
    if (typeof v['key'] !== 'string' || v['key'].length !== 16) throw new UsageError(`--key must be the 16-character local key, got ${String(v['key']).length} characters`)
    key = toKeyBytes(v['key'])
  }
  const version = v['version']
  if (version !== undefined && !isProtocolVersion(version)) throw new UsageError(`--version must be 3.1, 3.2, 3.3, 3.4 or 3.5, got '${String(version)}'`)
  let sessionKey: Uint8Array | undefined
  if (v['session-key'] !== undefined) {
    const raw = String(v['session-key'])
    if (!/^(?:[0-9a-fA-F]{2}[\s:]?){16}$/.test(raw.trim())) throw new UsageError('--session-key must be 32 hex digits (16 bytes)')
    sessionKey = parseHex(raw)
  }
  const port = v['device-port']
  if (port !== undefined && (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535)) throw new UsageError(`--device-port must be an integer from 1 to 65535, got ${String(port)}`)
  if (v['device'] !== undefined && key !== undefined) throw new UsageError('give --key or --device, not both')
  const hexFrames: string[] = []
  const files: string[] = []
  for (const p of args.positionals) (p !== '-' && looksLikeHex(p) ? hexFrames : files).push(p)
  if (files.length > 1) throw new UsageError(`one capture file at a time, got ${files.length}: ${files.join(', ')}`)
  if (files.length > 0 && hexFrames.length > 0) throw new UsageError('give hex frames or a capture file, not both')
  return {
    ...(key === undefined ? {} : { key }),
    ...(version === undefined ? {} : { version: version as ProtocolVersion }),
    ...(v['device'] === undefined ? {} : { device: String(v['device']) }),
    ...(v['devices'] === undefined ? {} : { devicesFile: String(v['devices']) }),
    ...(v['direction'] === undefined ? {} : { direction: parseDirection(String(v['direction'])) }),
    ...(port === undefined ? {} : { devicePort: port as number }),
    ...(sessionKey === undefined ? {} : { sessionKey }),
    showKeys: v['show-keys'] === true,
    isJson: v['json'] === true,
    isUtc: v['utc'] === true,
    noColor: v['no-color'] === true,
    hexFrames,
    ...(files[0] === undefined ? {} : { file: files[0] }),
  }
}

interface Emitter {
  (records: readonly DecodeRecord[]): void
}

function emitter(settings: DecodeSettings, io: CommandIo, isColor: boolean): Emitter {
  const format = { isColor, isUtc: settings.isUtc }
  return (records) => {
    for (const r of records) {
      if (r.kind === 'frame') io.out(settings.isJson ? JSON.stringify(frameToJson(r)) : formatFrameLine(r, format))
      else if (settings.isJson) io.err(formatNoticeLine(r, { isUtc: settings.isUtc }))
      else io.out(formatNoticeLine(r, format))
    }
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function summary(stats: DecodeStats): string {
  const failed = stats.failedFrames > 0 ? ` (${stats.failedFrames} failed)` : ''
  return `${plural(stats.frames, 'frame')}${failed} from ${plural(stats.connections, 'TCP connection')} and ${plural(stats.datagrams, 'datagram')} in ${plural(stats.packets, 'packet')}`
}

/**
 * Builds the `decode` command.
 * @param overrides - process access to replace (tests)
 * @returns the command for the dispatcher's table
 */
export function createDecodeCommand(overrides: Partial<DecodeDeps> = {}): Command {
  const deps: DecodeDeps = { ...DEFAULT_DEPS, ...overrides }
  return {
    name: 'decode',
    summary: 'decode Tuya frames: hex arguments, hex lines on stdin, or a pcap/pcapng capture (TCP and UDP)',
    usage: 'decode [HEX... | FILE | -] [options]',
    flags: FLAGS,
    examples: [
      'tuya decode capture.pcapng --key 0123456789abcdef',
      'tuya decode capture.pcap --devices devices.json --json',
      'tuya decode 000055aa00000000000000090000000c00000000b051ab030000aa55 --version 3.3',
      'pbpaste | tuya decode --device "Living room lamp" --direction from-device',
      'tcpdump -i eth0 -c 200 -w - port 6668 or udp | tuya decode --key 0123456789abcdef',
    ],
    async run(args: ParsedArgs, io: CommandIo): Promise<number> {
      const settings = decodeSettings(args)
      let key = settings.key
      let keySource: string | undefined
      let versionHint: ProtocolVersion | undefined
      let devices: DeviceEntry[] = []
      if (key === undefined) {
        devices = await loadDevices(settings.devicesFile, { env: deps.env, isRequired: settings.devicesFile !== undefined || settings.device !== undefined })
        if (settings.device !== undefined) {
          const device = resolveDevice(settings.device, devices)
          key = toKeyBytes(device.key)
          keySource = `devices.json "${device.name}" (--device)`
          versionHint = device.version
          io.err(`key and version of "${device.name}" (${device.id}) from devices.json`)
        }
      }
      const isColor = !settings.isJson && !settings.noColor && deps.isStdoutTty() && (deps.env['NO_COLOR'] ?? '') === ''
      const emit = emitter(settings, io, isColor)
      const hexOptions = {
        ...(key === undefined ? {} : { key }),
        ...(keySource === undefined ? {} : { keySource }),
        ...(settings.sessionKey === undefined ? {} : { sessionKey: settings.sessionKey }),
        ...(settings.version === undefined ? {} : { version: settings.version }),
        ...(versionHint === undefined ? {} : { versionHint }),
        ...(settings.direction === undefined ? {} : { direction: settings.direction }),
        devices,
        showKeys: settings.showKeys,
      }
      if (settings.hexFrames.length > 0) {
        const { records, stats } = decodeHexFrames(settings.hexFrames, hexOptions)
        emit(records)
        return stats.failedFrames > 0 ? 1 : 0
      }
      let bytes: Uint8Array
      const name = settings.file === undefined || settings.file === '-' ? 'stdin' : settings.file
      if (name === 'stdin') {
        if (settings.file === undefined && deps.isStdinTty()) throw new UsageError('nothing to decode: give hex frames or a capture file, or pipe hex lines or a capture into stdin')
        bytes = await deps.readStdin(io.signal)
      } else {
        try {
          bytes = await deps.readFile(name)
        } catch (error) {
          io.err(`tuya decode: cannot read ${name}: ${(error as Error).message}`)
          return 1
        }
      }
      if (!isCapture(bytes)) {
        const lines = frameLines(new TextDecoder().decode(bytes))
        if (lines.length === 0) {
          io.err(`tuya decode: ${name} holds no frames (expected a pcap/pcapng capture or hex lines)`)
          return 1
        }
        const { records, stats } = decodeHexFrames(lines, hexOptions)
        emit(records)
        return stats.failedFrames > 0 ? 1 : 0
      }
      const result = decodeCapture(bytes, {
        ...(key === undefined ? {} : { key }),
        ...(keySource === undefined ? {} : { keySource }),
        ...(settings.sessionKey === undefined ? {} : { sessionKey: settings.sessionKey }),
        ...(settings.version === undefined ? {} : { version: settings.version }),
        ...(versionHint === undefined ? {} : { versionHint }),
        ...(settings.devicePort === undefined ? {} : { devicePort: settings.devicePort }),
        devices,
        showKeys: settings.showKeys,
      })
      emit(result.records)
      io.err(`tuya decode: ${summary(result.stats)}`)
      if (result.captureError !== undefined) {
        io.err(`tuya decode: ${name} is damaged: ${result.captureError.message}; the packets before it were decoded`)
        return 1
      }
      if (result.stats.frames === 0) {
        io.err(`tuya decode: no Tuya frames in ${name} (TCP streams with 55AA/6699 frames, UDP 6666/6667/7000)`)
        return 1
      }
      return result.stats.failedFrames > 0 ? 1 : 0
    },
  }
}

/** `tuya decode`, wired to the process. */
export const decodeCommand: Command = createDecodeCommand()
