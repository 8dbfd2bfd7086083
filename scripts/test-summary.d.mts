/** One row of the `npm test` summary. */
export interface SummaryRow {
  readonly name: string
  readonly runtime: string
  readonly passed: number
  readonly failed: number
}
/** The summary rows as aligned lines. */
export function formatSummaryTable(rows: readonly SummaryRow[]): string[]
