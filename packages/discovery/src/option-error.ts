/**
 * Bad options throw a plain `RangeError` or `TypeError` (STYLE.md: bad arguments are not
 * TuyaErrors), with two documented fields so that callers (the CLI, a UI) can tell which option
 * was wrong without reading the message, which may be reworded: `option`, the option's path, and
 * `reason`, what is wrong with it.
 */

/** The path of an option, as written in the options object (`solicit.ip` is `{ solicit: { ip } }`). */
export type DiscoveryOptionName =
  | 'ports'
  | 'ports.plaintext'
  | 'ports.encrypted'
  | 'ports.replies'
  | 'solicit'
  | 'solicit.address'
  | 'solicit.port'
  | 'solicit.intervalMs'
  | 'solicit.ip'
  | 'maxDatagramBytes'
  | 'maxDevices'
  | 'timeoutMs'
  | 'ids'
  | 'ip'

/**
 * What is wrong with the option: `invalid` (wrong type, out of range, or at odds with another
 * option), `missing` (required but not given), `no-interface` (`solicit.ip` was not given and no
 * local interface is on the network of `solicit.address`, so there is no address for devices to
 * answer to: use the broadcast address of a network this host is on, or pass `solicit.ip`).
 */
export type DiscoveryOptionReason = 'invalid' | 'missing' | 'no-interface'

/** The fields an option error carries besides its message. */
export interface DiscoveryOptionFields {
  /** The option's path, such as `'solicit.ip'` or `'ports.plaintext'`. */
  readonly option: DiscoveryOptionName
  /** What is wrong with it. */
  readonly reason: DiscoveryOptionReason
}

/**
 * A `RangeError` or `TypeError` thrown for a bad option, with {@link DiscoveryOptionFields}.
 * Test for it with {@link isDiscoveryOptionError}.
 */
export type DiscoveryOptionError = (RangeError | TypeError) & DiscoveryOptionFields

/**
 * Makes the error for a bad option (internal).
 * @param kind - `RangeError` for a value out of range, `TypeError` for a value of the wrong type
 * @param option - the option's path
 * @param message - what is wrong and what to do
 * @param reason - default `invalid`
 * @returns the error, to be thrown
 */
export function optionError(kind: RangeErrorConstructor | TypeErrorConstructor, option: DiscoveryOptionName, message: string, reason: DiscoveryOptionReason = 'invalid'): DiscoveryOptionError {
  return Object.assign(new kind(message), { option, reason })
}

/**
 * Whether `error` is a bad-option error of `@tuya/discovery`: a `RangeError` or `TypeError`
 * carrying `option` and `reason`. Works across duplicate installs of the package.
 * @param error - anything caught from `createDiscovery`, `scan`, `discover`, `findDevice`, ...
 * @returns true when `error.option` and `error.reason` say which option is wrong, and how
 * @example
 * try { await scan({ solicit: { address: '10.9.9.255' } }) } catch (error) {
 *   if (isDiscoveryOptionError(error) && error.reason === 'no-interface') console.error('not on that network')
 * }
 */
export function isDiscoveryOptionError(error: unknown): error is DiscoveryOptionError {
  if (!(error instanceof RangeError) && !(error instanceof TypeError)) return false
  const { option, reason } = error as Partial<DiscoveryOptionFields>
  return typeof option === 'string' && typeof reason === 'string'
}
