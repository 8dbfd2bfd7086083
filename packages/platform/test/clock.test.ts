import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { delay, monotonicNow, startInterval, startTimer, systemClock } from '../src/index.ts'
import { runChild } from './runtime-child.ts'

const BUILT = existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)))
const needsBuild = BUILT ? false : 'the package is not built (npx turbo run build): the child process imports dist/'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits for `isDone()`, polling; a loaded machine may run timers late, never early. */
async function waitUntil(isDone: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!isDone()) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms`)
    await sleep(5)
  }
}

describe('startTimer', () => {
  it('runs fn once, not before ms', async () => {
    let runs = 0
    const started = monotonicNow()
    let ranAfterMs = -1
    startTimer(30, () => {
      runs++
      ranAfterMs = monotonicNow() - started
    })
    await waitUntil(() => runs === 1, 'the run')
    await sleep(30)
    assert.equal(runs, 1, 'once')
    assert.ok(ranAfterMs >= 25, `ran after ${ranAfterMs} ms`)
  })

  it('cancel() stops it, and may be called again', async () => {
    let runs = 0
    const timer = startTimer(10, () => runs++)
    timer.cancel()
    timer.cancel()
    await sleep(40)
    assert.equal(runs, 0)
  })

  it('a negative delay runs on the next turn; one too long for setTimeout does not run at once', async () => {
    let soon = 0
    let never = 0
    startTimer(-50, () => soon++)
    const far = startTimer(2 ** 40, () => never++)
    await waitUntil(() => soon === 1, 'the negative delay')
    await sleep(20)
    far.cancel()
    assert.equal(soon, 1)
    assert.equal(never, 0)
  })

  it('keeps the process alive by default; keepAlive: false does not', { skip: needsBuild }, () => {
    const kept = runChild("import { startTimer } from '@tuya/platform'\nstartTimer(150, () => console.log('fired'))\n")
    assert.equal(kept.status, 0, kept.stderr)
    assert.equal(kept.stdout.trim(), 'fired')
    const released = runChild("import { startTimer, startInterval } from '@tuya/platform'\nstartTimer(20_000, () => console.log('fired'), { keepAlive: false })\nstartInterval(20_000, () => console.log('tick'), { keepAlive: false })\n")
    assert.equal(released.status, 0, released.stderr)
    assert.equal(released.stdout, '')
    assert.ok(released.elapsedMs < 15_000, `exited after ${released.elapsedMs} ms, not waiting for the timers`)
  })
})

describe('startInterval', () => {
  it('runs fn every ms until cancelled', async () => {
    let runs = 0
    const timer = startInterval(10, () => runs++)
    await waitUntil(() => runs >= 3, 'three runs')
    timer.cancel()
    const atCancel = runs
    await sleep(40)
    assert.equal(runs, atCancel, 'nothing after cancel()')
  })
})

describe('delay', () => {
  it('resolves after ms', async () => {
    const started = monotonicNow()
    await delay(25)
    assert.ok(monotonicNow() - started >= 20)
  })

  it('rejects with the signal reason, at once when already aborted', async () => {
    const reason = new Error('stop')
    await assert.rejects(delay(10, AbortSignal.abort(reason)), (error) => error === reason)
    const controller = new AbortController()
    const started = monotonicNow()
    const pending = delay(60_000, controller.signal)
    setTimeout(() => controller.abort(reason), 10)
    await assert.rejects(pending, (error) => error === reason)
    assert.ok(monotonicNow() - started < 5000)
  })
})

describe('systemClock', () => {
  it('now() is Date.now()', () => {
    const before = Date.now()
    const now = systemClock.now()
    assert.ok(now >= before && now <= Date.now())
  })

  it('startTimer and startInterval run and cancel; the object is frozen and its methods work detached', async () => {
    const { startTimer: start, startInterval: every } = systemClock
    let once = 0
    let ticks = 0
    start(5, () => once++)
    const interval = every(10, () => ticks++)
    const cancelled = start(5, () => once++)
    cancelled.cancel()
    await waitUntil(() => once === 1 && ticks >= 2, 'the timer and two ticks')
    interval.cancel()
    await sleep(20)
    assert.equal(once, 1, 'the cancelled timer did not run')
    assert.ok(Object.isFrozen(systemClock))
  })

  it("startInterval does not keep the process alive, startTimer does (discovery's contract)", { skip: needsBuild }, () => {
    const child = runChild("import { systemClock } from '@tuya/platform'\nsystemClock.startInterval(20_000, () => console.log('tick'))\nsystemClock.startTimer(100, () => console.log('fired'))\n")
    assert.equal(child.status, 0, child.stderr)
    assert.equal(child.stdout.trim(), 'fired')
  })
})

describe('monotonicNow', () => {
  it('never goes back', () => {
    let last = monotonicNow()
    for (let i = 0; i < 1000; i++) {
      const now = monotonicNow()
      assert.ok(now >= last)
      last = now
    }
  })
})
