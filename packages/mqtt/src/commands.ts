/**
 * Turns a message on a `set` topic into the DPs to send, or a CommandError that says what was
 * wrong: nothing malformed reaches a device.
 *
 * - `<path>/set`: a JSON object of DPs (`{"1": true, "2": 50}`), or `{"dps": {...}, "id": "..."}`
 *   to carry a request id into the result (for MQTT 3.1.1 clients, which have no correlation data);
 * - `<path>/dp/<dp>/set`: one JSON value (`true`, `50`, `"white"`); enum and string DPs also take
 *   the bare text (`white`), which is what HA's select sends;
 * - `<path>/entity/<key>/set`: a light's command in HA's JSON schema.
 */
import type { Dps } from '@tuya/client'
import { haLightCommand } from './entities/ha-light.ts'
import { CommandError } from './errors.ts'
import type { DeviceProfile } from './profile/types.ts'
import { checkDps, checkDpValue } from './profile/values.ts'

/** Largest command payload accepted (devices take frames of a few KB at most). */
export const MAX_COMMAND_BYTES = 4096

/** A parsed command: the DPs to send, and the request id when the payload carried one. */
export interface ParsedCommand {
  readonly dps: Dps
  readonly requestId?: string
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new CommandError(`the payload is not JSON; ${what}`)
  }
}

/**
 * Parses a command.
 * @param rest - the topic levels after the device path, without the final `set`: `[]`, `['dp', '1']`, `['entity', 'light']`
 * @param payload - the message payload
 * @param profile - the device's profile
 * @param isStrict - refuse DPs the profile does not list
 * @param state - the device's current DPs (a light's brightness applies to its current mode)
 * @returns the DPs to send
 * @throws CommandError for anything malformed
 */
export function parseCommand(rest: readonly string[], payload: Uint8Array, profile: DeviceProfile, isStrict: boolean, state: Dps): ParsedCommand {
  if (payload.length > MAX_COMMAND_BYTES) throw new CommandError(`the payload is ${payload.length} bytes; commands are at most ${MAX_COMMAND_BYTES}`)
  const text = new TextDecoder().decode(payload).trim()
  if (text === '') throw new CommandError('the payload is empty; send the DPs to set, such as {"1": true}')
  if (rest.length === 0) {
    const json = parseJson(text, 'send a JSON object of DPs such as {"1": true}')
    if (typeof json === 'object' && json !== null && !Array.isArray(json) && 'dps' in json) {
      const { dps, id } = json as { dps: unknown; id?: unknown }
      if (id !== undefined && typeof id !== 'string') throw new CommandError('id must be a string')
      return { dps: checkDps(dps, profile.dps, isStrict), ...(id === undefined ? {} : { requestId: id }) }
    }
    return { dps: checkDps(json, profile.dps, isStrict) }
  }
  if (rest.length === 2 && rest[0] === 'dp') {
    const dp = rest[1]!
    if (!/^\d{1,3}$/.test(dp)) throw new CommandError(`${JSON.stringify(dp)} is not a DP id; DP ids are numbers such as 1 or 20`)
    const spec = profile.dps[dp]
    if (spec === undefined && isStrict) throw new CommandError(`the device has no DP ${dp} (its DPs: ${Object.keys(profile.dps).join(', ')})`)
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      if (spec?.type !== 'enum' && spec?.type !== 'string') throw new CommandError(`the payload is not JSON; send a value such as true, 50 or "white"`)
      value = text
    }
    if (typeof value !== 'string' && (spec?.type === 'enum' || spec?.type === 'string') && typeof value !== 'object') value = text
    return { dps: { [dp]: checkDpValue(dp, value, spec) } }
  }
  if (rest.length === 2 && rest[0] === 'entity') {
    const entity = profile.entities.find((e) => e.key === rest[1])
    if (entity === undefined) throw new CommandError(`the device has no entity ${JSON.stringify(rest[1])} (its entities: ${profile.entities.map((e) => e.key).join(', ') || 'none'})`)
    if (entity.kind !== 'light') throw new CommandError(`entity ${entity.key} is a ${entity.kind}: set it on its DP topic (dp/<dp>/set)`)
    return { dps: haLightCommand(entity, profile.dps, state, parseJson(text, 'send a light command such as {"state":"ON"}')) }
  }
  throw new CommandError(`unknown command topic .../${[...rest, 'set'].join('/')}; use set, dp/<dp>/set or entity/<key>/set`)
}
