/**
 * `tuya bridge`: every device of devices.json (and of the bridge's YAML file) on an MQTT broker
 * through @tuya/mqtt, with Home Assistant discovery. A live table on a terminal, log lines
 * otherwise; SIGINT/SIGTERM publish `offline` and exit 0. `--embedded-broker` runs an MQTT broker
 * (aedes) in the process on 127.0.0.1, to try it with no setup.
 */
import { readFile } from 'node:fs/promises'
import { createBridge, parseBridgeFile, type BridgeDevice, type BridgeFile, type BridgeLogEntry, type BridgeOptions } from '@tuya/mqtt'
import { UsageError, type Command, type CommandIo, type ParsedArgs } from '../args.ts'
import { bridgeDeviceList } from '../bridge/bridge-devices.ts'
import { liveView, logView, type BridgeCounters, type BridgeView } from '../bridge/bridge-view.ts'
import { startEmbeddedBroker, type EmbeddedBroker } from '../bridge/embedded-broker.ts'
import { DEBUG_FLAG, frameDebugOf } from '../debug-frames.ts'
import { DEVICES_FLAG, loadDevices } from '../devices-file.ts'
import { painter } from '../style.ts'
import { isColorOn, PROCESS_TERMINAL, waitUntil, type TerminalDeps } from '../terminal.ts'

const PROGRAM = 'tuya bridge'
const DEFAULT_EMBEDDED_PORT = 1883

async function readConfig(path: string | undefined): Promise<BridgeFile | undefined> {
  if (path === undefined) return undefined
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read --config ${path}: ${(error as Error).message}`)
  }
  return parseBridgeFile(text, path)
}

function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/**
 * The `bridge` command, with an injectable terminal.
 * @param terminal - TTY checks and the environment (`TUYA_MQTT_PASSWORD`)
 * @returns the command
 */
export function createBridgeCommand(terminal: TerminalDeps = PROCESS_TERMINAL): Command {
  return {
    name: 'bridge',
    summary: 'put every device on an MQTT broker, with Home Assistant discovery, until Ctrl-C',
    usage: 'bridge --mqtt URL [--devices FILE] [--config bridge.yaml] [--username U --password P] [--ca FILE] [--embedded-broker]',
    flags: [
      { name: 'mqtt', type: 'string', valueName: 'URL', description: 'the broker: mqtt://host:1883 or mqtts://host:8883', defaultText: 'mqtt.url of --config; with --embedded-broker, mqtt://127.0.0.1:1883' },
      { name: 'config', type: 'string', valueName: 'FILE', description: 'the bridge YAML file: mqtt settings, device profiles, devices (see @tuya/mqtt README)' },
      DEVICES_FLAG,
      { name: 'username', type: 'string', valueName: 'USER', description: 'broker user name' },
      { name: 'password', type: 'string', valueName: 'PASS', description: 'broker password (better: the TUYA_MQTT_PASSWORD environment variable, not visible in ps)' },
      { name: 'ca', type: 'string', valueName: 'FILE', description: 'CA certificate (PEM) to verify an mqtts:// broker with' },
      { name: 'root', type: 'string', valueName: 'TOPIC', description: 'topic root', defaultText: 'tuya' },
      { name: 'discovery-prefix', type: 'string', valueName: 'TOPIC', description: 'Home Assistant discovery prefix', defaultText: 'homeassistant' },
      { name: 'no-discovery', type: 'boolean', description: 'publish no Home Assistant discovery' },
      { name: 'embedded-broker', type: 'boolean', description: 'run an MQTT broker in this process on 127.0.0.1 (for trying it out)' },
      { name: 'json', type: 'boolean', description: 'log lines as JSON objects on stdout (no live table)' },
      { name: 'connect-timeout', type: 'number', valueName: 'S', description: 'give up when the broker cannot be reached for this long at start', defaultText: '30' },
      { name: 'duration', type: 'number', valueName: 'S', description: 'stop after S seconds', defaultText: 'until Ctrl-C' },
      { name: 'no-color', type: 'boolean', description: 'no colours (also: NO_COLOR=1)' },
      DEBUG_FLAG,
    ],
    examples: [
      'tuya bridge --embedded-broker',
      'tuya bridge --embedded-broker --debug 2> frames.log',
      'tuya bridge --mqtt mqtt://192.168.1.10:1883 --username ha --devices devices.json',
      'TUYA_MQTT_PASSWORD=… tuya bridge --mqtt mqtts://broker.lan:8883 --ca ca.pem --username ha --config bridge.yaml',
    ],
    async run(args: ParsedArgs, io: CommandIo): Promise<number> {
      if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}' (the devices come from devices.json and --config)`)
      const duration = args.values['duration']
      if (duration !== undefined && !((duration as number) > 0)) throw new UsageError(`--duration must be a number of seconds above 0, got ${String(duration)}`)
      const connectTimeout = (args.values['connect-timeout'] as number | undefined) ?? 30
      if (!(connectTimeout > 0)) throw new UsageError(`--connect-timeout must be a number of seconds above 0, got ${String(connectTimeout)}`)
      const isJson = args.values['json'] === true
      const paint = painter(isColorOn(terminal, isJson || args.values['no-color'] === true))
      const config = await readConfig(stringFlag(args, 'config'))
      const isEmbedded = args.values['embedded-broker'] === true
      let url = stringFlag(args, 'mqtt') ?? config?.mqtt.url
      if (url === undefined && !isEmbedded) throw new UsageError('say which broker: --mqtt mqtt://host:1883 (or mqtt.url in --config), or --embedded-broker')
      if (url !== undefined && !/^mqtts?:\/\/[^/]+/.test(url)) throw new UsageError(`--mqtt must be mqtt://host:port or mqtts://host:port, got '${url}'`)
      if (isEmbedded && url?.startsWith('mqtts:') === true) throw new UsageError('--embedded-broker listens without TLS on 127.0.0.1: use an mqtt:// URL (or none)')

      const entries = await loadDevices(stringFlag(args, 'devices'), { env: terminal.env, isRequired: config === undefined || config.devices.length === 0 })
      const { devices, skipped } = bridgeDeviceList(entries, config?.devices ?? [])
      for (const line of skipped) io.err(`${PROGRAM}: skipped ${line}`)
      if (devices.length === 0) {
        io.err(`${PROGRAM}: no device to bridge (devices.json and --config list none with a local key)`)
        return 1
      }

      let broker: EmbeddedBroker | undefined
      if (isEmbedded) {
        const port = url === undefined ? DEFAULT_EMBEDDED_PORT : Number(new URL(url).port || DEFAULT_EMBEDDED_PORT)
        try {
          broker = await startEmbeddedBroker(port)
        } catch (error) {
          io.err(`${PROGRAM}: cannot start the embedded broker on 127.0.0.1:${port}: ${(error as Error).message} (is another broker running? pass --mqtt mqtt://127.0.0.1:PORT to pick another port)`)
          return 1
        }
        url = broker.url
        if (!isJson) io.err(`${PROGRAM}: embedded MQTT broker (MQTT 3.1.1) on ${broker.url}`)
      }
      const caPath = stringFlag(args, 'ca') ?? config?.mqtt.ca
      let ca: Uint8Array | undefined
      if (caPath !== undefined) {
        try {
          ca = await readFile(caPath)
        } catch (error) {
          await broker?.close()
          throw new UsageError(`cannot read --ca ${caPath}: ${(error as Error).message}`)
        }
      }
      const username = stringFlag(args, 'username') ?? config?.mqtt.username
      const password = stringFlag(args, 'password') ?? terminal.env['TUYA_MQTT_PASSWORD'] ?? config?.mqtt.password
      const mqtt: BridgeOptions['mqtt'] = {
        url: url!,
        clientId: config?.mqtt.clientId ?? `tuya-bridge-${Math.random().toString(16).slice(2, 10)}`,
        ...(isEmbedded ? { protocolVersion: 4 as const } : {}),
        ...(username === undefined ? {} : { username }),
        ...(password === undefined ? {} : { password }),
        ...(ca === undefined ? {} : { ca: ca as never }),
      }

      // Frame lines on stderr would tear a live table on the same terminal: --debug logs lines.
      const debug = frameDebugOf(args, io, [...devices.map((d) => d.key), password])
      const isLive = !isJson && debug === undefined && terminal.isStdoutTty()
      const counters: BridgeCounters = { isBrokerConnected: false, commandsOk: 0, commandsFailed: 0 }
      let view: BridgeView = logView(isJson ? io.out : io.err, isJson, paint)
      const log = (entry: BridgeLogEntry): void => view.log(entry)
      const noDiscovery = args.values['no-discovery'] === true
      const bridge = createBridge({
        mqtt,
        devices,
        root: stringFlag(args, 'root') ?? config?.root ?? 'tuya',
        discoveryPrefix: noDiscovery ? false : (stringFlag(args, 'discovery-prefix') ?? config?.discoveryPrefix ?? 'homeassistant'),
        logger: log,
        ...(debug === undefined ? {} : { deviceOptions: (d: BridgeDevice) => debug.deviceOptions({ peer: d.id, key: d.key!, ...(d.version === undefined ? {} : { version: d.version }) }) }),
      })
      bridge.addEventListener('broker', (e) => {
        counters.isBrokerConnected = e.detail.isConnected
        view.changed()
      })
      bridge.addEventListener('command', (e) => {
        if (e.detail.isOk) counters.commandsOk++
        else counters.commandsFailed++
        if (e.detail.isOk) log({ level: 'info', message: `command on ${e.detail.topic}: ok`, device: e.detail.path })
        view.changed()
      })
      const lastLogged = new Map<string, string>()
      bridge.addEventListener('device', (e) => {
        const state = JSON.stringify(e.detail.state)
        if (lastLogged.get(e.detail.path) !== state && Object.keys(e.detail.state).length > 0) log({ level: 'info', message: `state ${state}`, device: e.detail.path })
        lastLogged.set(e.detail.path, state)
        view.changed()
      })
      try {
        log({ level: 'info', message: `connecting to ${url} with ${devices.length} device${devices.length === 1 ? '' : 's'}` })
        await bridge.start({ signal: io.signal, timeoutMs: connectTimeout * 1000 })
        if (isLive) view = liveView(io.out, () => bridge.devices(), counters, paint, () => terminal.columns?.())
        await waitUntil(duration === undefined ? Infinity : (duration as number) * 1000, io.signal)
        return 0
      } catch (error) {
        if (io.signal.aborted) return 0
        io.err(`${PROGRAM}: ${(error as Error).message}`)
        return 1
      } finally {
        view.stop()
        await bridge.close()
        await broker?.close()
        if (!isJson) io.err(`${PROGRAM}: stopped (every device published offline)`)
      }
    },
  }
}

/** The `bridge` command. */
export const bridgeCommand: Command = createBridgeCommand()
