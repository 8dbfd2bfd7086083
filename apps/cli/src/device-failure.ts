/**
 * One line for each way talking to a device can fail, saying what to do (exit code 1). The
 * client's errors are typed; the line adds the address, the deadline and the CLI's flags.
 */
import {
  ClosedError,
  ConnectionLostError,
  DeviceError,
  DevIdNotFoundError,
  DataUnvalidError,
  OfflineError,
  TimeoutError,
  VersionNotFoundError,
  WrongKeyError,
  WrongVersionError,
  type ConnectionFailure,
  type OfflineReason,
} from '@tuya/client'
import type { DeviceTarget } from './device-target.ts'

/**
 * What {@link describeFailure} needs to know about the device; `elapsedMs` is how long the call
 * waited (messages state the time that passed, which is not always the whole --timeout).
 */
export type FailureContext = Pick<DeviceTarget, 'label' | 'host' | 'port' | 'version' | 'timeoutMs' | 'cid'> & { readonly elapsedMs?: number }

const SINGLE_CONNECTION = "that no other app holds the device's single connection"

function systemCodeOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code
  }
  return undefined
}

function causeOfType<T>(error: unknown, type: abstract new (...args: never[]) => T): T | undefined {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof type) return e
  }
  return undefined
}

function rootCause(error: Error): Error {
  let root = error
  for (let depth = 0; root.cause instanceof Error && depth < 8; depth++) root = root.cause
  return root
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}

function wrongKey(error: WrongKeyError, ctx: FailureContext, where: string): string {
  const fix = `check the key (--key, or "key" in devices.json; it changes when the device is re-paired)`
  // Proven: a handshake proof or a reply that does not decrypt. Otherwise the device stayed
  // silent, which is what a wrong key looks like (§18.29), but also a wrong version or a hung device.
  if (error.isProven) return `the local key is wrong: ${ctx.label} at ${where} does not accept it; ${fix}`
  return `no answer from ${where} within ${seconds(ctx)}: the local key or the version is wrong (devices ignore frames they cannot decrypt); ${fix}, the version (or --version auto), and ${SINGLE_CONNECTION}`
}

/** The time the call waited, as `1 s` or `5.2 s` (the whole --timeout when not measured). */
function seconds(ctx: FailureContext): string {
  const s = (ctx.elapsedMs ?? ctx.timeoutMs) / 1000
  return `${s >= 10 ? Math.round(s) : Math.round(s * 10) / 10} s`
}

/** Whether an OfflineError came after the whole --timeout, or after one failed attempt (failFast, no reconnect). */
const WAITED_WHOLE_TIMEOUT: Readonly<Record<OfflineReason, boolean>> = {
  'deadline': true,
  'connect-timeout': true,
  'fail-fast': false,
  'connection-failed': false,
  'no-reconnect': false,
  'disconnected': false,
  'refused': false,
  'unresolvable': false,
  'permission-denied': false,
}

/** The connection failures where the device closed (or reset) the connection itself. */
const CLOSED_BY_DEVICE: ReadonlySet<ConnectionFailure | undefined> = new Set<ConnectionFailure>(['closed-while-probing', 'closed-while-connecting', 'closed-while-online'])

function offline(error: OfflineError, ctx: FailureContext, where: string): string {
  if (error.reason === 'disconnected') return `the connection to ${where} was closed before the command was sent`
  const key = causeOfType(error, WrongKeyError)
  if (key !== undefined) return wrongKey(key, ctx, where)
  const code = systemCodeOf(error)
  if (error.failure === 'permission-denied') return `no permission to connect to ${where} (${oneLine(rootCause(error).message)}): on Deno, run with --allow-net`
  if (error.failure === 'refused') return `${where} refused the connection: nothing listens there; check the address and the port (Tuya devices use 6668)`
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `${where} is unreachable (${code}): check the address and that this machine is on the device's network`
  if (error.failure === 'unresolvable') return `cannot resolve ${ctx.host}${code === undefined ? '' : ` (${code})`}: check the address`
  const isWholeTimeout = WAITED_WHOLE_TIMEOUT[error.reason]
  const during = isWholeTimeout ? ` every time within ${seconds(ctx)}` : ''
  // error.failure is how the last connection failed (taken from its cause by the client).
  // 3.4/3.5 firmware closes after a few frames it cannot authenticate: while probing, that is a wrong key.
  if (error.failure === 'closed-while-probing') return `${where} closed the connection while its protocol version was being detected: the local key is probably wrong (check --key or "key" in devices.json), or another app holds the device's single connection`
  if (code === 'ECONNRESET' || CLOSED_BY_DEVICE.has(error.failure)) return `${where} closed the connection${during}: ${SINGLE_CONNECTION} (close the Smart Life app, tinytuya, Home Assistant), and check the version`
  if (!isWholeTimeout) {
    const last = error.cause instanceof Error ? `: ${oneLine(error.cause.message.split(';')[0]!)}` : ''
    return `${where} is offline (the last connection attempt failed${last}); check the address, the version, and ${SINGLE_CONNECTION}`
  }
  return `no answer from ${where} within ${seconds(ctx)}: check the address, the version, and ${SINGLE_CONNECTION}`
}

/**
 * The one-line reason of a failed device command.
 * @param error - what the client (or the lookup) threw
 * @param ctx - label, address, version and deadline of the target
 * @returns a line without the program prefix, e.g. `no answer from 192.168.1.50:6668 within 10 s: ...`
 */
export function describeFailure(error: unknown, ctx: FailureContext): string {
  const where = `${ctx.host}:${ctx.port}`
  if (error instanceof WrongKeyError) return wrongKey(error, ctx, where)
  if (error instanceof VersionNotFoundError) return `no answer from ${where} within ${seconds(ctx)} in any protocol version (3.1-3.5): check the address, the local key, and ${SINGLE_CONNECTION}`
  if (error instanceof WrongVersionError) {
    if (error.seenVersion !== undefined) return `${ctx.label} at ${where} speaks protocol ${error.seenVersion}, not ${ctx.version}: pass --version ${error.seenVersion} (or --version auto)`
    return `${ctx.label} at ${where} does not speak protocol ${ctx.version}: pass the right --version, or --version auto`
  }
  if (error instanceof OfflineError) return offline(error, ctx, where)
  if (error instanceof ConnectionLostError) return `the connection to ${where} dropped before the answer came: the device may or may not have applied the command; run it again (tuya get shows the state)`
  if (error instanceof TimeoutError) return `no answer from ${where} within ${seconds(ctx)}: check the address, the version, and ${SINGLE_CONNECTION}`
  if (error instanceof DevIdNotFoundError) return `the gateway at ${where} does not know the sub-device ${ctx.cid ?? ''}: check its node_id (cid) in devices.json or --cid`.replace('  ', ' ')
  if (error instanceof DataUnvalidError) return `${ctx.label} refused the request ("${error.text}"): try --version auto, or check the DP ids`
  if (error instanceof DeviceError) return `${ctx.label} refused the request: "${error.text}"; check the DP ids and values`
  if (error instanceof ClosedError) return `the connection to ${where} was closed before the command finished`
  return oneLine(error instanceof Error ? error.message : String(error))
}
