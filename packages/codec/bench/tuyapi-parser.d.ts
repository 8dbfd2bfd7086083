// tuyapi ships no types for its internals; just enough for the benchmark.
declare module 'tuyapi/lib/message-parser.js' {
  interface TuyapiPacket {
    payload: unknown
    leftover: unknown
    commandByte: number
    sequenceN: number
    version: string
  }
  class MessageParser {
    constructor(options: { key: string; version: string })
    cipher: { setSessionKey(key: Uint8Array): void }
    encode(options: { data: unknown; commandByte: number; sequenceN: number }): Uint8Array
    parse(buffer: Uint8Array): TuyapiPacket[]
  }
  const parser: { MessageParser: typeof MessageParser; CommandType: Record<string, number> }
  export default parser
}
