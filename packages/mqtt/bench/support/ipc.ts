/**
 * The benchmark's processes talk over Node's IPC channel: the parent forks a child with its
 * configuration, waits for `ready`, then sends requests (`{ type, id, ...}`) and gets replies.
 * A child exits when the channel closes, so a crashed benchmark leaves nothing running.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** A child process under the parent's control. */
export interface Child {
  readonly ready: Record<string, unknown>
  request<T>(type: string, message?: object, timeoutMs?: number): Promise<T>
  close(): Promise<void>
}

/**
 * Forks `script` with `config`, waiting for its `ready` message.
 * @param script - the child script (.ts, run through tsx)
 * @param config - JSON configuration, passed as the first message
 * @param execArgv - extra node flags
 */
export async function startChild(script: URL, config: unknown, execArgv: string[] = []): Promise<Child> {
  const child: ChildProcess = fork(fileURLToPath(script), [], { execArgv: ['--import', 'tsx', ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const pending = new Map<number, (m: Record<string, unknown>) => void>()
  let nextId = 1
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script.pathname} exited before ready (${String(code)})`)))
    child.on('message', (raw) => {
      const m = raw as Record<string, unknown>
      if (m['type'] === 'ready') resolve(m)
      else if (m['type'] === 'reply') pending.get(m['id'] as number)?.(m)
    })
    child.send({ type: 'config', config })
  })
  return {
    ready,
    request<T>(type: string, message: object = {}, timeoutMs = 600_000): Promise<T> {
      const id = nextId++
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer to ${type} within ${timeoutMs} ms`)), timeoutMs)
        pending.set(id, (m) => {
          clearTimeout(timer)
          pending.delete(id)
          if (m['error'] !== undefined) reject(new Error(String(m['error'])))
          else resolve(m['result'] as T)
        })
        child.send({ ...message, type, id })
      })
    },
    async close() {
      if (child.connected) child.disconnect()
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    },
  }
}

/**
 * The child's side: its configuration, and a function to announce `ready` and serve requests.
 * @returns the configuration and `serve(handlers, readyPayload)`
 */
export async function childSide<T>(): Promise<{ config: T; serve(handlers: Record<string, (m: Record<string, unknown>) => unknown>, ready?: object): void }> {
  if (process.send === undefined) throw new Error('run this script through startChild()')
  const config = await new Promise<T>((resolve) => process.once('message', (m) => resolve((m as { config: T }).config)))
  process.once('disconnect', () => process.exit(0))
  return {
    config,
    serve(handlers, ready = {}) {
      process.on('message', (raw) => {
        const m = raw as Record<string, unknown>
        Promise.resolve()
          .then(() => handlers[m['type'] as string]!(m))
          .then(
            (result) => process.send!({ type: 'reply', id: m['id'], result }),
            (error: unknown) => process.send!({ type: 'reply', id: m['id'], error: String(error) }),
          )
      })
      process.send!({ type: 'ready', ...ready })
    },
  }
}

/** Wall-clock time in ms with sub-ms precision, comparable between processes of one machine. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now()
}
