/** The repository root (no trailing slash). */
export const ROOT: string
/** One workspace of the root package.json. */
export interface Workspace {
  readonly name: string
  readonly dir: string
  readonly pkg: Record<string, unknown>
  readonly isPrivate: boolean
}
/** The workspaces, in the order of the root package.json. */
export function workspaces(): Workspace[]
/** The runtime dependencies an integration package may have beyond @noble/* and @tuya/*. */
export const INTEGRATION_DEPS: Readonly<Record<string, readonly string[]>>
