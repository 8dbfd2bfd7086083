/**
 * Errors of `@tuya/discovery`. Datagrams never cause a throw (they are counted and ignored);
 * these are for what the caller can act on: a port that cannot be bound, a device not found.
 */
import { TuyaError } from '@tuya/crypto'

/** Base class of the discovery errors. */
export class DiscoveryError extends TuyaError {
  static override readonly code: string = 'TUYA_ERR_DISCOVERY'
  static override readonly scope: string = '@tuya/discovery'
}

/** Who usually holds the discovery ports, for the message of {@link DiscoveryBindError}. */
const LIKELY_HOLDERS =
  "another Tuya tool (tinytuya's scanner, tuyapi, LocalTuya), Home Assistant's tuya integration, " +
  'or a second discovery instance or program that bound it without SO_REUSEADDR (reuseAddr)'

/**
 * A UDP port could not be bound. The `cause` is the system error (`EADDRINUSE`, `EACCES`, ...).
 * Every socket opened before the failure has been closed again.
 */
export class DiscoveryBindError extends DiscoveryError {
  static override readonly code: string = 'TUYA_ERR_DISCOVERY_BIND'
  /** The UDP port that could not be bound. */
  readonly port: number
  /** The local address it was bound on. */
  readonly address: string
  /** The system error code, such as `EADDRINUSE`, when the runtime gave one. */
  readonly systemCode: string | undefined

  /**
   * @param port - the UDP port
   * @param address - the local address
   * @param cause - the error of the bind call
   */
  constructor(port: number, address: string, cause: unknown) {
    const systemCode = typeof (cause as { code?: unknown } | null)?.code === 'string' ? (cause as { code: string }).code : undefined
    const what = `cannot listen on UDP ${address}:${port}${systemCode === undefined ? '' : ` (${systemCode})`}`
    let hint: string
    if (systemCode === 'EACCES' || systemCode === 'EPERM') hint = 'this port needs more privileges here; pick another with the `ports` option'
    else if (systemCode === 'EADDRNOTAVAIL') hint = `no local interface has the address ${address}; check \`bindAddress\``
    else hint = `the port is probably held by ${LIKELY_HOLDERS}. Stop it, let it share the port, or pass other \`ports\``
    super(`${what}: ${hint}`, { cause })
    this.port = port
    this.address = address
    this.systemCode = systemCode
  }
}

/** `findDevice()` saw no beacon from the wanted id before its timeout. */
export class DeviceNotFoundError extends DiscoveryError {
  static override readonly code: string = 'TUYA_ERR_DISCOVERY_NOT_FOUND'
  /** The device id that was looked for. */
  readonly id: string
  /** How long it was looked for, in ms. */
  readonly timeoutMs: number

  /**
   * @param id - the wanted device id
   * @param timeoutMs - how long the search ran
   */
  constructor(id: string, timeoutMs: number) {
    super(
      `no beacon from device ${id} within ${timeoutMs} ms: check that it is powered and on this subnet (broadcasts do not cross ` +
        'routers or VLANs), that no app holds its connection (many devices stop beaconing then), and for 3.5 devices enable ' +
        '`solicit` (current firmware stays silent until asked); or connect by IP directly',
    )
    this.id = id
    this.timeoutMs = timeoutMs
  }
}

/** The discovery was used after `close()`. */
export class DiscoveryClosedError extends DiscoveryError {
  static override readonly code: string = 'TUYA_ERR_DISCOVERY_CLOSED'
}
