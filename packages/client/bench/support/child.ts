/**
 * Runs a benchmark peer (the mocks, or a client under test) in a child Node process and
 * talks to it over the IPC channel: `ready` once it is up, then request/response messages.
 * The child exits by itself when the channel closes, so a crashed benchmark leaves nothing behind.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** A running child process. */
export interface Child<Ready> {
  /** What the child sent with its `ready` message. */
  readonly ready: Ready
  readonly pid: number
  /** Sends `{ type, ...message }` and resolves with the child's answer. */
  request<T>(type: string, message?: object, timeoutMs?: number): Promise<T>
  /** Messages the child sends on its own (`{ type: 'event', ... }`). */
  onEvent(listener: (message: Record<string, unknown>) => void): void
  /** Ends the child (disconnect, then SIGKILL after 5 s). */
  close(): Promise<void>
}

/**
 * Forks `script` (a .ts file next to this one, or a path), hands it `config` over the IPC
 * channel when it asks (an environment variable would hit the 128 KiB limit for thousands of
 * devices), and waits for its `ready` message.
 * @param script - URL or path of the child script
 * @param config - JSON-serialisable configuration
 * @param options - extra node flags (e.g. --expose-gc), ready timeout
 */
export async function startChild<Ready>(script: URL, config: unknown, options: { execArgv?: string[]; readyTimeoutMs?: number; cpus?: string } = {}): Promise<Child<Ready>> {
  const nodeArgs = ['--import', 'tsx', ...(options.execArgv ?? [])]
  // With `cpus`, the child runs under `taskset -c <cpus>` (Linux): taskset execs node in place,
  // keeping the IPC descriptor and environment fork() set up.
  const child: ChildProcess = fork(fileURLToPath(script), [], {
    ...(options.cpus === undefined
      ? { execArgv: nodeArgs }
      : { execPath: 'taskset', execArgv: ['-c', options.cpus, process.execPath, ...nodeArgs] }),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  let nextId = 1
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const listeners: Array<(m: Record<string, unknown>) => void> = []
  let exited = false
  const exit = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
    exited = true
    for (const p of pending.values()) p.reject(new Error(`benchmark child exited (${code ?? signal})`))
    pending.clear()
    resolve()
  }))
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('benchmark child did not get ready in time')), options.readyTimeoutMs ?? 120_000)
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`benchmark child exited before ready (${code})`)) })
    child.on('message', (raw) => {
      const m = raw as Record<string, unknown>
      if (m.type === 'config-request') child.send({ type: 'config', config })
      else if (m.type === 'ready') {
        clearTimeout(timer)
        resolve(m.payload as Ready)
      } else if (m.type === 'reply') {
        const p = pending.get(m.id as number)
        pending.delete(m.id as number)
        if (m.error !== undefined) p?.reject(new Error(String(m.error)))
        else p?.resolve(m.result)
      } else if (m.type === 'event') for (const l of listeners) l(m)
    })
  })
  return {
    ready,
    pid: child.pid!,
    request<T>(type: string, message: object = {}, timeoutMs = 600_000): Promise<T> {
      const id = nextId++
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id)
          reject(new Error(`benchmark child did not answer '${type}' within ${timeoutMs} ms`))
        }, timeoutMs)
        pending.set(id, {
          resolve: (v) => { clearTimeout(timer); resolve(v as T) },
          reject: (e) => { clearTimeout(timer); reject(e) },
        })
        child.send({ ...message, type, id })
      })
    },
    onEvent(listener) {
      listeners.push(listener)
    },
    async close() {
      if (exited) return
      child.disconnect()
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exit
      clearTimeout(timer)
    },
  }
}

/**
 * The child side: answers requests with `handlers[type](message)`, exits when the parent goes.
 * @param handlers - one async function per request type
 */
export function serveParent(handlers: Record<string, (message: Record<string, unknown>) => unknown>): { ready(payload: unknown): void; event(message: object): void } {
  if (process.send === undefined) throw new Error('run this script through startChild() (it needs an IPC channel)')
  process.on('message', (raw) => {
    const m = raw as Record<string, unknown>
    const handler = handlers[m.type as string]
    if (handler === undefined) return void process.send!({ type: 'reply', id: m.id, error: `unknown request ${String(m.type)}` })
    Promise.resolve()
      .then(() => handler(m))
      .then(
        (result) => process.send!({ type: 'reply', id: m.id, result }),
        (error: unknown) => process.send!({ type: 'reply', id: m.id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
      )
  })
  process.once('disconnect', () => process.exit(0))
  return {
    ready: (payload) => process.send!({ type: 'ready', payload }),
    event: (message) => process.send!({ type: 'event', ...message }),
  }
}

/** The configuration the parent passed to {@link startChild} (asked for over IPC). */
export function childConfig<T>(): Promise<T> {
  if (process.send === undefined) throw new Error('run this script through startChild() (it needs an IPC channel)')
  return new Promise((resolve) => {
    const onMessage = (raw: unknown): void => {
      const m = raw as { type?: string; config?: T }
      if (m.type !== 'config') return
      process.off('message', onMessage)
      resolve(m.config as T)
    }
    process.on('message', onMessage)
    process.send!({ type: 'config-request' })
  })
}
