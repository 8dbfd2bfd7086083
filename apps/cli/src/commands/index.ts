/**
 * The command registry of the `tuya` dispatcher. A new command (decode, demo, get, set,
 * scan, watch) is one file in this folder exporting a `Command`, added to this list.
 */
import type { Command } from '../args.ts'
import { bridgeCommand } from './bridge.ts'
import { decodeCommand } from './decode.ts'
import { demoCommand } from './demo.ts'
import { getCommand } from './get.ts'
import { mockCommand } from './mock.ts'
import { scanCommand } from './scan.ts'
import { setCommand } from './set.ts'
import { watchCommand } from './watch.ts'

/** Every command, in the order `tuya --help` lists them. */
export const COMMANDS: readonly Command[] = [demoCommand, scanCommand, getCommand, setCommand, watchCommand, bridgeCommand, mockCommand, decodeCommand]
