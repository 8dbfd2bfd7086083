/**
 * `tuya get`: reads every DP of a device (DP_QUERY / DP_QUERY_NEW through @tuya/client) and
 * prints them: an aligned table for people, `{"dps":{...}}` with `--json`.
 */
import { UsageError, type Command, type CommandIo, type ParsedArgs } from '../args.ts'
import { frameDebugOf } from '../debug-frames.ts'
import { callDevice } from '../device-call.ts'
import { describeTarget, resolveTargetOrStop, TARGET_FLAGS } from '../device-target.ts'
import { formatDpsTable } from '../dp-values.ts'
import { painter } from '../style.ts'
import { isColorOn, PROCESS_TERMINAL, type TerminalDeps } from '../terminal.ts'

const PROGRAM = 'tuya get'

/**
 * The `get` command, with an injectable terminal (tests pretend to be one).
 * @param terminal - stdout/stderr TTY checks and the environment
 * @returns the command
 */
export function createGetCommand(terminal: TerminalDeps = PROCESS_TERMINAL): Command {
  return {
    name: 'get',
    summary: 'read every data point (DP) of a device, by devices.json name or by --host --id --key',
    usage: 'get [NAME | --host ADDR --id ID --key KEY] [--version 3.x|auto] [--cid CID] [--json] [--timeout S] [--debug]',
    flags: TARGET_FLAGS,
    examples: [
      'tuya get "Living room lamp"',
      'tuya get --host 192.168.1.50 --id bf1234567890abcdefgh --key 0123456789abcdef --version 3.3',
      'tuya get "Door sensor" --json          # a gateway sub-device from devices.json',
      'tuya get bf1234567890abcdefgh --devices ~/tuya/devices.json --timeout 5',
      'tuya get "Living room lamp" --debug               # every frame both ways on stderr: hex and JSON',
    ],
    async run(args: ParsedArgs, io: CommandIo): Promise<number> {
      if (args.positionals.length > 1) throw new UsageError(`one device at a time, got ${args.positionals.length}: ${args.positionals.join(', ')} (quote a name with spaces)`)
      const isJson = args.values['json'] === true
      const target = await resolveTargetOrStop(args.positionals[0], args, { io, terminal, program: PROGRAM }, 130)
      if (typeof target === 'number') return target
      const result = await callDevice(target, { io, terminal, program: PROGRAM, debug: frameDebugOf(args, io, [target.key]) }, `reading ${target.label}`, (device, signal) => device.status({ signal }))
      if (!result.ok) return result.code
      if (isJson) {
        io.out(JSON.stringify({ dps: result.value }))
        return 0
      }
      const paint = painter(isColorOn(terminal, args.values['no-color'] === true))
      io.out(`${paint('bold', describeTarget(target))}  ${paint('dim', `protocol ${result.device.version ?? target.version}`)}`)
      const lines = formatDpsTable(result.value, target.mapping, paint)
      for (const line of lines.length === 0 ? ['  (the device reported no DPs)'] : lines) io.out(line)
      return 0
    },
  }
}

/** The `get` command. */
export const getCommand: Command = createGetCommand()
