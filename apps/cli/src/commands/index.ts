/**
 * The command registry of the `tuya` dispatcher. A new command (decode, demo, get, set,
 * scan, watch) is one file in this folder exporting a `Command`, added to this list.
 */
import type { Command } from '../args.ts'
import { decodeCommand } from './decode.ts'
import { demoCommand } from './demo.ts'
import { mockCommand } from './mock.ts'

/** Every command, in the order `tuya --help` lists them. */
export const COMMANDS: readonly Command[] = [demoCommand, mockCommand, decodeCommand]
