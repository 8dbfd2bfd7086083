import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DpsCache } from '../src/core/dps-state.ts'

describe('DpsCache', () => {
  it('merges reports into a frozen snapshot; an earlier snapshot never changes', () => {
    const cache = new DpsCache()
    const first = cache.merge({ '1': false, '2': 5 }, undefined)
    assert.ok(Object.isFrozen(first))
    assert.deepEqual(first, { '1': false, '2': 5 })
    const second = cache.merge({ '2': 6, '101': 'x' }, undefined)
    assert.deepEqual(second, { '1': false, '2': 6, '101': 'x' })
    assert.deepEqual(first, { '1': false, '2': 5 })
    assert.equal(cache.get(), second)
  })

  it('a report that repeats the state keeps the same snapshot', () => {
    const cache = new DpsCache()
    const first = cache.merge({ '1': true, '2': 'a' }, undefined)
    assert.equal(cache.merge({ '2': 'a' }, undefined), first)
    assert.equal(cache.merge({ '1': true, '2': 'a' }, undefined), first)
    assert.equal(cache.get(), first)
  })

  it('a DP reported as undefined-valued but absent is a change, not a repeat', () => {
    const cache = new DpsCache()
    cache.merge({ '1': 1 }, undefined)
    const next = cache.merge({ '2': undefined as never }, undefined)
    assert.ok(Object.hasOwn(next, '2'))
  })

  it('keeps gateway children apart from the device and from each other', () => {
    const cache = new DpsCache()
    cache.merge({ '1': true }, undefined)
    cache.merge({ '1': 'child-a' }, 'a')
    cache.merge({ '2': 'child-b' }, 'b')
    assert.deepEqual(cache.get(), { '1': true })
    assert.deepEqual(cache.get('a'), { '1': 'child-a' })
    assert.deepEqual(cache.get('b'), { '2': 'child-b' })
    assert.deepEqual(cache.get('unknown'), {})
    assert.ok(Object.isFrozen(cache.get('unknown')))
  })
})
