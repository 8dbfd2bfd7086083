/**
 * `tuya scan`: lists the Tuya devices on the network from their UDP beacons (@tuya/discovery)
 * as they appear, with names and keys from devices.json. Listening is passive; the 3.5
 * solicitation goes out only with `--broadcast ADDR`, and only to ADDR.
 */
import { createDiscovery, udpTransport, type Discovery } from '@tuya/discovery'
import { UsageError, type Command, type CommandIo, type ParsedArgs } from '../args.ts'
import { DEBUG_FLAG, frameDebugOf } from '../debug-frames.ts'
import { DEVICES_FLAG, loadDevices, type DeviceEntry } from '../devices-file.ts'
import { timeoutMsOf } from '../device-target.ts'
import { DISCOVERY_FLAGS, discoveryOptions, discoveryUsageError, describeBindError } from '../discovery-flags.ts'
import { jsonView, liveView, plainView, type ScanView } from '../scan-view.ts'
import { painter } from '../style.ts'
import { isColorOn, PROCESS_TERMINAL, waitUntil, type TerminalDeps } from '../terminal.ts'

const PROGRAM = 'tuya scan'
const TICK_MS = 100

function listeningText(ports: Readonly<Record<string, number>>, broadcast: string | undefined): string {
  const list = Object.values(ports).join(', ')
  return broadcast === undefined ? `listening on UDP ${list} (passive: nothing is sent)` : `listening on UDP ${list}, asking 3.5 devices at ${broadcast}`
}

function summaryLines(discovery: Discovery, known: ReadonlyMap<string, DeviceEntry>, seconds: number, broadcast: string | undefined): string[] {
  const found = discovery.devices()
  const named = found.filter((d) => known.has(d.id)).length
  const lines: string[] = []
  const took = `in ${seconds.toFixed(seconds < 10 ? 1 : 0)} s`
  if (found.length === 0) {
    const hint = broadcast === undefined ? '; 3.5 devices stay silent unless asked (--broadcast 192.168.1.255)' : ''
    lines.push(`no devices found ${took}: devices beacon every ~5 s on UDP 6666/6667 to their own subnet; check that a firewall lets them in${hint}`)
  } else {
    lines.push(`${found.length} device${found.length === 1 ? '' : 's'} found ${took}${known.size === 0 ? '' : ` (${named} named from devices.json)`}`)
  }
  const seen = new Set(found.map((d) => d.id))
  const missing = [...known.values()].filter((d) => !seen.has(d.id))
  if (missing.length > 0 && found.length > 0) {
    const names = missing.slice(0, 5).map((d) => `"${d.name}"`).join(', ')
    lines.push(`not seen from devices.json: ${names}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`)
  }
  return lines
}

/**
 * The `scan` command, with an injectable terminal.
 * @param terminal - stdout/stderr TTY checks and the environment
 * @returns the command
 */
export function createScanCommand(terminal: TerminalDeps = PROCESS_TERMINAL): Command {
  return {
    name: 'scan',
    summary: 'list the Tuya devices on this network as their beacons arrive (names and keys from devices.json)',
    usage: 'scan [--timeout S] [--json] [--broadcast ADDR] [--devices FILE] [--debug]',
    flags: [
      { name: 'timeout', type: 'number', valueName: 'S', description: 'stop after S seconds; 0 = until Ctrl-C', defaultText: '10' },
      { name: 'json', type: 'boolean', description: 'one JSON object per device on stdout, as each appears' },
      DEVICES_FLAG,
      { name: 'show-keys', type: 'boolean', description: 'print the local keys from devices.json (hidden by default)' },
      { name: 'no-color', type: 'boolean', description: 'no colours (also NO_COLOR=1; colours only on a terminal anyway)' },
      DEBUG_FLAG,
      ...DISCOVERY_FLAGS,
    ],
    examples: [
      'tuya scan',
      'tuya scan --broadcast 192.168.1.255          # also ask 3.5 devices, which stay silent until asked',
      'tuya scan --json --timeout 6 | jq -r .ip',
      'tuya scan --devices ~/tuya/devices.json --timeout 0',
      'tuya scan --debug                                 # every datagram on stderr: hex and JSON',
    ],
    async run(args: ParsedArgs, io: CommandIo): Promise<number> {
      if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'`)
      const timeoutMs = timeoutMsOf(args, true)
      const options = discoveryOptions(args)
      const isJson = args.values['json'] === true
      const file = args.values['devices'] as string | undefined
      const entries = await loadDevices(file, { env: terminal.env, isRequired: file !== undefined })
      const known = new Map(entries.filter((d) => !d.isSub).map((d) => [d.id, d]))
      const subdevices = new Map<string, number>()
      for (const d of entries) if (d.isSub && d.parentId !== undefined) subdevices.set(d.parentId, (subdevices.get(d.parentId) ?? 0) + 1)
      // Beacons are encrypted with a key every device shares, not a device's own: nothing to hide.
      const debug = frameDebugOf(args, io)
      let discovery: Discovery
      try {
        discovery = await createDiscovery(debug === undefined ? options : { ...options, transport: debug.transport(udpTransport()) })
      } catch (error) {
        const bind = describeBindError(error)
        if (bind === undefined) throw discoveryUsageError(error) ?? error
        io.err(`${PROGRAM}: ${bind}`)
        return 1
      }
      const started = Date.now()
      const endsAtMs = timeoutMs === 0 ? Infinity : started + timeoutMs
      const isLive = !isJson && terminal.isStdoutTty() && debug === undefined
      const viewOptions = {
        out: io.out,
        err: io.err,
        paint: painter(isColorOn(terminal, isJson || args.values['no-color'] === true)),
        known,
        subdevices,
        isShowKeys: args.values['show-keys'] === true,
        listening: listeningText(discovery.ports, options.solicit?.address),
        endsAtMs,
        columns: terminal.columns?.(),
      }
      const view: ScanView = isJson ? jsonView(viewOptions) : isLive ? liveView(viewOptions) : plainView(viewOptions)
      view.start()
      discovery.addEventListener('device', (event) => view.device(event.detail))
      const ticker = isLive ? setInterval(() => view.tick(), TICK_MS) : undefined
      try {
        await waitUntil(endsAtMs - started, io.signal)
      } finally {
        if (ticker !== undefined) clearInterval(ticker)
        await discovery.close()
      }
      view.finish(summaryLines(discovery, known, (Date.now() - started) / 1000, options.solicit?.address))
      return 0
    },
  }
}

/** The `scan` command. */
export const scanCommand: Command = createScanCommand()
