/** Types for `@tuyapi/stub` 0.3 (CommonJS, untyped): the parts the tests use. */
declare module '@tuyapi/stub' {
  import type { Server, Socket } from 'node:net'
  interface TuyaStubOptions {
    id: string
    key: string
    ip?: string
    respondToHeartbeat?: boolean
    state?: Record<string, unknown>
  }
  class TuyaStub {
    constructor(options: TuyaStubOptions)
    server: Server | undefined
    socket: Socket | undefined
    respondToHeartbeat: boolean
    startServer(port?: number): void
    shutdown(): void
    setProperty(property: string, value: unknown): unknown
    getProperty(property: string): unknown
    getState(): Record<string, unknown>
    setState(state: Record<string, unknown>): Record<string, unknown>
    _handleRequest(data: Uint8Array): void
  }
  export default TuyaStub
}
