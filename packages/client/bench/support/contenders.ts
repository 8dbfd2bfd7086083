/**
 * The parent side of the round-trip benchmark's contenders: each runs in its own child
 * process (`contender.ts`), and they take turns: a warm-up each, then `rounds` slices of
 * `sliceMs` each, round-robin, so a noisy neighbour on a shared machine hits them alike,
 * while no contender's garbage collection can fall into another's slice.
 */
import { startChild, type Child } from './child.ts'
import { summarize, type InterleavedStats } from './stats.ts'

/** What one contender child runs. */
export interface ContenderConfig {
  kind: 'ours' | 'tuyapi' | 'echo'
  operation: 'status' | 'set'
  version: '3.1' | '3.3' | '3.4' | '3.5'
  id: string
  /** The mock device's port (or the echo server's). */
  port: number
  /** Echo only: bytes per request and bytes of the whole answer. */
  echo?: { request: number; replyBytes: number }
}

/** One slice of a contender's loop. */
export interface SliceResult {
  /** Each request's time, ms. */
  samples: number[]
  elapsedMs: number
  /** CPU time (user + system) of the contender's process during the slice, µs. */
  cpuUs: number
}

/** A started contender. */
export interface ContenderProcess {
  name: string
  child: Child<{ pid: number }>
}

/**
 * Starts one contender process per config (connected and ready to loop).
 * @param contenders - name and config of each
 * @param cpus - pin the children to these CPUs (taskset), if given
 */
export async function startContenders(contenders: ReadonlyArray<{ name: string; config: ContenderConfig }>, cpus?: string): Promise<ContenderProcess[]> {
  const url = new URL('./contender.ts', import.meta.url)
  const started: ContenderProcess[] = []
  try {
    for (const c of contenders) started.push({ name: c.name, child: await startChild<{ pid: number }>(url, c.config, cpus === undefined ? {} : { cpus }) })
  } catch (error) {
    await Promise.all(started.map((s) => s.child.close()))
    throw error
  }
  return started
}

/**
 * Measures the contenders in turns, as {@link interleave} does in one process.
 * @param contenders - started contender processes
 * @param options - warm-up, slice length, rounds, the device process's CPU counter
 * @returns the statistics of each contender, by name; rejects when a contender's call fails
 */
export async function interleaveProcesses(
  contenders: readonly ContenderProcess[],
  options: { warmupMs?: number; sliceMs?: number; rounds?: number; peerCpuUs: () => Promise<number> },
): Promise<Map<string, InterleavedStats>> {
  const { warmupMs = 300, sliceMs = 150, rounds = 10, peerCpuUs } = options
  const acc = new Map(contenders.map((c) => [c.name, { samples: [] as number[], elapsed: 0, cpu: 0, peer: 0 }]))
  for (const c of contenders) await c.child.request<SliceResult>('run', { ms: warmupMs, record: false })
  for (let round = 0; round < rounds; round++) {
    for (const c of contenders) {
      const a = acc.get(c.name)!
      const peerBefore = await peerCpuUs()
      const slice = await c.child.request<SliceResult>('run', { ms: sliceMs, record: true })
      a.peer += (await peerCpuUs()) - peerBefore
      for (const s of slice.samples) a.samples.push(s)
      a.elapsed += slice.elapsedMs
      a.cpu += slice.cpuUs
    }
  }
  return new Map(contenders.map((c) => {
    const a = acc.get(c.name)!
    return [c.name, { ...summarize(a.samples, a.elapsed), cpuUs: a.cpu / a.samples.length, peerCpuUs: a.peer / a.samples.length }]
  }))
}
