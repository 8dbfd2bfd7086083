import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DpsCache } from '../src/core/dps-state.ts'

describe('DpsCache', () => {
  it('merges reports into a frozen snapshot; an earlier snapshot never changes', () => {
    const cache = new DpsCache()
    const first = cache.merge({ '1': false, '2': 5 }, undefined, true)!
    assert.ok(Object.isFrozen(first))
    assert.deepEqual(first, { '1': false, '2': 5 })
    const second = cache.merge({ '2': 6, '101': 'x' }, undefined, true)!
    assert.deepEqual(second, { '1': false, '2': 6, '101': 'x' })
    assert.deepEqual(first, { '1': false, '2': 5 })
    assert.equal(cache.get(), second)
  })

  it('a report that repeats the state keeps the same snapshot', () => {
    const cache = new DpsCache()
    const first = cache.merge({ '1': true, '2': 'a' }, undefined, true)
    assert.equal(cache.merge({ '2': 'a' }, undefined, true), first)
    assert.equal(cache.merge({ '1': true, '2': 'a' }, undefined, false), undefined)
    assert.equal(cache.get(), first)
  })

  it('a DP reported as undefined-valued but absent is a change, not a repeat', () => {
    const cache = new DpsCache()
    cache.merge({ '1': 1 }, undefined, true)
    const next = cache.merge({ '2': undefined as never }, undefined, true)!
    assert.ok(Object.hasOwn(next, '2'))
  })

  it('without a snapshot wanted, changes collect unfrozen and the next read freezes them once', () => {
    const cache = new DpsCache()
    const first = cache.merge({ '1': false }, undefined, true)!
    assert.equal(cache.merge({ '1': true }, undefined, false), undefined)
    assert.equal(cache.merge({ '2': 7 }, undefined, false), undefined)
    assert.deepEqual(first, { '1': false }, 'the snapshot handed out is untouched')
    const read = cache.get()
    assert.ok(Object.isFrozen(read))
    assert.deepEqual(read, { '1': true, '2': 7 })
    assert.equal(cache.get(), read, 'reading again makes no new snapshot')
    // Changes that were never looked at, then a repeat of the current values: a new snapshot,
    // since the state did change since the last one handed out.
    cache.merge({ '1': false }, undefined, false)
    const repeat = cache.merge({ '1': false }, undefined, true)!
    assert.notEqual(repeat, read)
    assert.deepEqual(repeat, { '1': false, '2': 7 })
    assert.deepEqual(read, { '1': true, '2': 7 })
  })

  it('keeps gateway children apart from the device and from each other', () => {
    const cache = new DpsCache()
    cache.merge({ '1': true }, undefined, false)
    cache.merge({ '1': 'child-a' }, 'a', false)
    cache.merge({ '2': 'child-b' }, 'b', true)
    assert.deepEqual(cache.get(), { '1': true })
    assert.deepEqual(cache.get('a'), { '1': 'child-a' })
    assert.deepEqual(cache.get('b'), { '2': 'child-b' })
    assert.deepEqual(cache.get('unknown'), {})
    assert.ok(Object.isFrozen(cache.get('unknown')))
  })
})
