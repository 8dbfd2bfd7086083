import { describeReadmeExamples } from '../../../scripts/test-support/readme-examples.ts'

describeReadmeExamples(new URL('../README.md', import.meta.url), new URL('../', import.meta.url))
