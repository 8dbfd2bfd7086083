/**
 * What the benchmarks measure: the built package (`dist/`, what users run), not the sources
 * through tsx (whose keepNames wrappers cost a few µs per created closure). Build first:
 * `npx turbo run build --filter=@tuya/client...`.
 */
export { createDevice, createFleet, TuyaDevice } from '@tuya/client'
export type { LogEntry } from '@tuya/client'
