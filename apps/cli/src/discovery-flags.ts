/**
 * The UDP discovery flags shared by `tuya scan` and the device commands (which look a device
 * up by its beacon when devices.json has no address): ports, bind address, and the opt-in
 * 3.5 solicitation. Listening is passive; only `--broadcast ADDR` sends anything, to ADDR only.
 */
import { DiscoveryBindError, isDiscoveryOptionError, type DiscoveryOptions } from '@tuya/discovery'
import { UsageError, type FlagSpec, type ParsedArgs } from './args.ts'

/** `--broadcast`, `--broadcast-port`, `--port-plain`, `--port-encrypted`, `--port-replies`, `--bind`. */
export const DISCOVERY_FLAGS: readonly FlagSpec[] = [
  { name: 'broadcast', type: 'string', valueName: 'ADDR', description: 'ask silent 3.5 devices to answer: send the solicitation to ADDR (your broadcast address, e.g. 192.168.1.255)', defaultText: 'off: nothing is sent' },
  { name: 'broadcast-port', type: 'number', valueName: 'PORT', description: 'UDP port of the solicitation', defaultText: '7000' },
  { name: 'port-plain', type: 'number', valueName: 'PORT', description: 'UDP port for 3.1 plaintext beacons', defaultText: '6666' },
  { name: 'port-encrypted', type: 'number', valueName: 'PORT', description: 'UDP port for 3.2-3.5 encrypted beacons', defaultText: '6667' },
  { name: 'port-replies', type: 'number', valueName: 'PORT', description: 'UDP port for 3.5 answers to --broadcast', defaultText: '7000' },
  { name: 'bind', type: 'string', valueName: 'ADDR', description: 'local address to listen on', defaultText: '0.0.0.0' },
]

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/

function udpPort(args: ParsedArgs, name: string, min: number): number | undefined {
  const value = args.values[name]
  if (value === undefined) return undefined
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > 65535) throw new UsageError(`--${name} must be an integer from ${min} to 65535, got ${String(value)}`)
  return value as number
}

function address(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name]
  if (value === undefined) return undefined
  if (typeof value !== 'string' || !IPV4.test(value)) throw new UsageError(`--${name} must be an IPv4 address such as 192.168.1.255, got '${String(value)}'`)
  return value
}

/**
 * The discovery options of the command line (without timeout and signal).
 * @param args - the parsed command line (DISCOVERY_FLAGS)
 * @returns ports, bindAddress and, with `--broadcast`, solicit
 * @throws UsageError for a bad port or address
 */
export function discoveryOptions(args: ParsedArgs): DiscoveryOptions {
  const broadcast = address(args, 'broadcast')
  const broadcastPort = udpPort(args, 'broadcast-port', 1)
  if (broadcastPort !== undefined && broadcast === undefined) throw new UsageError('--broadcast-port needs --broadcast ADDR')
  const bind = address(args, 'bind')
  const plaintext = udpPort(args, 'port-plain', 0)
  const encrypted = udpPort(args, 'port-encrypted', 0)
  const replies = udpPort(args, 'port-replies', 0)
  return {
    ports: {
      ...(plaintext === undefined ? {} : { plaintext }),
      ...(encrypted === undefined ? {} : { encrypted }),
      ...(replies === undefined ? {} : { replies }),
    },
    ...(bind === undefined ? {} : { bindAddress: bind }),
    ...(broadcast === undefined ? {} : { solicit: { address: broadcast, ...(broadcastPort === undefined ? {} : { port: broadcastPort }) } }),
  }
}

/**
 * A one-line explanation of a discovery port that cannot be bound, naming the CLI flags.
 * @param error - anything thrown by @tuya/discovery
 * @returns the line, or undefined when `error` is not a DiscoveryBindError
 */
export function describeBindError(error: unknown): string | undefined {
  if (!(error instanceof DiscoveryBindError)) return undefined
  const flag = error.port === 6666 ? '--port-plain' : error.port === 6667 ? '--port-encrypted' : error.port === 7000 ? '--port-replies' : 'the --port-* flags'
  const code = error.systemCode === undefined ? '' : ` (${error.systemCode})`
  if (error.systemCode === 'EACCES' || error.systemCode === 'EPERM') return `cannot listen on UDP ${error.address}:${error.port}${code}: not allowed here; choose another port with ${flag}`
  if ((error.cause as Error | undefined)?.name === 'NotCapable') return `cannot listen on UDP ${error.address}:${error.port}: Deno denies network access; run with --allow-net`
  if (error.systemCode === 'EADDRNOTAVAIL') return `cannot listen on UDP ${error.address}:${error.port}${code}: no local interface has that address; check --bind`
  return `cannot listen on UDP ${error.address}:${error.port}${code}: another program holds it (tinytuya, tuyapi, LocalTuya, Home Assistant's tuya integration); stop it or choose another port with ${flag}`
}

/**
 * Turns an option error of @tuya/discovery (a RangeError/TypeError whose `option` is `solicit*`
 * or `ports*`, see `isDiscoveryOptionError`) into a usage error naming the flag.
 * @param error - what createDiscovery, scan or findDevice threw
 * @returns the UsageError, or undefined for any other error
 */
export function discoveryUsageError(error: unknown): UsageError | undefined {
  if (!isDiscoveryOptionError(error)) return undefined
  const { option, reason } = error
  if (option === 'solicit.ip' && reason === 'no-interface') return new UsageError(`--broadcast: no local interface is on that network; use the broadcast address of a network this machine is on`)
  if (option === 'solicit' || option.startsWith('solicit.')) return new UsageError(`--broadcast: ${error.message}`)
  if (option === 'ports' || option.startsWith('ports.')) return new UsageError(`--port-plain/--port-encrypted/--port-replies: ${error.message}`)
  return undefined
}
