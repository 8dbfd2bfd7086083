/**
 * `tuya mock` as a user runs it: the built CLI (dist/bin.js, `npm run build` first) in a child
 * process, driven by a client made of @tuya/codec + @tuya/session over loopback, then stopped
 * with SIGTERM. Also the dispatcher's help and argument errors.
 */
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import * as net from 'node:net'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { decodeFrame, Deframer, encodeFrame, type DecodedFrame, type KeyInput, type ProtocolVersion } from '@tuya/codec'
import { createSession } from '@tuya/session'

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url))
// Under Bun or Deno, run the CLI with node (what `npx tuya` does).
const isNode = typeof (globalThis as { Bun?: unknown }).Bun === 'undefined' && typeof (globalThis as { Deno?: unknown }).Deno === 'undefined'
const NODE = isNode ? process.execPath : 'node'
const KEY = '0123456789abcdef'
const ID = 'bf1234567890abcdefgh'

interface Run {
  child: ChildProcess
  stdout: string
  stderr: string
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

function startCli(args: string[]): Run {
  assert.ok(existsSync(BIN), `${BIN} is missing: run \`npm run build\` at the repository root first`)
  const child = spawn(NODE, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  const run: Run = { child, stdout: '', stderr: '', exit: new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal }))) }
  child.stdout!.on('data', (d: Uint8Array) => (run.stdout += new TextDecoder().decode(d)))
  child.stderr!.on('data', (d: Uint8Array) => (run.stderr += new TextDecoder().decode(d)))
  return run
}

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined'

/**
 * A clean stop: exit code 0 after the "stopped" line. Deno's node:child_process reports a
 * child we signalled as killed by that signal even when it handled it and exited 0, so there
 * the "stopped" line (printed after the device closed) is the evidence.
 */
async function assertCleanExit(run: Run, signal: NodeJS.Signals): Promise<void> {
  const { code, signal: reported } = await run.exit
  assert.match(run.stderr, /tuya mock: stopped\n$/, run.stderr)
  if (isDeno && code === null) assert.equal(reported, signal)
  else assert.equal(code, 0, run.stderr)
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** A minimal client: connect, negotiate (3.4/3.5), exchange frames. */
async function connect(version: ProtocolVersion, port: number) {
  const socket = net.connect({ host: '127.0.0.1', port, noDelay: true })
  await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('error', reject))
  const deframer = new Deframer()
  const inbox: Uint8Array[] = []
  socket.on('data', (d: Uint8Array) => inbox.push(...deframer.push(new Uint8Array(d.buffer, d.byteOffset, d.byteLength))))
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
  const nextRaw = async () => {
    await until(() => inbox.length > 0, 'a frame from the mock', 3000)
    return inbox.shift()!
  }
  let key: KeyInput = KEY
  let seq = 1
  if (version === '3.4' || version === '3.5') {
    const session = createSession({ role: 'client', version, localKey: KEY })
    socket.write(session.start().send[0]!)
    socket.write(session.receive(await nextRaw()).send[0]!)
    key = session.sessionKey!
    seq = session.nextSeq
  }
  return {
    send: (cmd: number, payload: Record<string, unknown>) => socket.write(encodeFrame({ version, key, seq: seq++, cmd, payload })),
    next: async (): Promise<DecodedFrame> => decodeFrame(await nextRaw(), { version, key }),
    close: async () => {
      socket.destroy()
      await closed
    },
  }
}

describe('tuya mock (built CLI in a child process)', () => {
  it('prints the port first, serves a 3.4 client, logs to stderr and stops cleanly on SIGTERM', async () => {
    const run = startCli(['mock', '--port', '0', '--version', '3.4', '--local-key', KEY, '--id', ID, '--dps', '{"1":false,"2":50}'])
    await until(() => run.stdout.includes('\n'), 'the port on stdout')
    const port = Number(run.stdout.split('\n')[0])
    assert.ok(Number.isInteger(port) && port > 0, `first stdout line is the port, got ${JSON.stringify(run.stdout)}`)

    const c = await connect('3.4', port)
    c.send(16, {})
    assert.deepEqual((await c.next()).json, { dps: { '1': false, '2': 50 } })
    c.send(13, { protocol: 5, t: 1, data: { dps: { '1': true } } })
    assert.equal((await c.next()).payload.length, 0, 'empty ack')
    assert.deepEqual(((await c.next()).json as { data: unknown }).data, { dps: { '1': true } })
    await c.close()
    await until(() => run.stderr.includes('closed (client)'), 'the close log line')

    run.child.kill('SIGTERM')
    await assertCleanExit(run, 'SIGTERM')
    const log = run.stderr.trim().split('\n')
    assert.match(log[0]!, /protocol 3\.4 device bf1234567890abcdefgh listening on 127\.0\.0\.1:\d+/)
    for (const expected of [/#1 connected from 127\.0\.0\.1:\d+/, /#1 session key negotiated/, /#1 DP_QUERY_NEW seq=\d+ \{\}/, /#1 CONTROL_NEW seq=\d+/, /#1 closed \(client\)/, /stopped/]) {
      assert.ok(log.some((l) => expected.test(l)), `stderr has a line matching ${expected}:\n${run.stderr}`)
    }
    assert.equal(run.stdout.trim().split('\n').length, 1, 'nothing but the port on stdout')
    assert.ok(!run.stderr.includes(KEY), 'the local key is never logged')
  })

  it('3.3 device22 and SIGINT', async () => {
    const run = startCli(['mock', '--port=0', '--version=3.3', '--dev22', '--local-key', KEY, '--id', ID])
    await until(() => run.stdout.includes('\n'), 'the port on stdout')
    const c = await connect('3.3', Number(run.stdout.split('\n')[0]))
    c.send(10, { gwId: ID, devId: ID })
    const reply = await c.next()
    assert.deepEqual([reply.retcode, reply.text], [1, 'json obj data unvalid'])
    await c.close()
    run.child.kill('SIGINT')
    await assertCleanExit(run, 'SIGINT')
  })

  it('bad arguments: non-zero exit with a one-line reason', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['mock', '--local-key', 'short', '--id', ID], /--local-key must be 16 characters/],
      [['mock', '--local-key', KEY], /--id is required/],
      [['mock', '--local-key', KEY, '--id', ID, '--version', '3.9'], /--version must be one of/],
      [['mock', '--local-key', KEY, '--id', ID, '--version', '3.5', '--dev22'], /--dev22 is not supported on version 3\.5/],
      [['mock', '--local-key', KEY, '--id', ID, '--port', 'abc'], /--port must be a number/],
      [['mock', '--local-key', KEY, '--id', ID, '--dps', '{nope'], /--dps must be JSON/],
      [['mock', '--bogus'], /unknown option --bogus/],
      [['mock', '--local-key', KEY, '--id', ID, '--beacon', '--beacon-address', '10.0.0.255'], /--beacon-address 10\.0\.0\.255 cannot be reached from --host 127\.0\.0\.1 .*add --host 0\.0\.0\.0/],
      [['mock', '--local-key', KEY, '--id', ID, '--host', 'localhost', '--beacon', '--beacon-address', '192.168.1.255'], /cannot be reached from --host localhost/],
      [['frobnicate'], /unknown command 'frobnicate'/],
    ]
    for (const [args, message] of cases) {
      const run = startCli(args)
      const { code } = await run.exit
      assert.equal(code, 2, `${args.join(' ')}: ${run.stderr}`)
      assert.equal(run.stderr.trim().split('\n').length, 1, `one line: ${run.stderr}`)
      assert.match(run.stderr, message)
    }
  })

  it('--help at both levels prints usage and examples', async () => {
    const top = startCli(['--help'])
    assert.equal((await top.exit).code, 0)
    assert.match(top.stdout, /Usage: tuya <command>/)
    assert.match(top.stdout, /mock\s+run a simulated Tuya device/)
    const sub = startCli(['mock', '--help'])
    assert.equal((await sub.exit).code, 0)
    assert.match(sub.stdout, /Usage: tuya mock --local-key KEY --id ID/)
    assert.match(sub.stdout, /Examples:\n {2}tuya mock --version 3\.4/)
    assert.match(sub.stdout, /--beacon-address ADDR/)
  })
})
