// Test support (never published): runs the ```ts blocks of a package README in-process, so a
// README example that stops compiling or running fails the package's suite on every runtime.
// Where a `console.log(...)` prints only primitives and carries a `// expected` comment, the
// printed text must be that comment (or its start, before ':' or ',' and an explanation).
import assert from 'node:assert/strict'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { describe, it } from 'node:test'

/** The ```ts blocks of a Markdown file, in order. */
export function typescriptBlocks(markdownPath: URL): string[] {
  const text = readFileSync(markdownPath, 'utf8')
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)
}

/**
 * Runs one block from a temporary file inside `packageDir` (so package imports resolve) and
 * checks its commented outputs.
 */
export async function runReadmeBlock(block: string, packageDir: URL, index: number): Promise<void> {
  const expectations = [...block.matchAll(/console\.log\((.*)\)\s*\/\/\s*(.+)$/gm)].map((m) => m[2]!.trim())
  const file = new URL(`./.readme-example-${index}-${process.pid}.ts`, packageDir)
  writeFileSync(fileURLToPath(file), block)
  const printed: { text: string; isPrimitive: boolean }[] = []
  const original = console.log
  console.log = (...args: unknown[]) => {
    printed.push({ text: args.map(String).join(' '), isPrimitive: args.every((a) => a === null || typeof a !== 'object') })
  }
  try {
    await import(pathToFileURL(fileURLToPath(file)).href)
  } finally {
    console.log = original
    rmSync(fileURLToPath(file), { force: true })
  }
  printed.forEach((p, i) => {
    const expected = expectations[i]
    if (expected === undefined || !p.isPrimitive) return
    const isMatch = expected === p.text || expected.startsWith(`${p.text}:`) || expected.startsWith(`${p.text},`)
    assert.ok(isMatch, `README block ${index}, output ${i + 1}: printed '${p.text}', the README says '${expected}'`)
  })
}

/**
 * A suite that runs every ```ts block of a package README (see {@link runReadmeBlock}).
 * @param readme - the README
 * @param packageDir - the package folder (for resolving its imports)
 */
export function describeReadmeExamples(readme: URL, packageDir: URL): void {
  describe('README examples run and print what they say', () => {
    const blocks = typescriptBlocks(readme)
    it('has examples', () => {
      assert.ok(blocks.length > 0, 'the README has no ```ts example')
    })
    blocks.forEach((block, i) => {
      it(`example ${i + 1}`, async () => {
        await runReadmeBlock(block, packageDir, i + 1)
      })
    })
  })
}
