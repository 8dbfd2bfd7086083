/**
 * The sans-I/O device core: request frames in, reply frames out, per version (no sockets).
 * Shows how many requests per second one simulated device can serve in a fleet.
 *
 *   node --import tsx bench/core.bench.ts   (also: bun bench/core.bench.ts, deno run -A --no-check bench/core.bench.ts)
 */
import { encodeFrame, type ProtocolVersion } from '@tuya/codec'
import { createSession } from '@tuya/session'
import { bench, do_not_optimize, group, run } from 'mitata'
import { DeviceCore, resolveOptions } from '../src/index.ts'

const KEY = '0123456789abcdef'

/** A device with one negotiated connection, and a request to replay (seq checks off). */
function setup(version: ProtocolVersion, cmd: number, payload: Record<string, unknown>) {
  const core = new DeviceCore(resolveOptions({ version, localKey: KEY, dps: { '1': false, '2': 50, '3': 'white' }, seqCheck: 'off', idleTimeoutMs: 0 }))
  const { connectionId } = core.accept({ remoteAddress: '127.0.0.1', remotePort: 1 })
  let key: string | Uint8Array = KEY
  if (version === '3.4' || version === '3.5') {
    const client = createSession({ role: 'client', version, localKey: KEY })
    const resp = core.receive(connectionId, client.start().send[0]!).find((a) => a.type === 'write')
    if (resp?.type !== 'write') throw new Error('no RESP')
    core.receive(connectionId, client.receive(resp.bytes).send[0]!)
    key = client.sessionKey!
  }
  const frame = encodeFrame({ version, key, seq: 100, cmd, payload })
  return () => core.receive(connectionId, frame)
}

for (const version of ['3.1', '3.3', '3.4', '3.5'] as const) {
  const isNew = version === '3.4' || version === '3.5'
  group(`${version}`, () => {
    const query = setup(version, isNew ? 16 : 10, isNew ? {} : { gwId: 'x', devId: 'x' })
    const control = setup(version, isNew ? 13 : 7, isNew ? { protocol: 5, t: 1, data: { dps: { '1': true } } } : { devId: 'x', dps: { '1': true } })
    bench(`status query -> reply`, () => do_not_optimize(query()))
    bench(`control -> ack + push`, () => do_not_optimize(control()))
  })
}

await run()
