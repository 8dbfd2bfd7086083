import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { TypedEventTarget, waitForEvent } from '../src/index.ts'

interface LampEvents {
  change: { isOn: boolean }
  note: { text: string }
}

/** A subclass as the packages write them, counting what it actually dispatches. */
class Lamp extends TypedEventTarget<LampEvents> {
  dispatched: string[] = []
  override dispatchEvent(event: Event): boolean {
    this.dispatched.push(event.type)
    return super.dispatchEvent(event)
  }
  change(isOn: boolean): void {
    this.emit('change', { isOn })
  }
  note(text: string): void {
    this.emit('note', { text })
  }
  isHeard(type: string): boolean {
    return this.hears(type)
  }
}

describe('TypedEventTarget', () => {
  it('delivers a CustomEvent whose detail is what was emitted, to every listener', () => {
    const lamp = new Lamp()
    const seen: unknown[] = []
    lamp.addEventListener('change', (event) => seen.push(event.detail.isOn))
    lamp.addEventListener('change', { handleEvent: (event: Event) => seen.push((event as CustomEvent).type) })
    lamp.change(true)
    assert.deepEqual(seen, [true, 'change'])
  })

  it('builds and dispatches nothing for a type that never had a listener', () => {
    const lamp = new Lamp()
    lamp.addEventListener('change', () => {})
    lamp.note('nobody listens')
    lamp.change(false)
    assert.deepEqual(lamp.dispatched, ['change'])
    assert.equal(lamp.isHeard('note'), false)
    assert.equal(lamp.isHeard('change'), true)
  })

  it('ignores a null listener (no type becomes heard), as EventTarget does', () => {
    const lamp = new Lamp()
    lamp.addEventListener('note', null)
    lamp.removeEventListener('note', null)
    lamp.note('x')
    assert.deepEqual(lamp.dispatched, [])
  })

  it('removeEventListener, once and signal keep the EventTarget semantics', () => {
    const lamp = new Lamp()
    const calls: string[] = []
    const removed = () => calls.push('removed')
    lamp.addEventListener('change', removed)
    lamp.removeEventListener('change', removed)
    lamp.addEventListener('change', () => calls.push('once'), { once: true })
    const controller = new AbortController()
    lamp.addEventListener('change', () => calls.push('until-abort'), { signal: controller.signal })
    lamp.change(true)
    controller.abort()
    lamp.change(false)
    assert.deepEqual(calls, ['once', 'until-abort'])
  })
})

describe('waitForEvent', () => {
  it('resolves with the first detail that passes the filter, and lets go of its listener', async () => {
    const lamp = new Lamp()
    let filtered = 0
    const next = waitForEvent(lamp, 'change', {
      filter: (detail) => {
        filtered++
        return detail.isOn
      },
    })
    lamp.change(false)
    lamp.change(true)
    assert.deepEqual(await next, { isOn: true })
    lamp.change(true)
    assert.equal(filtered, 2, 'no listener left after it resolved')
  })

  it('rejects with an Error named TimeoutError after timeoutMs, and lets go of its listener', async () => {
    const lamp = new Lamp()
    let filtered = 0
    const started = Date.now()
    await assert.rejects(waitForEvent(lamp, 'note', { timeoutMs: 30, filter: () => ++filtered > 99 }), (error: Error) => {
      assert.equal(error.name, 'TimeoutError')
      assert.match(error.message, /no 'note' event within 30 ms/)
      return true
    })
    assert.ok(Date.now() - started >= 25, 'not before timeoutMs')
    lamp.note('late')
    assert.equal(filtered, 0)
  })

  it('rejects with the caller\'s timeoutError when given one', async () => {
    class LampTimeout extends Error {}
    const lamp = new Lamp()
    await assert.rejects(waitForEvent(lamp, 'note', { timeoutMs: 10, timeoutError: (ms) => new LampTimeout(`quiet for ${ms} ms`) }), (error: unknown) =>
      error instanceof LampTimeout && error.message === 'quiet for 10 ms')
  })

  it('rejects with the signal reason, at once when already aborted', async () => {
    const lamp = new Lamp()
    const reason = new Error('stop')
    await assert.rejects(waitForEvent(lamp, 'change', { signal: AbortSignal.abort(reason) }), (error) => error === reason)
    const controller = new AbortController()
    const pending = waitForEvent(lamp, 'change', { signal: controller.signal, timeoutMs: 60_000 })
    controller.abort(reason)
    await assert.rejects(pending, (error) => error === reason)
  })

  it('timeoutMs Infinity waits without a timer', async () => {
    const lamp = new Lamp()
    const next = waitForEvent(lamp, 'note', { timeoutMs: Infinity })
    setTimeout(() => lamp.note('eventually'), 20)
    assert.deepEqual(await next, { text: 'eventually' })
  })

  it('a negative or non-numeric timeoutMs throws RangeError naming it', () => {
    const lamp = new Lamp()
    assert.throws(() => waitForEvent(lamp, 'note', { timeoutMs: -1 }), /RangeError: timeoutMs must be/)
    assert.throws(() => waitForEvent(lamp, 'note', { timeoutMs: Number.NaN }), RangeError)
    assert.throws(() => waitForEvent(lamp, 'note', { timeoutMs: '5' as unknown as number }), RangeError)
  })
})
