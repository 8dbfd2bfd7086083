// Test support (never published): a real Mosquitto for the tests of @tuya/mqtt and `tuya bridge`,
// found on PATH (or in /usr/sbin, where Debian puts it), started on a free loopback port with a
// generated config (a listener on 127.0.0.1 only, no persistence; anonymous clients, or users with
// passwords; optionally TLS with a CA made for the test), restartable on the same port. Tests that
// need it are skipped, with the reason, when it is not installed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
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

/** Why the authentication and TLS tests are skipped (they also need mosquitto_passwd and openssl), or false. */
export const SKIP_SECURE_REASON: string | false = SKIP_REASON !== false ? SKIP_REASON
  : spawnSync('mosquitto_passwd', ['-h']).error !== undefined && !existsSync('/usr/bin/mosquitto_passwd') ? 'mosquitto_passwd is not installed'
  : spawnSync('openssl', ['version']).error !== undefined ? 'openssl is not installed' : false

/** Options of {@link startMosquitto}. */
export interface MosquittoOptions {
  /** Users and passwords; anonymous clients are then refused. */
  readonly users?: Readonly<Record<string, string>>
  /** TLS with a CA made for the test (its certificate in `caFile`). */
  readonly isTls?: boolean
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${String(result.stderr)}`)
}

/** A CA and a server certificate for 127.0.0.1 (EC P-256, one day). */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const at = (name: string) => join(dir, name)
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  run('openssl', ['req', '-x509', ...ec, '-keyout', at('ca.key'), '-out', at('ca.crt'), '-days', '1', '-subj', '/CN=tuya-mqtt test CA'])
  run('openssl', ['req', ...ec, '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', '/CN=127.0.0.1'])
  writeFileSync(at('san.ext'), 'subjectAltName=IP:127.0.0.1\n')
  run('openssl', ['x509', '-req', '-in', at('server.csr'), '-CA', at('ca.crt'), '-CAkey', at('ca.key'), '-CAcreateserial', '-out', at('server.crt'), '-days', '1', '-extfile', at('san.ext')])
  return { ca: at('ca.crt'), cert: at('server.crt'), key: at('server.key') }
}

/** A running Mosquitto. */
export interface Broker {
  readonly port: number
  readonly url: string
  /** The CA certificate (PEM file) of a TLS broker. */
  readonly caFile?: string
  /** Stops it (its retained messages are gone: no persistence) and starts it again on the same port. */
  restart(downtimeMs?: number): Promise<void>
  stop(): Promise<void>
}

/**
 * Starts Mosquitto on a free loopback port.
 * @returns the broker
 * @throws when mosquitto is not installed (check {@link SKIP_REASON} first) or does not start
 */
export async function startMosquitto(options: MosquittoOptions = {}): Promise<Broker> {
  if (MOSQUITTO === undefined) throw new Error('mosquitto is not installed')
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'tuya-mqtt-test-'))
  // Mosquitto started as root reads its files as the mosquitto user.
  chmodSync(dir, 0o755)
  const config = join(dir, 'mosquitto.conf')
  const lines = [`listener ${port} 127.0.0.1`, 'persistence false', 'log_dest stderr', 'log_type error', 'max_queued_messages 100000']
  if (options.users === undefined) lines.push('allow_anonymous true')
  else {
    const passwords = join(dir, 'passwd')
    writeFileSync(passwords, '')
    for (const [user, password] of Object.entries(options.users)) run('mosquitto_passwd', ['-b', passwords, user, password])
    chmodSync(passwords, 0o644)
    lines.push('allow_anonymous false', `password_file ${passwords}`)
  }
  let caFile: string | undefined
  if (options.isTls === true) {
    const files = makeCertificates(dir)
    for (const file of Object.values(files)) chmodSync(file, 0o644)
    caFile = files.ca
    lines.push(`cafile ${files.ca}`, `certfile ${files.cert}`, `keyfile ${files.key}`)
  }
  writeFileSync(config, [...lines, ''].join('\n'))
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
    url: `${options.isTls === true ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    ...(caFile === undefined ? {} : { caFile }),
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
