/**
 * The command queue of one device: commands go out in submission order, at most
 * `maxInFlight` at a time and at most one per reply cmd (PROTOCOL.md §12: replies carry the
 * request's cmd and are matched by it; cmd 8 is always a push). Pure bookkeeping: the engine
 * decides when to pump, and what errors expired commands get.
 */
import type { DeviceMessage, Dps } from '@tuya/codec'
import { toReply, type BuildContext, type BuiltCommand, type Command } from './command.ts'

/** Sends built commands: encodes and writes one, and returns the seq it used. */
export interface CommandWriter {
  writeCommand(built: BuiltCommand): number
}

/**
 * Queue, in-flight slots and settle windows. The commands in flight (at most one per cmd, and
 * `maxInFlight`, usually 1) are kept in the order they were written.
 */
export class Dispatcher {
  #queue: Command[] = []
  /** In the order they were written; at most one per cmd. */
  #inFlight: Command[] = []
  /** Commands written with mode `write` are never in flight. */
  readonly #maxInFlight: number
  readonly #settleMs: number
  /**
   * The seq of the last answered command per cmd: a later frame echoing it is a leftover. Kept
   * only where frames echo the seq (3.1-3.3): elsewhere nothing would ever read it.
   */
  #answeredSeq: Map<number, number> | undefined
  /**
   * cmd -> seq of a written command that timed out or was aborted: its answer may still come.
   * Devices answer in order, so the cmd is free again once that late answer arrives (and is
   * taken as unsolicited) or once a command written after it is answered.
   */
  #quarantine: Map<number, number> | undefined

  /**
   * @param maxInFlight - commands awaiting an answer at once (>= 1)
   * @param settleMs - how long a `collect` command waits for a push after its acknowledgement
   */
  constructor(maxInFlight: number, settleMs: number) {
    this.#maxInFlight = maxInFlight
    this.#settleMs = settleMs
  }

  /** Commands waiting to be written. */
  get queued(): number {
    return this.#queue.length
  }

  /** Commands written and not yet answered. */
  get inFlight(): number {
    return this.#inFlight.length
  }

  /**
   * Queues a command; retried commands go back in their original order ahead of newer ones.
   * @param isUrgent - goes first (the client's own liveness heartbeat)
   */
  enqueue(command: Command, isUrgent = false): void {
    const q = this.#queue
    if (isUrgent) {
      q.unshift(command)
      return
    }
    if (q.length === 0 || q[q.length - 1]!.order < command.order) {
      q.push(command)
      return
    }
    let i = q.length
    while (i > 0 && q[i - 1]!.order > command.order) i--
    q.splice(i, 0, command)
  }

  /**
   * Writes queued commands while slots are free; stops at the first command whose reply cmd
   * is busy, so commands never overtake each other.
   * @param ctx - build context (version, device id, time, dialect)
   * @param writer - encodes and writes a frame
   */
  pump(ctx: BuildContext, writer: CommandWriter): void {
    const q = this.#queue
    while (q.length > 0 && this.#inFlight.length < this.#maxInFlight) {
      const command = q[0]!
      let built: BuiltCommand
      try {
        built = command.built ??= command.spec.build(ctx)
      } catch (error) {
        q.shift()
        command.fail(error)
        continue
      }
      const { cmd } = built
      if (this.#find(cmd) !== undefined || this.#quarantine?.has(cmd) === true) return
      q.shift()
      command.phase = 'written'
      const isWriteOnly = command.spec.mode === 'write'
      if (!isWriteOnly) this.#add(command)
      try {
        command.seq = writer.writeCommand(built)
      } catch (error) {
        if (!isWriteOnly) this.#unlink(command)
        command.fail(error)
        continue
      }
      if (isWriteOnly) command.finish({ cmd, retcode: undefined, type: 'none' })
    }
  }

  /**
   * A device frame that is not a push: settles the command waiting for its cmd (§12).
   * @param echoedSeq - the frame's seq where devices echo the request's (3.1-3.3), else undefined:
   *   a frame echoing the seq of a command already answered is a leftover of that command
   *   (`@tuyapi/stub` answers one set with several CONTROL frames), not this command's reply
   * @returns `unmatched` when no command waits for this frame (it is unsolicited),
   *   `settling` when a collect command now waits for pushes, else `done`
   */
  onReply(cmd: number, echoedSeq: number | undefined, retcode: number | undefined, message: DeviceMessage, text: string | undefined, now: number): 'unmatched' | 'settling' | 'done' {
    if (this.#quarantine?.delete(cmd) === true) return 'unmatched' // the late answer of a command that gave up
    const command = this.#find(cmd)
    if (command === undefined || command.phase === 'settling') return 'unmatched'
    if (echoedSeq !== undefined) {
      if (echoedSeq !== 0 && echoedSeq !== command.seq && this.#answeredSeq?.get(cmd) === echoedSeq) return 'unmatched'
      ;(this.#answeredSeq ??= new Map()).set(cmd, command.seq)
    }
    const quarantine = this.#quarantine
    if (quarantine !== undefined && quarantine.size > 0) for (const [q, seq] of quarantine) if (seq < command.seq) quarantine.delete(q)
    if (message.type === 'error') {
      this.#unlink(command)
      command.fail(message.error)
      return 'done'
    }
    const { mode } = command.spec
    if (message.type === 'ack' && mode === 'data') return 'done' // still waiting for the data
    const reply = toReply(cmd, retcode, message, text)
    if (mode === 'collect') {
      if (message.type === 'ack') {
        command.ack = reply
        if (command.collected === undefined) {
          command.phase = 'settling'
          command.settleAt = now + this.#settleMs
          return 'settling'
        }
        reply.dps = command.collected
      } else if (reply.dps !== undefined && command.collected !== undefined) {
        reply.dps = { ...command.collected, ...reply.dps }
      }
    }
    this.#unlink(command)
    command.finish(reply)
    return 'done'
  }

  /**
   * DPs arrived outside a matched reply (a STATUS push, or an unsolicited frame): collecting
   * commands for the same cid take them; one in its settle window resolves.
   */
  onDps(dps: Dps, cid: string | undefined): void {
    for (const command of [...this.#inFlight]) {
      if (command.spec.mode !== 'collect' || command.spec.cid !== cid) continue
      command.collected = command.collected === undefined ? dps : { ...command.collected, ...dps }
      if (command.phase === 'settling') {
        this.#unlink(command)
        const reply = command.ack!
        reply.dps = command.collected
        command.finish(reply)
      }
    }
  }

  /** The earliest time a command needs attention (deadline or end of settle), or Infinity. */
  nextWake(): number {
    let at = Infinity
    for (const command of this.#inFlight) if (command.wakeAt < at) at = command.wakeAt
    for (const command of this.#queue) if (command.deadline < at) at = command.deadline
    return at
  }

  /**
   * Ends settle windows that are over (resolving with what was collected) and takes out
   * commands past their deadline.
   * @returns the expired commands, not yet rejected (the engine picks the error)
   */
  expire(now: number): Command[] {
    const expired: Command[] = []
    for (const command of [...this.#inFlight]) {
      if (command.phase === 'settling' && now >= command.settleAt) {
        this.#unlink(command)
        command.finish(command.ack!)
      } else if (now >= command.deadline) {
        this.#unlink(command)
        if (command.phase === 'settling') command.finish(command.ack!)
        else {
          this.#quarantine ??= new Map()
          this.#quarantine.set(command.built!.cmd, command.seq)
          expired.push(command)
        }
      }
    }
    if (this.#queue.some((c) => now >= c.deadline)) {
      this.#queue = this.#queue.filter((c) => {
        if (now < c.deadline) return true
        expired.push(c)
        return false
      })
    }
    return expired
  }

  /**
   * Takes a command out (abort).
   * @returns whether it was still pending
   */
  remove(command: Command): boolean {
    const i = this.#queue.indexOf(command)
    if (i >= 0) {
      this.#queue.splice(i, 1)
      return true
    }
    if (!this.#unlink(command)) return false
    if (command.phase === 'written') (this.#quarantine ??= new Map()).set(command.built!.cmd, command.seq)
    return true
  }

  /**
   * The connection is gone: every written command is taken out.
   * @returns them, in order (the engine re-queues those with retries left and rejects the rest)
   */
  takeInFlight(): Command[] {
    const out = this.#inFlight.sort((a, b) => a.order - b.order)
    this.#inFlight = []
    this.#quarantine?.clear()
    this.#answeredSeq?.clear()
    for (const command of out) command.built = undefined
    return out
  }

  /**
   * Takes out queued commands.
   * @param predicate - which ones (default all)
   * @returns them
   */
  takeQueued(predicate: (command: Command) => boolean = () => true): Command[] {
    const taken: Command[] = []
    this.#queue = this.#queue.filter((c) => {
      if (!predicate(c)) return true
      taken.push(c)
      return false
    })
    return taken
  }

  /** The in-flight command waiting for `cmd`, if any. */
  #find(cmd: number): Command | undefined {
    return this.#inFlight.find((command) => command.built!.cmd === cmd)
  }

  /** Puts a written command in flight, after the others. */
  #add(command: Command): void {
    this.#inFlight.push(command)
  }

  /** Takes a command out of flight. @returns whether it was in flight */
  #unlink(command: Command): boolean {
    const i = this.#inFlight.indexOf(command)
    if (i < 0) return false
    this.#inFlight.splice(i, 1)
    return true
  }
}
