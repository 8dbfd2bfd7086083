/**
 * A real Mosquitto for the tests: found on PATH (or in /usr/sbin, where Debian puts it), started
 * on a free loopback port with a generated config (a listener on 127.0.0.1 only, anonymous
 * clients allowed, no persistence), restartable on the same port. Tests that need it are skipped,
 * with the reason, when it is not installed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'

function findMosquitto(): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/opt/homebrew/sbin']
  for (const dir of dirs) {
    const path = join(dir, 'mosquitto')
    if (dir !== '' && existsSync(path)) return path
  }
  return undefined
}

/** The mosquitto binary, if installed. */
export const MOSQUITTO = findMosquitto()

/** Why the broker tests are skipped, or false when they run. */
export const SKIP_REASON: string | false = MOSQUITTO === undefined
  ? 'mosquitto is not installed (apt-get install -y mosquitto; .ci/run installs it)'
  : spawnSync(MOSQUITTO, ['-h']).error !== undefined ? `mosquitto at ${MOSQUITTO} does not run` : false

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`mosquitto did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** A running Mosquitto. */
export interface Broker {
  readonly port: number
  readonly url: string
  /** Stops it (its retained messages are gone: no persistence) and starts it again on the same port. */
  restart(downtimeMs?: number): Promise<void>
  stop(): Promise<void>
}

/**
 * Starts Mosquitto on a free loopback port.
 * @returns the broker
 * @throws when mosquitto is not installed (check {@link SKIP_REASON} first) or does not start
 */
export async function startMosquitto(): Promise<Broker> {
  if (MOSQUITTO === undefined) throw new Error('mosquitto is not installed')
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'tuya-mqtt-test-'))
  const config = join(dir, 'mosquitto.conf')
  writeFileSync(config, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest stderr', 'log_type error', 'max_queued_messages 100000', ''].join('\n'))
  let child: ChildProcess | undefined
  let log = ''
  const launch = async (): Promise<void> => {
    child = spawn(MOSQUITTO, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] })
    child.stderr!.on('data', (d) => (log += String(d)))
    child.once('exit', () => (child = undefined))
    try {
      await waitForPort(port, 5000)
    } catch (error) {
      throw new Error(`${(error as Error).message}: ${log.trim()}`)
    }
  }
  const halt = async (): Promise<void> => {
    const running = child
    if (running === undefined) return
    const exited = new Promise((resolve) => running.once('exit', resolve))
    running.kill('SIGTERM')
    await exited
  }
  await launch()
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    async restart(downtimeMs = 200) {
      await halt()
      await new Promise((resolve) => setTimeout(resolve, downtimeMs))
      await launch()
    },
    async stop() {
      await halt()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
