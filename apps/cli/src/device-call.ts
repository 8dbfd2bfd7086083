/**
 * Runs one operation against a device for `tuya get` and `tuya set`: opens the handle,
 * shows a spinner on a terminal while waiting (with the reason of each retry), turns a
 * failure into one line and exit code 1, and always closes the handle.
 */
import { certainFailureOf, createDevice, OfflineError, type TuyaDevice } from '@tuya/client'
import type { CommandIo } from './args.ts'
import type { FrameDebug } from './debug-frames.ts'
import { describeFailure } from './device-failure.ts'
import { deviceOptions, type DeviceTarget } from './device-target.ts'
import { startProgress, type TerminalDeps } from './terminal.ts'

/** The outcome of {@link callDevice}. */
export type CallOutcome<T> = { readonly ok: true; readonly value: T; readonly device: TuyaDevice } | { readonly ok: false; readonly code: number }

/**
 * Opens a handle on `target`, runs `operation`, closes the handle.
 * @param target - the resolved device
 * @param ctx - io, terminal, program name (`tuya get`), and `--debug`'s frame reporter
 * @param waiting - what the spinner says, such as `reading "Lamp"`
 * @param operation - the calls to make (gets the handle and the abort signal)
 * @returns the value, or the exit code after printing one line (1 failure, 130 interrupted)
 */
export async function callDevice<T>(
  target: DeviceTarget,
  ctx: { readonly io: CommandIo; readonly terminal: TerminalDeps; readonly program: string; readonly debug?: FrameDebug | undefined },
  waiting: string,
  operation: (device: TuyaDevice, signal: AbortSignal) => Promise<T>,
): Promise<CallOutcome<T>> {
  const { io, program } = ctx
  const where = `${target.host}:${target.port}`
  const text = `${waiting} at ${where}${target.version === 'auto' ? ' (detecting the protocol version)' : ` (protocol ${target.version})`}`
  const progress = startProgress(io.err, text, { isLive: ctx.terminal.isStderrTty(), columns: ctx.terminal.columns?.() })
  const device = createDevice(deviceOptions(target, ctx.debug))
  // A one-shot call: a refusal, a name that does not resolve or a missing permission will not
  // change before --timeout runs out, so the first such failure ends the call (other failures
  // are retried until then).
  const call = new AbortController()
  const onStop = (): void => call.abort(io.signal.reason)
  io.signal.addEventListener('abort', onStop, { once: true })
  device.addEventListener('error', ({ detail: { error } }) => {
    const certain = certainFailureOf(error)
    if (certain !== undefined) call.abort(new OfflineError(error.message, { reason: certain, cause: error, deviceId: target.id }))
    else progress.update(`${text}: retrying after: ${error.message.split(';')[0]}`)
  })
  const started = Date.now()
  try {
    const value = await operation(device, call.signal)
    progress.stop()
    return { ok: true, value, device }
  } catch (error) {
    progress.stop()
    if (io.signal.aborted) {
      io.err(`${program}: stopped`)
      return { ok: false, code: 130 }
    }
    io.err(`${program}: ${describeFailure(error, { ...target, elapsedMs: Date.now() - started })}`)
    return { ok: false, code: 1 }
  } finally {
    progress.stop()
    io.signal.removeEventListener('abort', onStop)
    await device.close()
  }
}
