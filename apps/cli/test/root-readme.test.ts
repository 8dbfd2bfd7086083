import { describe, it } from 'node:test'
import { runReadmeBlock, typescriptBlocks } from '../../../scripts/test-support/readme-examples.ts'

// The repository README's examples, run from this workspace (which depends on every package).
describe('root README examples run and print what they say', () => {
  typescriptBlocks(new URL('../../../README.md', import.meta.url)).forEach((block, i) => {
    it(`example ${i + 1}`, async () => {
      await runReadmeBlock(block, new URL('../', import.meta.url), i + 1)
    })
  })
})
