/**
 * `createBridge()`: every device of a fleet on an MQTT broker. The fleet (`@tuya/client`) keeps
 * the device connections; the bridge turns their reports into retained state topics, their
 * connections into availability, and `set` messages into commands whose every outcome is
 * published on `result`. On each (re)connection to the broker it publishes everything again
 * (a broker restarted without persistence has lost the retained messages), and so it does for
 * Home Assistant's discovery when HA announces itself on `<prefix>/status`.
 */
import { createFleet, TypedEventTarget, type Dps, type TuyaDevice, type TuyaFleet } from '@tuya/client'
import type { IClientPublishOptions, IPublishPacket, MqttClient } from 'mqtt'
import { connectClient, waitForConnection } from './broker.ts'
import { parseCommand } from './commands.ts'
import { haLightState } from './entities/ha-light.ts'
import { CommandError, UnknownDeviceError } from './errors.ts'
import { discoveryConfig, discoveryTopic } from './home-assistant.ts'
import { profileFromValues } from './profile/derive.ts'
import type { DeviceProfile } from './profile/types.ts'
import { bridgeAvailabilityTopic, checkRoot, commandFilters, deviceTopics, type DeviceTopics } from './topics.ts'
import type { BridgeDevice, BridgeDeviceStatus, BridgeEventMap, BridgeLogEntry, BridgeOptions } from './types.ts'

const RETAINED: IClientPublishOptions = { qos: 1, retain: true }
/** Device ids and cids become topic levels: no separators, wildcards or spaces. */
const TOPIC_LEVEL = /^[^/+#\s\u0000]+$/

/** One device (or gateway child) as the bridge follows it. */
interface Node {
  readonly path: string
  readonly id: string
  readonly name: string
  readonly model: string | undefined
  readonly gatewayId: string | undefined
  readonly cid: string | undefined
  readonly topics: DeviceTopics
  readonly handle: TuyaDevice
  profile: DeviceProfile | undefined
  readonly isStrict: boolean
  state: Dps
  isOnline: boolean
  lastChangeAt: number | undefined
}

function errorOf(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value))
}

/** The bridge (see {@link createBridge}). */
export class TuyaMqttBridge extends TypedEventTarget<BridgeEventMap> {
  readonly #root: string
  readonly #prefix: string | false
  readonly #timeoutMs: number
  readonly #log: (entry: BridgeLogEntry) => void
  readonly #fleet: TuyaFleet
  readonly #client: MqttClient
  readonly #nodes = new Map<string, Node>()
  /** Gateway id -> cid -> child node. */
  readonly #children = new Map<string, Map<string, Node>>()
  #isClosed = false

  /** @internal use createBridge() */
  constructor(options: BridgeOptions) {
    super()
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object: { mqtt, devices }')
    this.#root = checkRoot(options.root ?? 'tuya')
    const prefix = options.discoveryPrefix ?? 'homeassistant'
    this.#prefix = prefix === false ? false : checkRoot(prefix, 'discoveryPrefix')
    this.#timeoutMs = options.commandTimeoutMs ?? 10_000
    if (!Number.isFinite(this.#timeoutMs) || this.#timeoutMs <= 0) throw new RangeError(`options.commandTimeoutMs must be a number of ms above 0, got ${String(options.commandTimeoutMs)}`)
    this.#log = options.logger ?? (() => {})
    if (!Array.isArray(options.devices)) throw new TypeError('options.devices must be an array of { id, key, host, version, profile? }')
    this.#fleet = createFleet({ autoConnect: false, ...options.fleet })
    if (options.deviceOptions !== undefined && typeof options.deviceOptions !== 'function') throw new TypeError('options.deviceOptions must be a function (device) => { transport?, logger? }')
    this.#addDevices(options.devices, options.deviceOptions)
    this.#client = this.#makeClient(options.mqtt)
    this.#fleet.addEventListener('online', (e) => this.#onOnline(e.detail.id))
    this.#fleet.addEventListener('offline', (e) => this.#setOnline(this.#nodes.get(e.detail.id), false, e.detail.reason))
    this.#fleet.addEventListener('error', (e) => this.#log({ level: 'warn', message: `connection failed: ${e.detail.error.message}`, device: e.detail.id }))
    this.#fleet.addEventListener('dps', (e) => {
      const node = e.detail.cid === undefined ? this.#nodes.get(e.detail.id) : this.#children.get(e.detail.id)?.get(e.detail.cid)
      if (node !== undefined) this.#onDps(node, e.detail.dps)
    })
  }

  /** The MQTT.js client (for your own subscriptions; do not end it yourself). */
  get mqtt(): MqttClient { return this.#client }
  /** The fleet holding the device connections. */
  get fleet(): TuyaFleet { return this.#fleet }
  /** Whether the broker connection is up. */
  get isConnected(): boolean { return this.#client.connected }

  /** Where every device stands. */
  devices(): BridgeDeviceStatus[] {
    return [...this.#nodes.values()].map((n) => this.#status(n))
  }

  /**
   * Connects to the broker and starts connecting the devices (capped by the fleet). Devices that
   * cannot be reached keep retrying; their availability says so.
   * @param options - signal, timeoutMs for the first broker connection (default 30000)
   * @returns once the broker connection is up
   * @throws MqttBridgeError when the broker cannot be reached in time (its last error as `cause`)
   */
  async start(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
    if (!this.#client.connected) await waitForConnection(this.#client, options.timeoutMs ?? 30_000, options.signal)
    void this.#fleet.connectAll().catch(() => {})
  }

  /**
   * Publishes `offline` for every device and the bridge, disconnects from the broker and closes
   * every device connection.
   */
  async close(): Promise<void> {
    if (this.#isClosed) return
    this.#isClosed = true
    if (this.#client.connected) {
      const last = [...this.#nodes.values()].map((n) => this.#client.publishAsync(n.topics.availability, 'offline', RETAINED).catch(() => undefined))
      last.push(this.#client.publishAsync(bridgeAvailabilityTopic(this.#root), 'offline', RETAINED).catch(() => undefined))
      await Promise.race([Promise.all(last), new Promise((resolve) => setTimeout(resolve, 2000).unref?.())])
    }
    await Promise.all([this.#client.endAsync().catch(() => undefined), this.#fleet.close()])
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  #addDevices(devices: readonly BridgeDevice[], deviceOptions: BridgeOptions['deviceOptions']): void {
    const gateways = new Map<string, TuyaDevice>()
    const children = devices.filter((d) => d?.cid !== undefined)
    for (const d of devices) {
      if (typeof d !== 'object' || d === null || typeof d.id !== 'string' || !TOPIC_LEVEL.test(d.id)) throw new TypeError(`each device must be an object with an id that can be a topic level (no / + # or spaces), got ${JSON.stringify(d?.id)}`)
      if (d.cid !== undefined && (typeof d.cid !== 'string' || !TOPIC_LEVEL.test(d.cid))) throw new TypeError(`device ${d.id}: cid must be a string that can be a topic level, got ${JSON.stringify(d.cid)}`)
      if (d.cid !== undefined) continue
      if (this.#nodes.has(d.id)) throw new RangeError(`device ${d.id} is listed twice`)
      const isGateway = d.isGateway === true || children.some((c) => c.gatewayId === d.id)
      const own = deviceOptions?.(d) ?? {}
      const handle = this.#fleet.add({
        id: d.id,
        key: d.key!,
        ...(d.host === undefined ? {} : { host: d.host }),
        ...(d.port === undefined ? {} : { port: d.port }),
        ...(d.version === undefined ? {} : { version: d.version }),
        ...(isGateway ? { isGateway: true } : {}),
        ...(own.transport === undefined ? {} : { transport: own.transport }),
        ...(own.logger === undefined ? {} : { logger: own.logger }),
      })
      if (isGateway) gateways.set(d.id, handle)
      this.#nodes.set(d.id, this.#node(d, d.id, handle))
    }
    for (const d of children) {
      if (d.gatewayId === undefined) throw new TypeError(`device ${d.id} has a cid but no gatewayId`)
      const gateway = gateways.get(d.gatewayId)
      if (gateway === undefined) throw new RangeError(`device ${d.id}: its gateway ${d.gatewayId} is not among the devices`)
      const path = `${d.gatewayId}/${d.cid}`
      const node = this.#node(d, path, gateway.subdevice(d.cid!))
      this.#nodes.set(path, node)
      let map = this.#children.get(d.gatewayId)
      if (map === undefined) this.#children.set(d.gatewayId, (map = new Map()))
      map.set(d.cid!, node)
    }
  }

  #node(d: BridgeDevice, path: string, handle: TuyaDevice): Node {
    return {
      path,
      id: d.id,
      name: d.name ?? d.id,
      model: d.model,
      gatewayId: d.gatewayId,
      cid: d.cid,
      topics: deviceTopics(this.#root, path),
      handle,
      profile: d.profile,
      isStrict: d.profile !== undefined,
      state: {},
      isOnline: false,
      lastChangeAt: undefined,
    }
  }

  #makeClient(mqtt: BridgeOptions['mqtt']): MqttClient {
    const client = connectClient(mqtt, { topic: bridgeAvailabilityTopic(this.#root), payload: 'offline', qos: 1, retain: true })
    client.on('connect', () => void this.#onBrokerConnect())
    client.on('close', () => this.emit('broker', { isConnected: false }))
    client.on('error', (error) => {
      this.#log({ level: 'warn', message: `broker: ${error.message}` })
      this.emit('broker', { isConnected: false, error })
    })
    client.on('message', (topic, payload, packet) => this.#onMessage(topic, payload, packet))
    return client
  }

  async #onBrokerConnect(): Promise<void> {
    this.#log({ level: 'info', message: 'connected to the broker' })
    this.emit('broker', { isConnected: true })
    const filters = commandFilters(this.#root)
    if (this.#prefix !== false) filters.push(`${this.#prefix}/status`)
    try {
      await this.#client.subscribeAsync(filters, { qos: 1 })
      await this.#client.publishAsync(bridgeAvailabilityTopic(this.#root), 'online', RETAINED)
      await Promise.all([...this.#nodes.values()].map((n) => this.#publishAll(n)))
    } catch (error) {
      this.#log({ level: 'warn', message: `could not subscribe or publish after connecting: ${errorOf(error).message}` })
    }
  }

  /** Everything about a device: availability, state, DP and entity states, discovery. */
  async #publishAll(node: Node): Promise<void> {
    const sends = [this.#publish(node.topics.availability, node.isOnline ? 'online' : 'offline')]
    if (Object.keys(node.state).length > 0) sends.push(this.#publishState(node, node.state))
    if (this.#prefix !== false) sends.push(this.#publishDiscovery(node))
    await Promise.all(sends)
  }

  async #publish(topic: string, payload: string, options: IClientPublishOptions = RETAINED): Promise<void> {
    // While the broker is away, publishing would only queue stale messages: everything is published again on reconnect.
    if (!this.#client.connected) return
    try {
      await this.#client.publishAsync(topic, payload, options)
    } catch (error) {
      this.#log({ level: 'debug', message: `publish to ${topic} failed: ${errorOf(error).message}` })
    }
  }

  async #publishState(node: Node, changed: Dps): Promise<void> {
    const sends = [this.#publish(node.topics.state, JSON.stringify(node.state))]
    for (const [dp, value] of Object.entries(changed)) sends.push(this.#publish(node.topics.dpState(dp), JSON.stringify(value)))
    for (const entity of node.profile?.entities ?? []) {
      if (entity.kind !== 'light') continue
      const dps = [entity.switch, entity.brightness, entity.colour, entity.colourTemp, entity.mode]
      if (dps.some((dp) => dp !== undefined && dp in changed)) sends.push(this.#publish(node.topics.entityState(entity.key), JSON.stringify(haLightState(entity, node.profile!.dps, node.state))))
    }
    await Promise.all(sends)
  }

  async #publishDiscovery(node: Node): Promise<void> {
    if (this.#prefix === false || node.profile === undefined) return
    const config = discoveryConfig({ id: node.id, name: node.name, profile: node.profile, topics: node.topics, ...(node.model === undefined ? {} : { model: node.model }), ...(node.gatewayId === undefined ? {} : { viaId: node.gatewayId }) }, bridgeAvailabilityTopic(this.#root))
    await this.#publish(discoveryTopic(this.#prefix, node.id), JSON.stringify(config))
  }

  #onOnline(id: string): void {
    const node = this.#nodes.get(id)
    if (node === undefined) return
    this.#setOnline(node, true)
    // Read the state once per connection: pushes carry only what changed.
    const reads = [node.handle.status({ timeoutMs: this.#timeoutMs }).then((dps) => this.#onDps(node, dps))]
    const children = [...(this.#children.get(id)?.values() ?? [])]
    for (const child of children) reads.push(child.handle.status({ timeoutMs: this.#timeoutMs }).then((dps) => this.#onDps(child, dps)))
    // A child the gateway lists as offline (out of radio range, no battery) is offline whatever the
    // gateway's own connection; the list is read once per gateway connection. A gateway that does
    // not answer the query (cmd 64) leaves its children following its own connection.
    if (children.length > 0) {
      reads.push(node.handle.subdevices({ timeoutMs: this.#timeoutMs }).then(
        ({ offline }) => {
          for (const child of children) this.#setOnline(child, node.isOnline && !offline.includes(child.cid!), 'offline at its gateway')
        },
        (error: unknown) => {
          for (const child of children) this.#setOnline(child, node.isOnline)
          throw error
        },
      ))
    }
    void Promise.allSettled(reads).then((results) => {
      for (const r of results) if (r.status === 'rejected') this.#log({ level: 'warn', message: `status read failed: ${errorOf(r.reason).message}`, device: id })
    })
  }

  #setOnline(node: Node | undefined, isOnline: boolean, reason?: string): void {
    if (node === undefined) return
    // A gateway going offline takes its children with it; coming online, they wait for its list.
    const nodes = [node, ...(node.cid === undefined && !isOnline ? this.#children.get(node.id)?.values() ?? [] : [])]
    for (const n of nodes) {
      if (n.isOnline === isOnline) continue
      n.isOnline = isOnline
      this.#log({ level: 'info', message: isOnline ? 'online' : `offline${reason === undefined ? '' : ` (${reason})`}`, device: n.path })
      void this.#publish(n.topics.availability, isOnline ? 'online' : 'offline')
      this.emit('device', this.#status(n))
    }
  }

  #onDps(node: Node, dps: Dps): void {
    const changed: Dps = {}
    let isNewDp = false
    for (const [dp, value] of Object.entries(dps)) {
      if (value === undefined) continue
      if (!(dp in node.state)) isNewDp = true
      if (node.state[dp] !== value) changed[dp] = value
    }
    if (Object.keys(changed).length === 0) return
    node.state = { ...node.state, ...changed }
    node.lastChangeAt = Date.now()
    void this.#publishState(node, changed)
    if (!node.isStrict && (node.profile === undefined || isNewDp)) {
      node.profile = profileFromValues(node.state)
      void this.#publishDiscovery(node)
    }
    this.emit('device', this.#status(node))
  }

  #resolve(levels: readonly string[]): { node: Node; rest: string[] } | undefined {
    const [first, second, ...more] = levels
    const single = this.#nodes.get(first!)
    if (single !== undefined && (levels.length === 1 || second === 'dp' || second === 'entity')) return { node: single, rest: levels.slice(1) }
    const child = second === undefined ? undefined : this.#nodes.get(`${first}/${second}`)
    return child === undefined ? undefined : { node: child, rest: more }
  }

  #onMessage(topic: string, payload: Uint8Array, packet: IPublishPacket): void {
    if (this.#prefix !== false && topic === `${this.#prefix}/status`) {
      if (new TextDecoder().decode(payload) === 'online') {
        this.#log({ level: 'info', message: 'Home Assistant came online: publishing discovery again' })
        for (const node of this.#nodes.values()) void this.#publishDiscovery(node)
      }
      return
    }
    if (!topic.startsWith(`${this.#root}/`) || !topic.endsWith('/set')) return
    // Retained commands would replay on every reconnect: act only on live ones.
    if (packet.retain) return
    const levels = topic.slice(this.#root.length + 1, -'/set'.length).split('/')
    const found = this.#resolve(levels)
    const properties = packet.properties
    const reply = (node: Node | undefined, body: Record<string, unknown>, error?: Error): void => {
      const resultTopic = node?.topics.result ?? `${this.#root}/${levels[0]}/result`
      const options: IClientPublishOptions = { qos: 1, retain: false }
      if (properties?.correlationData !== undefined) options.properties = { correlationData: properties.correlationData }
      const text = JSON.stringify({ topic, ...body })
      void this.#publish(resultTopic, text, options)
      if (properties?.responseTopic !== undefined && properties.responseTopic !== resultTopic) void this.#publish(properties.responseTopic, text, options)
      this.emit('command', { path: node?.path ?? levels[0]!, topic, isOk: error === undefined, ...(error === undefined ? {} : { error }) })
    }
    const fail = (node: Node | undefined, error: Error, requestId?: string): void => {
      this.#log({ level: node === undefined || error instanceof CommandError ? 'warn' : 'info', message: `command on ${topic} failed: ${error.message}`, ...(node === undefined ? {} : { device: node.path }) })
      reply(node, { ok: false, ...(requestId === undefined ? {} : { id: requestId }), error: { code: (error as { code?: string }).code ?? error.name, message: error.message } }, error)
    }
    if (found === undefined) {
      fail(undefined, new UnknownDeviceError(`no device ${levels.slice(0, 2).join('/')} on this bridge; the device paths are ids, and <gateway-id>/<cid> for gateway children`))
      return
    }
    const { node, rest } = found
    let command
    try {
      // A guessed profile (no mapping, no file) knows too little to refuse values: only their JSON types are checked.
      command = parseCommand(rest, payload, node.isStrict && node.profile !== undefined ? node.profile : { dps: {}, entities: [] }, node.isStrict, node.state)
    } catch (error) {
      fail(node, errorOf(error))
      return
    }
    const { requestId } = command
    node.handle.set(command.dps, { timeoutMs: this.#timeoutMs, failFast: true }).then(
      (dps) => reply(node, { ok: true, ...(requestId === undefined ? {} : { id: requestId }), dps }),
      (error: unknown) => fail(node, errorOf(error), requestId),
    )
  }

  #status(node: Node): BridgeDeviceStatus {
    return { path: node.path, id: node.id, name: node.name, isOnline: node.isOnline, state: node.state, ...(node.lastChangeAt === undefined ? {} : { lastChangeAt: node.lastChangeAt }) }
  }
}

/**
 * Creates a bridge between Tuya devices and an MQTT broker. Call `start()` to connect.
 * @param options - mqtt (URL, options or client), devices, root (`tuya`), discoveryPrefix
 *   (`homeassistant`, or false), commandTimeoutMs (10000), fleet options, logger
 * @returns the bridge
 * @throws TypeError or RangeError for bad options (naming the option)
 * @example
 * ```ts
 * const bridge = createBridge({ mqtt: 'mqtt://localhost:1883', devices: [{ id, key, host, version: '3.4' }] })
 * await bridge.start()
 * ```
 */
export function createBridge(options: BridgeOptions): TuyaMqttBridge {
  return new TuyaMqttBridge(options)
}
