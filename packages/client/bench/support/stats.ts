/**
 * Latency loops and their statistics for the socket benchmarks: one request in flight at a
 * time, every request timed on its own (`performance.now()`), so requests/s, p50 and p99 come
 * from the same samples. (mitata reports per-batch times; a request over a socket is long
 * enough to time one by one, and p99 needs the individual samples.)
 */
import process from 'node:process'

/** What a loop measured. Times in ms. */
export interface LatencyStats {
  /** Requests measured (after the warm-up). */
  n: number
  /** Requests per second over the whole measured loop (one in flight). */
  perSecond: number
  p50: number
  p99: number
  mean: number
  max: number
}

/** How long a loop runs. */
export interface LoopOptions {
  /** Run (unmeasured) this long first. Default 300. */
  warmupMs?: number
  /** Then measure this long. Default 1500. */
  durationMs?: number
  /** Stop measuring after this many requests. Default 200000. */
  maxIterations?: number
  /** Measure at least this many requests, even past durationMs. Default 20. */
  minIterations?: number
}

/** A contender of {@link interleave}: one request, run again and again. */
export interface Contender {
  name: string
  call: () => Promise<unknown>
  /** Runs after each timed call, untimed (closing a connection opened for the call). */
  untimed?: () => unknown
}

/** What {@link interleave} measured for one contender. */
export interface InterleavedStats extends LatencyStats {
  /** CPU time (user + system) of this process per request, in µs. */
  cpuUs: number
  /** CPU time of the peer process per request, in µs (when `peerCpuUs` was given). */
  peerCpuUs: number
}

/**
 * Measures several contenders in turns: a warm-up of each, then `rounds` slices of
 * `sliceMs` each, round-robin, so a noisy neighbour on a shared machine hits them alike.
 * Also the CPU time spent per request, here and (with `peerCpuUs`) in the peer process.
 * @returns the statistics of each contender, by name
 */
export async function interleave(
  contenders: readonly Contender[],
  options: { warmupMs?: number; sliceMs?: number; rounds?: number; peerCpuUs?: () => Promise<number> } = {},
): Promise<Map<string, InterleavedStats>> {
  const { warmupMs = 300, sliceMs = 150, rounds = 10, peerCpuUs } = options
  const acc = new Map(contenders.map((c) => [c.name, { samples: [] as number[], elapsed: 0, cpu: 0, peer: 0 }]))
  for (const c of contenders) {
    const end = performance.now() + warmupMs
    while (performance.now() < end) {
      await c.call()
      await c.untimed?.()
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (const c of contenders) {
      const a = acc.get(c.name)!
      const peerBefore = peerCpuUs === undefined ? 0 : await peerCpuUs()
      const cpuBefore = process.cpuUsage()
      const start = performance.now()
      const end = start + sliceMs
      let now = start
      let timed = 0
      let n = 0
      while (now < end || n < 2) {
        const t0 = performance.now()
        await c.call()
        const t1 = performance.now()
        a.samples.push(t1 - t0)
        timed += t1 - t0
        await c.untimed?.()
        now = performance.now()
        n++
      }
      // requests/s counts the timed part only (for a fresh connection per call, not its close).
      a.elapsed += c.untimed === undefined ? now - start : timed
      const cpu = process.cpuUsage(cpuBefore)
      a.cpu += cpu.user + cpu.system
      if (peerCpuUs !== undefined) a.peer += (await peerCpuUs()) - peerBefore
    }
  }
  return new Map(contenders.map((c) => {
    const a = acc.get(c.name)!
    return [c.name, { ...summarize(a.samples, a.elapsed), cpuUs: a.cpu / a.samples.length, peerCpuUs: a.peer / a.samples.length }]
  }))
}

/** Nearest-rank percentile of sorted `values`. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]!
}

/** Statistics of `samples` (ms) taken over `elapsedMs`. */
export function summarize(samples: Float64Array | number[], elapsedMs: number): LatencyStats {
  const sorted = Float64Array.from(samples).sort()
  let sum = 0
  for (const v of sorted) sum += v
  return {
    n: sorted.length,
    perSecond: sorted.length / (elapsedMs / 1000),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sum / sorted.length,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  }
}

/**
 * Runs `fn` again and again, one call at a time: a warm-up, then a measured stretch.
 * @param fn - one request (resolves with its answer)
 * @param options - warmupMs, durationMs, maxIterations, minIterations
 * @returns the statistics of the measured calls
 */
export async function measureLoop(fn: () => Promise<unknown>, options: LoopOptions = {}): Promise<LatencyStats> {
  const { warmupMs = 300, durationMs = 1500, maxIterations = 200_000, minIterations = 20 } = options
  const warmEnd = performance.now() + warmupMs
  while (performance.now() < warmEnd) await fn()
  const samples = new Float64Array(maxIterations)
  let n = 0
  const start = performance.now()
  const end = start + durationMs
  let now = start
  while (n < maxIterations && (now < end || n < minIterations)) {
    const t0 = now
    await fn()
    now = performance.now()
    samples[n++] = now - t0
  }
  return summarize(samples.subarray(0, n), now - start)
}

/** `1234.5` → `"1,235"`. */
export const fmtInt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a')

/** Milliseconds with 3 significant decimals below 1 ms. */
export const fmtMs = (ms: number): string => (!Number.isFinite(ms) ? 'n/a' : ms < 1 ? ms.toFixed(3) : ms < 100 ? ms.toFixed(2) : ms.toFixed(0))

/** `a / b` as `1.52x`. */
export const ratio = (a: number, b: number): string => (Number.isFinite(a / b) && b !== 0 ? `${(a / b).toFixed(2)}x` : 'n/a')

/** Bytes as KiB with one decimal. */
export const fmtKiB = (bytes: number): string => (Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(1)} KiB` : 'n/a')
