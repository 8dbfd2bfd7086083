import { describe, it } from 'node:test'
import { runReadmeBlock, typescriptBlocks } from '../../../scripts/test-support/readme-examples.ts'

describe('README examples run and print what they say', () => {
  const blocks = typescriptBlocks(new URL('../README.md', import.meta.url))
  it('has examples', () => {
    if (blocks.length === 0) throw new Error('README has no ```ts example')
  })
  blocks.forEach((block, i) => {
    it(`example ${i + 1}`, async () => {
      await runReadmeBlock(block, new URL('../', import.meta.url), i + 1)
    })
  })
})
