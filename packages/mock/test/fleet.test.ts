/**
 * createMockFleet: several devices in one process, on OS-assigned or consecutive ports.
 */
import assert from 'node:assert/strict'
import * as net from 'node:net'
import { describe, it } from 'node:test'
import { createMockFleet } from '../src/index.ts'
import { TestClient } from './helpers/client.ts'

/** A port with `count` free ports after it (probed, then released). */
async function freePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 40000)
    const servers: net.Server[] = []
    let ok = true
    for (let i = 0; i < count && ok; i++) {
      const server = net.createServer()
      ok = await new Promise<boolean>((resolve) => {
        server.once('error', () => resolve(false))
        server.listen(base + i, '127.0.0.1', () => resolve(true))
      })
      if (ok) servers.push(server)
    }
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
    if (ok) return base
  }
  throw new Error('no free port run found')
}

describe('createMockFleet', () => {
  it('runs N devices on OS-assigned ports, each with its own id, key and state', async () => {
    await using fleet = await createMockFleet({ count: 3, version: '3.4', device: (i) => ({ dps: { '1': i % 2 === 0 } }) })
    const ports = fleet.devices.map((d) => d.port)
    assert.equal(new Set(ports).size, 3)
    assert.equal(new Set(fleet.devices.map((d) => d.localKey)).size, 3)
    for (const [i, device] of fleet.devices.entries()) {
      const c = await TestClient.connect({ version: '3.4', key: device.localKey, port: device.port })
      assert.deepEqual((await c.request(16, {})).reply.json, { dps: { '1': i % 2 === 0 } })
      c.close()
    }
  })

  it('uses consecutive ports from basePort, and mixes versions per device', async () => {
    const base = await freePortRun(3)
    await using fleet = await createMockFleet({ count: 3, basePort: base, device: (i) => ({ version: (['3.1', '3.3', '3.5'] as const)[i] }) })
    assert.deepEqual(fleet.devices.map((d) => d.port), [base, base + 1, base + 2])
    assert.deepEqual(fleet.devices.map((d) => d.version), ['3.1', '3.3', '3.5'])
  })

  it('rejects bad counts, and closes what it started when a device fails to start', async (t) => {
    await assert.rejects(createMockFleet({ count: 0 }), RangeError)
    await using blocker = await createMockFleet({ count: 1 })
    const taken = blocker.devices[0]!.port
    const error = await createMockFleet({ count: 2, basePort: taken - 1 }).then(() => undefined, (e: unknown) => e)
    assert.match(String(error), /EADDRINUSE/)
    if (!String(error).includes(`:${taken}`)) {
      t.skip(`port ${taken - 1} was held by another program, so the fleet failed on its first device`)
      return
    }
    // The first device of the failed fleet was closed again: its port is free. Some runtimes
    // (Bun) release a closed listening port a moment later, so allow up to a second.
    let again: Awaited<ReturnType<typeof createMockFleet>> | undefined
    for (let attempt = 0; again === undefined; attempt++) {
      try {
        again = await createMockFleet({ count: 1, basePort: taken - 1 })
      } catch (e) {
        if (attempt >= 20 || !/EADDRINUSE/.test(String(e))) throw e
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
    await using fleet = again
    assert.equal(fleet.devices[0]!.port, taken - 1)
  })
})
