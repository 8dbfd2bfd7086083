/**
 * Options and events of the bridge.
 */
import type { FleetDeviceOptions, FleetOptions, ProtocolVersion } from '@tuya/client'
import type { IClientOptions, MqttClient } from 'mqtt'
import type { DeviceProfile } from './profile/types.ts'

/** One device of the bridge. */
export interface BridgeDevice {
  /** The device id (a gateway child's own id). */
  readonly id: string
  /** The local key (not for gateway children: they use their gateway's). Never published or logged. */
  readonly key?: string
  readonly host?: string
  readonly port?: number
  readonly version?: ProtocolVersion | 'auto'
  /** A name for Home Assistant and logs. Default: the id. */
  readonly name?: string
  /** The product or model, shown in Home Assistant. */
  readonly model?: string
  /** What the DPs mean. Without one, entities are guessed from the first values (bools become switches, the rest sensors). */
  readonly profile?: DeviceProfile
  /** A gateway: its children are listed as devices with `cid` and `gatewayId`. */
  readonly isGateway?: boolean
  /** A gateway child: its node id. */
  readonly cid?: string
  /** A gateway child: the gateway's device id (the gateway must be a device of the bridge too). */
  readonly gatewayId?: string
}

/** One log line of the bridge. Never contains a local key. */
export interface BridgeLogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error'
  readonly message: string
  /** The device's topic path (its id, or `<gateway-id>/<cid>`), when the line is about one. */
  readonly device?: string
}

/** Options of {@link createBridge}. */
export interface BridgeOptions {
  /**
   * The broker: a URL (`mqtt://host:1883`, `mqtts://host:8883`), MQTT.js options with `url`, or
   * an MQTT.js client you made (not yet connected; the bridge sets no last will on it then).
   */
  readonly mqtt: string | (IClientOptions & { readonly url: string }) | MqttClient
  readonly devices: readonly BridgeDevice[]
  /** Topic root. Default `tuya`. */
  readonly root?: string
  /** Home Assistant discovery prefix, or `false` for no discovery. Default `homeassistant`. */
  readonly discoveryPrefix?: string | false
  /** How long a command may take before its result is an error (ms). Default 10000. */
  readonly commandTimeoutMs?: number
  /** Options shared by the devices' fleet (cap on simultaneous connects, timeouts, reconnect...). */
  readonly fleet?: FleetOptions
  /**
   * A transport and a client logger of one device's own, over the fleet's: what `tuya bridge
   * --debug` uses to print every frame of every device. Called once per device with a
   * connection of its own (not for gateway children, which share their gateway's).
   */
  readonly deviceOptions?: (device: BridgeDevice) => BridgeDeviceOptions
  readonly logger?: (entry: BridgeLogEntry) => void
}

/** What {@link BridgeOptions.deviceOptions} may set for one device. */
export type BridgeDeviceOptions = Pick<FleetDeviceOptions, 'transport' | 'logger'>

/** What the bridge knows of a device (for status displays). */
export interface BridgeDeviceStatus {
  readonly path: string
  readonly id: string
  readonly name: string
  readonly isOnline: boolean
  /** When a DP last changed (ms since the epoch). */
  readonly lastChangeAt?: number
  readonly state: Readonly<Record<string, unknown>>
}

/** The bridge's events. */
export interface BridgeEventMap {
  /** A device came online or went offline, or its DPs changed. */
  device: BridgeDeviceStatus
  /** A command was answered on `result`. */
  command: { readonly path: string; readonly topic: string; readonly isOk: boolean; readonly error?: Error }
  /** The broker connection came up or went down. */
  broker: { readonly isConnected: boolean; readonly error?: Error }
}
