/**
 * A command on its way through the client: what to send, how to recognise the answer,
 * its deadline, and the promise to settle.
 */
import type { DeviceMessage, Dps, JsonPayload, ProtocolVersion } from '@tuya/codec'

/**
 * How a command is answered (correlated by cmd, never by seq: PROTOCOL.md §12):
 * - `reply`: the first frame with the command's cmd, whatever it holds (heartbeat, raw requests);
 * - `collect`: a frame with the cmd; DPs in it resolve at once, an empty acknowledgement opens a
 *   settle window in which STATUS pushes (and unmatched frames with DPs) are collected, ending at
 *   the first push or after `settleMs` (set, refresh, status, device22 queries);
 * - `data`: skips empty acknowledgements and resolves with the first non-empty frame (cmd 64 lists);
 * - `write`: resolves once written; no answer expected.
 */
export type CommandMode = 'reply' | 'collect' | 'data' | 'write'

/** What a builder gets to build the payload at send time (the version may be detected late). */
export interface BuildContext {
  version: ProtocolVersion
  devId: string
  /** Unix seconds. */
  t: number
  /** The device speaks device22 (§9). */
  isDevice22: boolean
}

/** A command's frame content. */
export interface BuiltCommand {
  cmd: number
  payload: JsonPayload | Uint8Array | string
}

/** The device's answer to a command. */
export interface Reply {
  /** The cmd of the answering frame (the command's own). */
  cmd: number
  /** The frame's return code (not meaningful on empty acknowledgements, §11). */
  retcode: number | undefined
  /** `ack` (empty), `dps`, `json`, or `none` for `write` commands. */
  type: 'ack' | 'dps' | 'json' | 'none'
  /** DPs of the reply and, for `collect` commands, of the pushes collected after it. */
  dps?: Dps
  /** The reply's JSON, when it had any. */
  json?: unknown
  /** The reply's text, when it was text. */
  text?: string
  /** The gateway child the DPs belong to. */
  cid?: string
}

/** What the handle asks the engine to send. */
export interface CommandSpec {
  build(ctx: BuildContext): BuiltCommand
  mode: CommandMode
  /** Gateway child addressed (collect matches pushes of this cid only). */
  cid?: string | undefined
  timeoutMs: number
  /** Re-send after a connection loss this many times (default 0: never sent twice). */
  retries: number
  /** Reject with OfflineError at once instead of waiting for a reconnect. */
  failFast: boolean
}

let order = 0

/** A command in the engine. */
export class Command {
  readonly spec: CommandSpec
  readonly deadline: number
  /** Submission order: commands go out in this order, retried ones keep their place. */
  readonly order = ++order
  retriesLeft: number
  phase: 'queued' | 'written' | 'settling' | 'done' = 'queued'
  built: BuiltCommand | undefined
  settleAt = 0
  /** The seq the command was written with. */
  seq = 0
  collected: Dps | undefined
  ack: Reply | undefined
  readonly resolve: (reply: Reply) => void
  readonly reject: (error: unknown) => void

  /**
   * @param spec - what to send
   * @param now - current time (ms)
   * @param resolve - settles the caller's promise
   * @param reject - settles the caller's promise
   */
  constructor(spec: CommandSpec, now: number, resolve: (reply: Reply) => void, reject: (error: unknown) => void) {
    this.spec = spec
    this.deadline = now + spec.timeoutMs
    this.retriesLeft = spec.retries
    this.resolve = resolve
    this.reject = reject
  }

  /** The time this command next needs attention. */
  get wakeAt(): number {
    return this.phase === 'settling' ? Math.min(this.settleAt, this.deadline) : this.deadline
  }

  /** Resolves once. */
  finish(reply: Reply): void {
    if (this.phase === 'done') return
    this.phase = 'done'
    this.resolve(reply)
  }

  /** Rejects once. */
  fail(error: unknown): void {
    if (this.phase === 'done') return
    this.phase = 'done'
    this.reject(error)
  }
}

/**
 * Turns a device message into a Reply.
 * @param cmd - the frame's cmd
 * @param retcode - the frame's retcode
 * @param message - the parsed payload (not an error)
 * @param text - the payload text
 */
export function toReply(cmd: number, retcode: number | undefined, message: Exclude<DeviceMessage, { type: 'error' }>, text: string | undefined): Reply {
  const reply: Reply = { cmd, retcode, type: message.type }
  if (message.type === 'dps') {
    reply.dps = message.dps
    reply.json = message.json
    if (message.cid !== undefined) reply.cid = message.cid
  } else if (message.type === 'json') reply.json = message.json
  if (text !== undefined) reply.text = text
  return reply
}
