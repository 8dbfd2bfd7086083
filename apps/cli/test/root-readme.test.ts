import { describe, it } from 'node:test'
import { runReadmeBlock, typescriptBlocks } from '../../../scripts/test-support/readme-examples.ts'

// A block that addresses a device on a LAN needs real hardware; tests never send traffic
// beyond 127.0.0.1, so such a block is reported as skipped, with the reason.
const LAN_ADDRESS = /\b(?:10|192\.168|172\.(?:1[6-9]|2\d|3[01]))\.\d+\.\d+\b/

// The repository README's examples, run from this workspace (which depends on every package).
describe('root README examples run and print what they say', () => {
  typescriptBlocks(new URL('../../../README.md', import.meta.url)).forEach((block, i) => {
    it(`example ${i + 1}`, async (t) => {
      if (LAN_ADDRESS.test(block)) {
        t.skip('needs a real device on the LAN (tests only talk to 127.0.0.1)')
        return
      }
      await runReadmeBlock(block, new URL('../', import.meta.url), i + 1)
    })
  })
})
