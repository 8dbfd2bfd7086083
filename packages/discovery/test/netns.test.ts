/**
 * Discovery for real, with broadcast, on the real ports 6666/6667/7000: inside a private
 * network namespace made by shared/tools/netns-run, where broadcasts cannot leave the machine.
 * test/netns/scenarios.ts runs there with the runtime under test and prints its results as
 * JSON; this file asserts on them. Without a namespace (no root, no unshare, no shared/ next to
 * the repo) every test here is reported as SKIPPED with the reason, never passed.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import process from 'node:process'
import { describe, it } from 'node:test'

interface Summary { id: string; version?: string; ip: string; source: string; hasIpMismatch: boolean; framing: string; localPort: number; isEncrypted: boolean }
interface Stats { received: number; decoded: number; ignored: Record<string, number>; solicitationsSent: number }
interface Result {
  runtime: string
  versions: {
    ids: string[]
    beaconing: string[]
    silentId: string
    nattedId: string
    elapsedMs: number
    a: { found: Summary[]; stats: Stats }
    b: { found: Summary[]; stats: Stats }
    sniffedWithoutSolicit: number
    sniffedTotal: number
    solicitationsSeenBySilent: number
  }
  heldPort: { isBindError: boolean; code: string; port: number; systemCode: string; message: string; released6666: boolean }
  junk: { sent: number; stats: Stats; found: Summary }
}

// TUYA_NETNS_RUN overrides the location (e.g. to check the skip path with a script that exits 3).
const NETNS_RUN = process.env.TUYA_NETNS_RUN ?? fileURLToPath(new URL('../../../../shared/tools/netns-run', import.meta.url))
const SCRIPT = fileURLToPath(new URL('./netns/scenarios.ts', import.meta.url))
const CHILD_TIMEOUT_MS = 60_000

const g = globalThis as { Bun?: unknown; Deno?: unknown }
const RUNTIME = g.Deno !== undefined ? 'deno' : g.Bun !== undefined ? 'bun' : 'node'

/** The same runtime that runs this test, for the child. */
function runtimeCommand(): string[] {
  if (RUNTIME === 'deno') return [process.execPath, 'run', '-A', '--no-check', '--no-lock', SCRIPT]
  if (RUNTIME === 'bun') return [process.execPath, SCRIPT]
  return [process.execPath, '--import', 'tsx', SCRIPT]
}

async function runInNamespace(): Promise<{ result?: Result; skip?: string }> {
  if (process.platform !== 'linux') return { skip: `network namespaces need Linux (this is ${process.platform})` }
  if (!existsSync(NETNS_RUN)) return { skip: `${NETNS_RUN} is missing (the shared/ directory beside the repo)` }
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [NETNS_RUN, ...runtimeCommand()], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Uint8Array) => (stdout += String(d)))
    child.stderr.on('data', (d: Uint8Array) => (stderr += String(d)))
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 3) return resolve({ skip: `no network namespace here: ${stderr.trim() || 'netns-run exited 3'}` })
      const line = stdout.split('\n').find((l) => l.startsWith('NETNS_RESULT '))
      if (code !== 0 || line === undefined) {
        return reject(new Error(`netns scenarios failed (exit ${String(code)}, signal ${String(signal)}):\n${stdout}\n${stderr}`))
      }
      resolve({ result: JSON.parse(line.slice('NETNS_RESULT '.length)) as Result })
    })
  })
}

const outcome = await runInNamespace()
const skip = outcome.skip ?? false
// Bun and Deno do not print skip reasons; say it once so a skipped run is never mistaken for a pass.
if (outcome.skip !== undefined) console.error(`@tuya/discovery netns tests SKIPPED: ${outcome.skip}`)
const r = outcome.result as Result

describe('in a network namespace, with broadcast, on 6666/6667/7000', () => {
  it('ran the scenarios with the runtime under test', { skip }, () => {
    assert.equal(r.runtime, RUNTIME)
  })

  it('finds a beaconing @tuya/mock device of every version (3.1-3.5) by broadcast', { skip }, () => {
    const v = r.versions
    const found = new Map(v.a.found.map((d) => [d.id, d]))
    assert.deepEqual([...found.keys()].sort(), [...v.ids].sort())
    const versions = v.beaconing.map((id) => found.get(id)!.version).sort()
    assert.deepEqual(versions, ['3.1', '3.2', '3.3', '3.3', '3.4', '3.5'])
    for (const id of v.beaconing) {
      const d = found.get(id)!
      assert.equal(d.source, '10.203.0.1')
      assert.equal(d.localPort, d.version === '3.1' ? 6666 : 6667)
      assert.equal(d.framing, d.version === '3.1' ? '55aa-plain' : d.version === '3.5' ? '6699-gcm' : '55aa-ecb')
      assert.equal(d.isEncrypted, d.version !== '3.1')
    }
    assert.equal(v.a.stats.ignored['decrypt-failed'], 0)
    assert.ok(v.elapsedMs < 2000, `all found in ${v.elapsedMs} ms with 300 ms beacons`)
  })

  it('a silent 3.5 device answers the solicitation, unicast to 7000', { skip }, () => {
    const v = r.versions
    const silent = v.a.found.find((d) => d.id === v.silentId)!
    assert.equal(silent.version, '3.5')
    assert.equal(silent.localPort, 7000)
    assert.equal(silent.framing, '6699-gcm')
    assert.ok(v.a.stats.solicitationsSent >= 1)
    assert.ok(v.solicitationsSeenBySilent >= 1)
  })

  it('sends no solicitation unless asked: nothing on the wire while only the instance without `solicit` ran', { skip }, () => {
    assert.equal(r.versions.sniffedWithoutSolicit, 0)
    assert.ok(r.versions.sniffedTotal >= 1, 'the sniffer does see solicitations once they are asked for')
    assert.equal(r.versions.b.stats.solicitationsSent, 0)
  })

  it('keeps the payload IP and the packet source when they differ (a NAT\'d device)', { skip }, () => {
    const d = r.versions.a.found.find((x) => x.id === r.versions.nattedId)!
    assert.equal(d.ip, '192.168.1.50')
    assert.equal(d.source, '10.203.0.1')
    assert.equal(d.hasIpMismatch, true)
  })

  it('two discovery instances side by side both receive every broadcast beacon', { skip }, () => {
    const v = r.versions
    assert.deepEqual(v.b.found.map((d) => d.id).sort(), [...v.beaconing].sort())
    assert.ok(v.b.stats.decoded >= v.beaconing.length)
  })

  it('a port held without SO_REUSEADDR gives DiscoveryBindError naming it, and releases the others', { skip }, () => {
    const e = r.heldPort
    assert.equal(e.isBindError, true)
    assert.equal(e.code, 'TUYA_ERR_DISCOVERY_BIND')
    assert.equal(e.port, 6667)
    assert.equal(e.systemCode, 'EADDRINUSE')
    assert.match(e.message, /0\.0\.0\.0:6667/)
    assert.match(e.message, /Home Assistant/)
    assert.equal(e.released6666, true)
  })

  it('junk broadcast to every port is counted, not thrown, and a beacon after it is found', { skip }, () => {
    const j = r.junk
    const ignored = Object.values(j.stats.ignored).reduce((a, b) => a + b, 0)
    assert.equal(j.sent, 12)
    assert.equal(ignored, 12)
    assert.equal(j.stats.ignored['empty'], 3)
    assert.equal(j.stats.ignored['bad-frame'], 3)
    assert.equal(j.stats.ignored['foreign'], 6)
    assert.equal(j.found.version, '3.3')
  })
})
