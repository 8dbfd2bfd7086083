/**
 * `tuya watch`: stays connected to a device and prints every DP report (pushes and replies)
 * and every connection change until Ctrl-C or `--duration`. The client heartbeats and
 * reconnects on its own, so device restarts and Wi-Fi drops show up as offline/online lines.
 */
import { createDevice, type TuyaDevice } from '@tuya/client'
import { UsageError, type Command, type CommandIo, type ParsedArgs } from '../args.ts'
import { frameDebugOf } from '../debug-frames.ts'
import { describeFailure } from '../device-failure.ts'
import { describeTarget, deviceOptions, resolveTargetOrStop, TARGET_FLAGS, type DeviceTarget } from '../device-target.ts'
import { formatDpsInline } from '../dp-values.ts'
import { painter, type Paint } from '../style.ts'
import { isColorOn, PROCESS_TERMINAL, timeOfDay, waitUntil, type TerminalDeps } from '../terminal.ts'

const PROGRAM = 'tuya watch'

/** Prints one event: a JSON line `{ time, type, ...fields }`, or `time  label  text`. */
type Emit = (type: string, fields: Record<string, unknown>, label: string, text: string) => void

const LABEL_COLOURS: Readonly<Record<string, 'cyan' | 'green' | 'yellow' | 'red'>> = { push: 'cyan', reply: 'cyan', online: 'green', offline: 'yellow', connecting: 'yellow', error: 'red' }

function emitter(io: CommandIo, isJson: boolean, paint: Paint): Emit {
  return (type, fields, label, text) => {
    const now = Date.now()
    if (isJson) io.out(JSON.stringify({ time: new Date(now).toISOString(), type, ...fields }))
    else io.out(`${paint('dim', timeOfDay(now))}  ${paint(LABEL_COLOURS[label] ?? 'cyan', label.padEnd(10))}  ${text}`)
  }
}

/** Prints the handle's events; returns a function that stops printing. */
function attach(device: TuyaDevice, target: DeviceTarget, emit: Emit): () => void {
  const where = `${target.host}:${target.port}`
  const listeners: Array<[string, (event: CustomEvent<never>) => void]> = []
  const on = <T>(type: string, listener: (detail: T) => void): void => {
    const wrapped = (event: CustomEvent<never>) => listener(event.detail as T)
    listeners.push([type, wrapped])
    device.addEventListener(type as 'dps', wrapped as never)
  }
  // An error event's message states the time that passed since that attempt started.
  let attemptStarted = Date.now()
  on<{ state: string }>('state', ({ state }) => {
    if (state !== 'connecting') return
    attemptStarted = Date.now()
    emit('state', { state }, 'connecting', where)
  })
  on<{ version: string; isReconnect: boolean }>('connected', ({ version, isReconnect }) => emit('connected', { version, isReconnect }, 'online', `protocol ${version}${isReconnect ? ' (reconnected)' : ''}`))
  on<{ reason: string; error?: Error; willReconnect: boolean; reconnectDelayMs?: number }>('disconnected', (d) => {
    const again = d.willReconnect ? `; reconnecting${d.reconnectDelayMs === undefined ? '' : ` in ${(d.reconnectDelayMs / 1000).toFixed(1)} s`}` : ''
    emit('disconnected', { reason: d.reason, willReconnect: d.willReconnect, ...(d.reconnectDelayMs === undefined ? {} : { reconnectDelayMs: d.reconnectDelayMs }), ...(d.error === undefined ? {} : { error: d.error.message }) }, 'offline', `${d.reason}${d.error === undefined ? '' : ` (${d.error.message.split(';')[0]})`}${again}`)
  })
  on<{ error: Error }>('error', ({ error }) => emit('error', { code: (error as { code?: string }).code ?? null, message: error.message }, 'error', describeFailure(error, { ...target, elapsedMs: Date.now() - attemptStarted })))
  on<{ dps: Record<string, unknown>; source: string; cid?: string }>('dps', ({ dps, source, cid }) => {
    emit('dps', { source, dps, ...(cid === undefined ? {} : { cid }) }, source, `${cid === undefined ? '' : `${cid}: `}${formatDpsInline(dps as never)}`)
  })
  return () => {
    for (const [type, listener] of listeners) device.removeEventListener(type as 'dps', listener as never)
  }
}

/**
 * The `watch` command, with an injectable terminal.
 * @param terminal - stdout/stderr TTY checks and the environment
 * @returns the command
 */
export function createWatchCommand(terminal: TerminalDeps = PROCESS_TERMINAL): Command {
  return {
    name: 'watch',
    summary: 'print DP changes and connection events of a device as they happen, until Ctrl-C',
    usage: 'watch [NAME | --host ADDR --id ID --key KEY] [--version 3.x|auto] [--cid CID] [--json] [--duration S] [--debug]',
    flags: [{ name: 'duration', type: 'number', valueName: 'S', description: 'stop after S seconds', defaultText: 'until Ctrl-C' }, ...TARGET_FLAGS],
    examples: [
      'tuya watch "Living room lamp"',
      `tuya watch "Living room lamp" --json | jq -c 'select(.source == "push") | .dps'      # pushes only`,
      'tuya watch --host 192.168.1.50 --id bf1234567890abcdefgh --key 0123456789abcdef --version 3.5 --duration 60',
      'tuya watch "Living room lamp" --debug             # every frame both ways on stderr: hex and JSON',
    ],
    async run(args: ParsedArgs, io: CommandIo): Promise<number> {
      if (args.positionals.length > 1) throw new UsageError(`one device at a time, got ${args.positionals.length}: ${args.positionals.join(', ')} (quote a name with spaces)`)
      const duration = args.values['duration']
      if (duration !== undefined && ((duration as number) <= 0 || (duration as number) > 31 * 86_400)) throw new UsageError(`--duration must be a number of seconds above 0, got ${String(duration)}`)
      const isJson = args.values['json'] === true
      const paint = painter(isColorOn(terminal, isJson || args.values['no-color'] === true))
      const target = await resolveTargetOrStop(args.positionals[0], args, { io, terminal, program: PROGRAM }, 0)
      if (typeof target === 'number') return target
      const device = createDevice(deviceOptions(target, frameDebugOf(args, io, [target.key])))
      const detach = attach(device, target, emitter(io, isJson, paint))
      if (!isJson) io.err(`${PROGRAM}: watching ${describeTarget(target)}${duration === undefined ? ' until Ctrl-C' : ` for ${String(duration)} s`}`)
      const started = Date.now()
      try {
        // The first connection and status read must work (a wrong key would otherwise retry forever);
        // after that every drop is reported and survived.
        await device.connect({ signal: io.signal, timeoutMs: target.timeoutMs })
        await device.status({ signal: io.signal })
      } catch (error) {
        detach()
        await device.close()
        if (io.signal.aborted) {
          if (!isJson) io.err(`${PROGRAM}: stopped`)
          return 0
        }
        io.err(`${PROGRAM}: ${describeFailure(error, { ...target, elapsedMs: Date.now() - started })}`)
        return 1
      }
      await waitUntil(duration === undefined ? Infinity : (duration as number) * 1000, io.signal)
      detach()
      await device.close()
      if (!isJson) io.err(`${PROGRAM}: stopped`)
      return 0
    },
  }
}

/** The `watch` command. */
export const watchCommand: Command = createWatchCommand()
