/**
 * Data points on the command line and on screen: `--dps '{"1":true}'`, the shorthand
 * `1=true 2=50 3=white` (typed), and the human rendering of a DP set.
 */
import type { Dps, DpValue } from '@tuya/codec'
import { UsageError } from './args.ts'
import type { Paint } from './style.ts'

function isDpValue(value: unknown): value is DpValue {
  return value === null || typeof value === 'boolean' || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))
}

/**
 * Parses `--dps JSON`.
 * @param raw - the flag's value
 * @returns the DPs
 * @throws UsageError unless it is a JSON object of DP id -> boolean, number, string or null
 */
export function parseDpsJson(raw: string): Dps {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    throw new UsageError(`--dps must be JSON such as '{"1":true,"2":50}' (quote it for the shell)`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`--dps must be a JSON object such as '{"1":true}'`)
  for (const [dp, v] of Object.entries(value)) {
    if (!isDpValue(v)) throw new UsageError(`--dps: DP ${dp} must be true, false, null, a number or a string, got ${JSON.stringify(v)}`)
  }
  return value as Dps
}

/** `True`, `FALSE`, `Null`...: meant as the JSON literal, but not one. */
const MISCASED_LITERAL = /^(?:true|false|null)$/i

/**
 * Types a shorthand value: `true`, `false`, `null`, numbers; `"..."` is a JSON string (to
 * keep `"50"` a string); anything else is a string as typed.
 * @param raw - the text after `=`
 * @param dp - the DP, for messages
 * @throws UsageError for an empty value, or `True`/`FALSE`/`Null` (say `true`, or `"True"` for the text)
 */
export function parseDpValue(raw: string, dp = 'DP'): DpValue {
  if (raw === '') throw new UsageError(`${dp}= has no value: write ${dp}=true, ${dp}=50, ${dp}=white, or ${dp}='""' for an empty string`)
  if (MISCASED_LITERAL.test(raw) && raw !== raw.toLowerCase()) {
    throw new UsageError(`${dp}=${raw} is ambiguous: write ${dp}=${raw.toLowerCase()} for the JSON value, or ${dp}='"${raw}"' for the text`)
  }
  if (raw === 'true') return true
  if (raw === 'false') return false
  if (raw === 'null') return null
  if (/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(raw)) return Number(raw)
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    try {
      const text: unknown = JSON.parse(raw)
      if (typeof text === 'string') return text
    } catch {
      // not valid JSON: taken as typed below
    }
  }
  return raw
}

/**
 * Parses shorthand assignments `DP=VALUE` (DP: an id, or a code from devices.json's mapping).
 * @param assignments - the arguments, each containing `=`
 * @param mapping - DP id -> code of the device
 * @returns the DPs
 * @throws UsageError for an empty DP, an unknown code, or a value {@link parseDpValue} refuses
 */
export function parseAssignments(assignments: readonly string[], mapping: Readonly<Record<string, string>>): Dps {
  const dps: Dps = {}
  const byCode = new Map(Object.entries(mapping).map(([dp, code]) => [code, dp]))
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=')
    const name = assignment.slice(0, eq).trim()
    if (name === '') throw new UsageError(`'${assignment}' names no DP: write DP=VALUE, such as 1=true`)
    let dp = name
    if (!/^\d+$/.test(name)) {
      const id = byCode.get(name)
      if (id === undefined) {
        const known = [...byCode.keys()].slice(0, 8).join(', ')
        throw new UsageError(`unknown DP '${name}': use a DP id (1=true)${known === '' ? '' : ` or a code from devices.json (${known})`}`)
      }
      dp = id
    }
    dps[dp] = parseDpValue(assignment.slice(eq + 1), name)
  }
  return dps
}

/**
 * DPs as `1=true 2=50 3="white"` (strings quoted, so 50 and "50" differ).
 * @param dps - the DPs
 */
export function formatDpsInline(dps: Dps): string {
  const entries = Object.entries(dps)
  return entries.length === 0 ? '(none)' : entries.map(([dp, v]) => `${dp}=${JSON.stringify(v)}`).join(' ')
}

function sortedEntries(dps: Dps): Array<[string, DpValue]> {
  return Object.entries(dps).sort(([a], [b]) => Number(a) - Number(b) || a.localeCompare(b))
}

/**
 * DPs as an aligned table: id, code (when devices.json has a mapping), value.
 * @param dps - the DPs
 * @param mapping - DP id -> code
 * @param paint - colours (or none)
 * @returns lines, indented by two spaces
 */
export function formatDpsTable(dps: Dps, mapping: Readonly<Record<string, string>>, paint: Paint): string[] {
  const entries = sortedEntries(dps)
  const idWidth = Math.max(2, ...entries.map(([dp]) => dp.length))
  const codeWidth = Math.max(0, ...entries.map(([dp]) => (mapping[dp] ?? '').length))
  return entries.map(([dp, value]) => {
    const code = codeWidth === 0 ? '' : `${paint('dim', (mapping[dp] ?? '').padEnd(codeWidth))}  `
    const shown = JSON.stringify(value)
    const colour = typeof value === 'boolean' ? (value ? 'green' : 'red') : typeof value === 'number' ? 'yellow' : 'magenta'
    return `  ${paint('cyan', dp.padStart(idWidth))}  ${code}${paint(colour, shown)}`
  })
}
