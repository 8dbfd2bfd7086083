/**
 * The adapter's per-socket queue: writes in order around delays, and the lazy idle timer
 * (one timer per connection that re-arms itself, instead of one per frame).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { TcpConnection } from '../src/transport/tcp.ts'
import { SocketQueue } from '../src/transport/socket-queue.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function fakeConnection(log: string[]): TcpConnection {
  return {
    remoteAddress: '127.0.0.1',
    remotePort: 1,
    write: (bytes) => void log.push(`write ${bytes[0]}`),
    end: () => void log.push('end'),
    destroy: () => void log.push('destroy'),
    reset: () => void log.push('reset'),
  }
}

describe('SocketQueue', () => {
  it('writes at once when nothing is queued; a delayed write holds back what follows', async () => {
    const log: string[] = []
    const queue = new SocketQueue(fakeConnection(log), 0, () => log.push('idle'))
    queue.write(0, Uint8Array.of(1))
    assert.deepEqual(log, ['write 1'], 'written synchronously')
    queue.write(40, Uint8Array.of(2))
    queue.write(0, Uint8Array.of(3))
    queue.enqueue(0, (conn) => conn.end())
    assert.deepEqual(log, ['write 1'])
    await sleep(80)
    assert.deepEqual(log, ['write 1', 'write 2', 'write 3', 'end'])
    queue.write(0, Uint8Array.of(4))
    assert.deepEqual(log.at(-1), 'write 4', 'the queue is empty again')
    queue.dispose()
  })

  it('idle: fires once, idleTimeoutMs after the last touch, however many touches came before', async () => {
    let idleAt: number | undefined
    let fired = 0
    const queue = new SocketQueue(fakeConnection([]), 120, () => {
      fired++
      idleAt = performance.now()
    })
    queue.touch()
    let lastTouch = performance.now()
    // Touches across the first deadline: the timer armed by the first touch fires early and re-arms.
    for (let i = 0; i < 4; i++) {
      await sleep(50)
      queue.touch()
      lastTouch = performance.now()
    }
    assert.equal(fired, 0, 'activity every 50 ms keeps it open')
    await sleep(400)
    assert.equal(fired, 1)
    assert.ok(idleAt! - lastTouch >= 120, `idle ${(idleAt! - lastTouch).toFixed(1)} ms after the last touch, not before 120`)
    assert.ok(idleAt! - lastTouch < 120 + 200, `idle ${(idleAt! - lastTouch).toFixed(1)} ms after the last touch`)
    queue.dispose()
  })

  it('idle: stopIdle and dispose cancel it; idleTimeoutMs 0 never fires', async () => {
    let fired = 0
    const stopped = new SocketQueue(fakeConnection([]), 30, () => fired++)
    stopped.touch()
    stopped.stopIdle()
    const disposed = new SocketQueue(fakeConnection([]), 30, () => fired++)
    disposed.touch()
    disposed.dispose()
    const never = new SocketQueue(fakeConnection([]), 0, () => fired++)
    never.touch()
    await sleep(80)
    assert.equal(fired, 0)
  })
})
