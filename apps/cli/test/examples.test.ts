/**
 * Runs every script of the repository's examples/ folder on the runtime running this test
 * (node --import tsx, bun, or deno run -A) and checks that it exits 0 and prints what it
 * promises. Each example starts its own @tuya/mock device on 127.0.0.1.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url))
const TIMEOUT_MS = 30_000

const isBun = 'Bun' in globalThis
const isDeno = 'Deno' in globalThis
const RUNTIME = isBun ? 'bun' : isDeno ? 'deno' : 'node'

/** The command line that runs a TypeScript file on this runtime. */
function commandFor(file: string): string[] {
  if (isBun) return [file]
  if (isDeno) return ['run', '-A', file]
  return ['--import', 'tsx', file]
}

/** What each example must print (and every example must be listed here). */
const EXPECTED: Readonly<Record<string, readonly RegExp[]>> = {
  'decode-a-frame.ts': [/^request {2}\d+ bytes {2}000055aa/m, /^decoded {2}seq=1 cmd=10 \(DP_QUERY\) retcode=0$/m, /^payload {2}\{"devId":"bf1234567890abcdefgh","dps":\{"1":true,"2":50\}\}$/m],
  'control-a-device.ts': [/^connected: protocol 3\.4, session key negotiated$/m, /^status: \{"1":false,"2":50\}$/m, /^set 1=true, the device reported: \{"1":true\}$/m, /^push {2}\{"2":80\}/m, /^final state: \{"1":true,"2":80\}$/m],
  'discover.ts': [/^found bf31a{16} {2}ip 127\.0\.0\.1 {2}protocol 3\.1 {2}plaintext beacon/m, /^found bf33b{16} .*protocol 3\.3/m, /^found bf35c{16} .*protocol 3\.5 {2}encrypted beacon \(6699-gcm\)$/m, /^3 devices in \d+ ms$/m],
  'handshake.ts': [/^in memory: established \/ established, same session key: true$/m, /^over TCP: established with the device on port \d+$/m, /^DP_QUERY_NEW under the session key: \{"dps":\{"20":true,"21":"white"\}/m],
  'gateway.ts': [/^children online: a4c1380f4cd8e7b2, a4c1380f4cd8e7c3; offline: none$/m, /^child a4c1380f4cd8e7c3 status: \{"1":true,"2":21\}$/m, /^child a4c1380f4cd8e7b2 set 1=true, reported: \{"1":true\}$/m],
}

function run(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, commandFor(file), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } })
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${file} did not exit within ${TIMEOUT_MS} ms; output so far:\n${stdout}\n${stderr}`))
    }, TIMEOUT_MS)
    child.stdout!.on('data', (d: Uint8Array) => (stdout += new TextDecoder().decode(d)))
    child.stderr!.on('data', (d: Uint8Array) => (stderr += new TextDecoder().decode(d)))
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

describe(`examples/ on ${RUNTIME}`, () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.ts')).sort()

  it('every example is checked here', () => {
    assert.deepEqual(files, Object.keys(EXPECTED).sort())
  })

  for (const file of files) {
    it(`${file} runs on its own and exits 0`, { timeout: TIMEOUT_MS + 5000 }, async () => {
      const { code, stdout, stderr } = await run(`${EXAMPLES}${file}`)
      assert.equal(code, 0, `exit code ${code}\n${stdout}\n${stderr}`)
      for (const pattern of EXPECTED[file] ?? []) assert.match(stdout, pattern)
    })
  }
})
