/**
 * `tuya set`: sets one or more DPs (CONTROL / CONTROL_NEW through @tuya/client) and prints
 * what the device reported back: `--dps '{"1":true}'` or the shorthand `1=true 2=50 3=white`.
 */
import type { Dps } from '@tuya/codec'
import { UsageError, type Command, type CommandIo, type ParsedArgs } from '../args.ts'
import { frameDebugOf } from '../debug-frames.ts'
import { callDevice } from '../device-call.ts'
import { describeTarget, resolveTargetOrStop, TARGET_FLAGS } from '../device-target.ts'
import { formatDpsInline, formatDpsTable, parseAssignments, parseDpsJson } from '../dp-values.ts'
import { painter } from '../style.ts'
import { isColorOn, PROCESS_TERMINAL, type TerminalDeps } from '../terminal.ts'

const PROGRAM = 'tuya set'

/**
 * The `set` command, with an injectable terminal.
 * @param terminal - stdout/stderr TTY checks and the environment
 * @returns the command
 */
export function createSetCommand(terminal: TerminalDeps = PROCESS_TERMINAL): Command {
  return {
    name: 'set',
    summary: 'set data points (DPs) of a device and print what it reported back',
    usage: `set [NAME | --host ADDR --id ID --key KEY] (DP=VALUE... | --dps JSON) [--version 3.x|auto] [--cid CID] [--json] [--debug]`,
    flags: [{ name: 'dps', type: 'string', valueName: 'JSON', description: `DPs to set, such as '{"1":true,"2":50}' (or DP=VALUE arguments)` }, ...TARGET_FLAGS],
    examples: [
      'tuya set "Living room lamp" 1=true',
      'tuya set "Living room lamp" 20=true 22=500 21=white      # true/false/null/numbers typed; "50" stays a string',
      `tuya set --host 192.168.1.50 --id bf1234567890abcdefgh --key 0123456789abcdef --version 3.4 --dps '{"1":false}' --json`,
      'tuya set "Door sensor" 1=false                          # a gateway sub-device from devices.json',
      'tuya set lamp switch_led=true                            # a DP code from the devices.json mapping',
      'tuya set "Living room lamp" 1=true --debug        # every frame both ways on stderr: hex and JSON',
    ],
    async run(args: ParsedArgs, io: CommandIo): Promise<number> {
      const assignments = args.positionals.filter((p) => p.includes('='))
      const names = args.positionals.filter((p) => !p.includes('='))
      if (names.length > 1) throw new UsageError(`one device at a time, got ${names.join(', ')} (quote a name with spaces; DPs are DP=VALUE)`)
      const fromJson: Dps = typeof args.values['dps'] === 'string' ? parseDpsJson(args.values['dps']) : {}
      if (assignments.length === 0 && Object.keys(fromJson).length === 0) throw new UsageError(`nothing to set: give DP=VALUE arguments (1=true) or --dps '{"1":true}'`)
      const isJson = args.values['json'] === true
      const target = await resolveTargetOrStop(names[0], args, { io, terminal, program: PROGRAM }, 130)
      if (typeof target === 'number') return target
      const dps: Dps = { ...fromJson, ...parseAssignments(assignments, target.mapping) }
      const result = await callDevice(target, { io, terminal, program: PROGRAM, debug: frameDebugOf(args, io, [target.key]) }, `setting ${formatDpsInline(dps)} on ${target.label}`, async (device, signal) => {
        const reported = await device.set(dps, { signal })
        // Devices drop DPs they do not have without a word: when some DP set was not reported
        // back, the status tells a DP that did not change from one that does not exist.
        const unreported = Object.keys(dps).filter((dp) => !(dp in reported))
        if (unreported.length === 0) return { reported, missing: [], known: [] }
        const state = await device.status({ signal })
        return { reported, missing: unreported.filter((dp) => !(dp in state)), known: Object.keys(state) }
      })
      if (!result.ok) return result.code
      const { reported, missing, known } = result.value
      const paint = painter(isColorOn(terminal, isJson || args.values['no-color'] === true))
      const ignored = missing.length === 0 ? undefined : `${describeTarget(target)} acknowledged ${formatDpsInline(dps)}, but its status has no DP ${missing.join(', ')} (its DPs: ${known.join(', ') || 'none'}), so it probably ignored ${missing.length === 1 ? 'it' : 'them'}: check the DP id (tuya get lists them)`
      if (isJson) {
        io.out(JSON.stringify({ dps: reported }))
        if (ignored !== undefined) io.err(`${PROGRAM}: ${ignored}`)
        return 0
      }
      if (ignored !== undefined) io.out(paint('yellow', ignored))
      const lines = formatDpsTable(reported, target.mapping, paint)
      if (lines.length === 0) {
        if (ignored === undefined) io.out(`${paint('bold', describeTarget(target))}: acknowledged ${formatDpsInline(dps)}; it reported no values (devices often stay quiet about DPs that did not change)`)
        return 0
      }
      io.out(`${paint('bold', describeTarget(target))} reported:`)
      for (const line of lines) io.out(line)
      return 0
    },
  }
}

/** The `set` command. */
export const setCommand: Command = createSetCommand()
