// The table at the end of `npm test`: one row per workspace and runtime, columns aligned to
// the longest workspace name (a fixed width broke on names such as @tuya/discovery).

/**
 * @param {{ name: string, runtime: string, passed: number, failed: number }[]} rows
 * @returns {string[]} one line per row
 */
export function formatSummaryTable(rows) {
  const nameWidth = Math.max(0, ...rows.map((r) => r.name.length))
  const runtimeWidth = Math.max(0, ...rows.map((r) => r.runtime.length))
  const passedWidth = Math.max(1, ...rows.map((r) => String(r.passed).length))
  const failedWidth = Math.max(1, ...rows.map((r) => String(r.failed).length))
  return rows.map((r) => `${r.name.padEnd(nameWidth)}  ${r.runtime.padEnd(runtimeWidth)}  ${String(r.passed).padStart(passedWidth)} passed  ${String(r.failed).padStart(failedWidth)} failed`)
}
