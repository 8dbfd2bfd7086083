/**
 * Checks command values against a profile before anything is sent: a device given a value it
 * cannot take either ignores it or answers with an error text, so the bridge refuses it here,
 * with a message that says what the DP takes.
 */
import type { Dps, DpValue } from '@tuya/client'
import { CommandError } from '../errors.ts'
import type { DpSpec } from './types.ts'

/** Real (scaled) value of a device value: `1234` with scale 1 is `123.4`. */
export function scaledValue(spec: DpSpec | undefined, raw: number): number {
  const scale = spec?.scale ?? 0
  return scale === 0 ? raw : Number((raw / 10 ** scale).toFixed(scale))
}

function describe(spec: DpSpec): string {
  switch (spec.type) {
    case 'bool':
      return 'true or false'
    case 'value':
      return `an integer${spec.min !== undefined && spec.max !== undefined ? ` from ${spec.min} to ${spec.max}` : ''}${spec.step !== undefined && spec.step > 1 ? ` in steps of ${spec.step}` : ''}`
    case 'enum':
      return spec.values === undefined ? 'a string' : `one of ${spec.values.map((v) => JSON.stringify(v)).join(', ')}`
    default:
      return 'a string'
  }
}

/**
 * Checks one DP value against its spec.
 * @param dp - the DP id
 * @param value - the value from the command
 * @param spec - the DP's spec; without one only the JSON types are checked (bool, number, string)
 * @returns the value to send
 * @throws CommandError naming the DP and what it takes
 */
export function checkDpValue(dp: string, value: unknown, spec: DpSpec | undefined): DpValue {
  if (spec === undefined) {
    if (typeof value === 'boolean' || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return value
    throw new CommandError(`DP ${dp}: ${JSON.stringify(value)} is not a DP value; send true/false, a number or a string`)
  }
  if (spec.isReadOnly === true) throw new CommandError(`DP ${dp}${spec.code === undefined ? '' : ` (${spec.code})`} only reports; it cannot be set`)
  const fail = (): never => {
    throw new CommandError(`DP ${dp}${spec.code === undefined ? '' : ` (${spec.code})`} takes ${describe(spec)}, got ${JSON.stringify(value) ?? String(value)}`)
  }
  switch (spec.type) {
    case 'bool':
      return typeof value === 'boolean' ? value : fail()
    case 'value':
      if (typeof value !== 'number' || !Number.isInteger(value)) return fail()
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) return fail()
      if (spec.step !== undefined && spec.step > 1 && (value - (spec.min ?? 0)) % spec.step !== 0) return fail()
      return value
    case 'enum':
      if (typeof value !== 'string') return fail()
      return spec.values === undefined || spec.values.includes(value) ? value : fail()
    case 'json':
      if (typeof value === 'object' && value !== null) return JSON.stringify(value)
      return typeof value === 'string' ? value : fail()
    default:
      return typeof value === 'string' ? value : fail()
  }
}

/**
 * Checks a whole `set` payload against a profile.
 * @param payload - the parsed command: DP id -> value
 * @param specs - DP id -> spec; a DP the profile does not list is refused when `isStrict`
 * @param isStrict - refuse DPs the profile does not list (true when the profile came from a mapping or a file)
 * @returns the DPs to send
 * @throws CommandError for a payload that is not an object of DP ids, or a bad value
 */
export function checkDps(payload: unknown, specs: Readonly<Record<string, DpSpec>>, isStrict: boolean): Dps {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new CommandError('the payload must be a JSON object of DP id -> value, such as {"1": true}')
  const entries = Object.entries(payload)
  if (entries.length === 0) throw new CommandError('the payload names no DP; send e.g. {"1": true}')
  const dps: Dps = {}
  for (const [dp, value] of entries) {
    if (!/^\d{1,3}$/.test(dp)) throw new CommandError(`${JSON.stringify(dp)} is not a DP id; DP ids are numbers such as "1" or "20"`)
    const spec = specs[dp]
    if (spec === undefined && isStrict) throw new CommandError(`the device has no DP ${dp} (its DPs: ${Object.keys(specs).join(', ')})`)
    dps[dp] = checkDpValue(dp, value, spec)
  }
  return dps
}
