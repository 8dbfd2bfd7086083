/**
 * The recovery checks every fault test ends with: the client is (or gets) online again, a
 * device-side change arrives as a push, and a command round-trips exactly once.
 */
import assert from 'node:assert/strict'
import type { Pair } from './setup.ts'
import { count, nextEvent } from './setup.ts'

/**
 * Asserts that pushes resume and that a set goes through exactly once.
 * @param p - the pair
 * @param value - a fresh value for DP 2 (so the push is recognisable)
 */
export async function assertRecovered(p: Pair, value: number): Promise<void> {
  const { device, mock, commands } = p
  if (!device.online) await nextEvent(device, 'connected')
  // One round trip: the device switches to the session key only once it has read FINISH.
  await device.heartbeat()
  const push = nextEvent(device, 'dps', (d) => d.source === 'push' && d.dps['2'] === value)
  mock.setDps({ '2': value })
  assert.deepEqual((await push).dps, { '2': value }, 'pushes resume')
  const writes = commands.filter((c) => c.startsWith('CONTROL')).length
  assert.deepEqual(await device.set({ '1': value % 2 === 0 }), { '1': value % 2 === 0 })
  assert.equal(commands.filter((c) => c.startsWith('CONTROL')).length, writes + 1, 'the set reached the device exactly once')
  assert.equal(device.state['2'], value)
  assert.equal(count(commands, 'SESS_KEY_NEG_START'), 0, 'handshake frames are not commands')
}
