/**
 * The fleet's timer slack (transport/coalescing-timer.ts): timers due close together fire from
 * one setTimeout, never before they are due, and a cancelled one never fires.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { coalescingSetTimer } from '../src/transport/coalescing-timer.ts'

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

describe('coalescingSetTimer', () => {
  it('timers due within one grid step fire together, none early, a cancelled one never', async () => {
    const slack = 40
    const setTimer = coalescingSetTimer(slack)
    // Start just after a grid point, so that a, b and c fall due before the next one (a busy
    // machine may wake us later: then wait for the next grid point).
    let armedAt = Date.now()
    for (let tries = 0; tries < 20; tries++) {
      await sleep(slack - (Date.now() % slack) + 1)
      armedAt = Date.now()
      if (armedAt % slack <= slack - 30) break
    }
    const grid = (due: number) => Math.ceil(due / slack) * slack
    const fired: Array<{ name: string; at: number; due: number }> = []
    const arm = (name: string, delay: number) => setTimer(() => fired.push({ name, at: Date.now(), due: armedAt + delay }), delay)
    arm('a', 2)
    const cancelB = arm('b', 10)
    arm('c', 20)
    arm('d', slack + 10)
    cancelB()
    // Wait for d (a loaded machine may be late), then one more step in which b must stay silent.
    for (let waited = 0; fired.length < 3 && waited < 3000; waited += 10) await sleep(10)
    await sleep(slack)
    assert.deepEqual(fired.map((f) => f.name), ['a', 'c', 'd'])
    // Each fires at (or after) the grid point at or after its due time.
    for (const f of fired) assert.ok(f.at >= grid(f.due), `${f.name} fired before its grid point`)
    // a and c share a grid point: one wake-up, the same millisecond; d is on the next one.
    assert.ok(fired[1]!.at - fired[0]!.at <= 2, `a and c fired ${fired[1]!.at - fired[0]!.at} ms apart`)
    assert.equal(grid(fired[0]!.due), grid(fired[1]!.due))
    assert.ok(grid(fired[2]!.due) > grid(fired[0]!.due))
  })

  it('a timer armed while its grid point fires runs on a later wake-up, not lost', async () => {
    const setTimer = coalescingSetTimer(10)
    let second = false
    await new Promise<void>((resolve) => {
      setTimer(() => setTimer(() => { second = true; resolve() }, 0), 0)
    })
    assert.equal(second, true)
  })

  it('cancelling every timer of a grid point clears its setTimeout (a closed fleet does not hold the process)', () => {
    const realSet = globalThis.setTimeout
    const realClear = globalThis.clearTimeout
    const armed: unknown[] = []
    const cleared: unknown[] = []
    globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
      const handle = realSet(...args)
      armed.push(handle)
      return handle
    }) as typeof setTimeout
    globalThis.clearTimeout = ((handle: Parameters<typeof clearTimeout>[0]) => {
      cleared.push(handle)
      realClear(handle)
    }) as typeof clearTimeout
    try {
      const setTimer = coalescingSetTimer(1000)
      const cancels = [setTimer(() => assert.fail('cancelled'), 60_000), setTimer(() => assert.fail('cancelled'), 60_000)]
      assert.equal(armed.length, 1, 'one setTimeout for both')
      cancels[0]!()
      assert.deepEqual(cleared, [], 'one timer is still live')
      cancels[1]!()
      cancels[1]!()
      assert.deepEqual(cleared, armed)
    } finally {
      globalThis.setTimeout = realSet
      globalThis.clearTimeout = realClear
    }
  })

  it('rejects a slack that is not a positive number of milliseconds', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '5' as unknown as number]) {
      assert.throws(() => coalescingSetTimer(bad), RangeError)
    }
  })
})
