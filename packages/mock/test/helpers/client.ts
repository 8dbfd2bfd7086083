/**
 * A small test client built only from @tuya/codec and @tuya/session (no @tuya/client): TCP
 * connect, the 3.4/3.5 handshake, one request at a time, pushes kept aside. Frames are
 * queued raw and decoded with the key in force when the test reads them.
 */
import * as net from 'node:net'
import { Deframer, decodeFrame, encodeFrame, readFrameHeader, type DecodedFrame, type KeyInput, type ProtocolVersion } from '@tuya/codec'
import { createSession } from '@tuya/session'

export interface TestClientOptions {
  version: ProtocolVersion
  key: KeyInput
  port: number
  host?: string
  /** Run the 3.4/3.5 handshake on connect (default true). */
  isHandshake?: boolean
  firstSeq?: number
  timeoutMs?: number
}

type Waiter = { resolve: () => void }

export class TestClient {
  readonly version: ProtocolVersion
  readonly localKey: KeyInput
  key: KeyInput
  seq: number
  readonly socket: net.Socket
  readonly raw: Uint8Array[] = []
  isClosed = false
  readonly #deframer = new Deframer({ maxFrameBytes: 16384 })
  #waiters: Waiter[] = []
  readonly closed: Promise<void>
  readonly timeoutMs: number

  private constructor(socket: net.Socket, options: TestClientOptions) {
    this.socket = socket
    this.version = options.version
    this.localKey = options.key
    this.key = options.key
    this.seq = options.firstSeq ?? 1
    this.timeoutMs = options.timeoutMs ?? 2000
    socket.on('data', (chunk: Uint8Array) => {
      // A plain Uint8Array view: Buffer.slice() does not copy (see the mock's tcp adapter).
      for (const frame of this.#deframer.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))) this.raw.push(frame)
      this.#wake()
    })
    socket.on('error', () => {})
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.isClosed = true
        this.#wake()
        resolve()
      }),
    )
  }

  /** Connects (and negotiates on 3.4/3.5 unless isHandshake is false). */
  static async connect(options: TestClientOptions): Promise<TestClient> {
    const socket = net.connect({ host: options.host ?? '127.0.0.1', port: options.port, noDelay: true })
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve())
      socket.once('error', reject)
    })
    const client = new TestClient(socket, options)
    if ((options.version === '3.4' || options.version === '3.5') && options.isHandshake !== false) {
      try {
        await client.handshake()
      } catch (error) {
        client.close()
        await client.closed
        throw error
      }
    }
    return client
  }

  async handshake(): Promise<void> {
    const session = createSession({ role: 'client', version: this.version as '3.4' | '3.5', localKey: this.localKey, firstSeq: this.seq })
    for (const f of session.start().send) this.write(f)
    const resp = await this.nextRaw()
    const step = session.receive(resp)
    for (const f of step.send) this.write(f)
    this.key = session.sessionKey!
    this.seq = session.nextSeq
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes)
  }

  /** Encodes and writes a request with the next seq; returns that seq. */
  send(cmd: number, payload?: Uint8Array | string | Record<string, unknown>, extra: { header?: boolean; seq?: number; key?: KeyInput } = {}): number {
    const seq = extra.seq ?? this.seq++
    this.write(encodeFrame({ version: this.version, key: extra.key ?? this.key, seq, cmd, ...(payload === undefined ? {} : { payload }), ...(extra.header === undefined ? {} : { header: extra.header }) }))
    return seq
  }

  /** The next raw frame (waits up to timeoutMs). */
  async nextRaw(timeoutMs = this.timeoutMs): Promise<Uint8Array> {
    const deadline = Date.now() + timeoutMs
    while (this.raw.length === 0) {
      if (this.isClosed) throw new Error('connection closed')
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no frame within ${timeoutMs} ms`)
      await this.#wait(left)
    }
    return this.raw.shift()!
  }

  /** The next frame, decoded with the current key. */
  async next(timeoutMs = this.timeoutMs): Promise<DecodedFrame> {
    return this.decode(await this.nextRaw(timeoutMs))
  }

  decode(frame: Uint8Array): DecodedFrame {
    return decodeFrame(frame, { version: this.version, key: this.key, direction: 'fromDevice' })
  }

  /** Sends a request and returns every frame received until one with `cmd` (pushes included, in order). */
  async request(cmd: number, payload?: Uint8Array | string | Record<string, unknown>, extra: { header?: boolean } = {}): Promise<{ reply: DecodedFrame; before: DecodedFrame[] }> {
    this.send(cmd, payload, extra)
    const before: DecodedFrame[] = []
    for (;;) {
      const frame = await this.next()
      if (frame.cmd === cmd) return { reply: frame, before }
      before.push(frame)
    }
  }

  /** Frames that arrive within `ms` (for "nothing more comes" checks). */
  async drain(ms: number): Promise<DecodedFrame[]> {
    const out: DecodedFrame[] = []
    const deadline = Date.now() + ms
    for (;;) {
      const left = deadline - Date.now()
      if (left <= 0) return out
      try {
        out.push(await this.next(left))
      } catch (error) {
        if ((error as Error).message === 'connection closed' || /no frame/.test((error as Error).message)) return out
        throw error
      }
    }
  }

  /** Resolves true when the device closes the connection within `ms`. */
  async closedWithin(ms: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const result = await Promise.race([this.closed.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))])
    clearTimeout(timer)
    return result
  }

  headerOf(frame: Uint8Array) {
    return readFrameHeader(frame)
  }

  close(): void {
    this.socket.destroy()
  }

  #wake(): void {
    const waiters = this.#waiters
    this.#waiters = []
    for (const w of waiters) w.resolve()
  }

  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      const waiter = { resolve: done }
      const self = this
      function done() {
        clearTimeout(timer)
        self.#waiters = self.#waiters.filter((w) => w !== waiter)
        resolve()
      }
      this.#waiters.push(waiter)
    })
  }
}
