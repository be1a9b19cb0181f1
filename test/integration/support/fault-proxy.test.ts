import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { FaultProxy } from '../../support/fault-proxy';

/** An echo server that also records what reached it. */
async function echoServer(): Promise<{ server: Server; port: number; received: string[] }> {
  const received: string[] = [];
  const server = createServer((socket) => {
    socket.on('data', (chunk) => {
      received.push(chunk.toString());
      socket.write(chunk);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return { server, port: address.port, received };
}

/** Connects, sends each message after the previous echo, and says how the connection ended. */
async function exchange(port: number, messages: readonly string[]): Promise<{ echoed: string[]; ended: string }> {
  const socket: Socket = createConnection({ host: '127.0.0.1', port, noDelay: true });
  const echoed: string[] = [];
  const ended = new Promise<string>((resolve) => {
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    socket.on('close', () => resolve('closed'));
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  }).catch(() => undefined);
  for (const message of messages) {
    if (socket.destroyed) break;
    const echo = new Promise<string | undefined>((resolve) => {
      socket.once('data', (chunk) => resolve(chunk.toString()));
      socket.once('close', () => resolve(undefined));
    });
    socket.write(message);
    const got = await echo;
    if (got === undefined) break;
    echoed.push(got);
  }
  socket.end();
  return { echoed, ended: await ended };
}

describe('FaultProxy', () => {
  let echo: Awaited<ReturnType<typeof echoServer>>;
  let proxy: FaultProxy;

  beforeAll(async () => {
    echo = await echoServer();
    proxy = await FaultProxy.start('127.0.0.1', echo.port);
  });

  afterAll(async () => {
    await proxy.close();
    await new Promise<void>((resolve) => echo.server.close(() => resolve()));
  });

  beforeEach(() => {
    echo.received.length = 0;
  });

  it('forwards bytes both ways and counts connections and client packets', async () => {
    proxy.arm(undefined);
    const result = await exchange(proxy.port, ['one', 'two', 'three']);
    expect(result.echoed).toEqual(['one', 'two', 'three']);
    expect(proxy.counts()).toEqual({ connections: 1, packets: 3, fired: 0 });
  });

  it('resets the Nth connection before any byte reaches the server', async () => {
    proxy.arm({ kind: 'refuse', nth: 2 });
    expect((await exchange(proxy.port, ['a'])).echoed).toEqual(['a']);
    const refused = await exchange(proxy.port, ['b']);
    expect(refused.echoed).toEqual([]);
    expect(['closed', 'ECONNRESET']).toContain(refused.ended);
    expect((await exchange(proxy.port, ['c'])).echoed).toEqual(['c']);
    expect(echo.received).toEqual(['a', 'c']);
    expect(proxy.counts()).toEqual({ connections: 3, packets: 2, fired: 1 });
  });

  it('cuts the connection carrying the Nth packet; that packet never arrives', async () => {
    proxy.arm({ kind: 'cut', nth: 2 });
    const cut = await exchange(proxy.port, ['x', 'y', 'z']);
    expect(cut.echoed).toEqual(['x']);
    expect(['closed', 'ECONNRESET']).toContain(cut.ended);
    expect(echo.received).toEqual(['x']);
    expect(proxy.counts().fired).toBe(1);
  });

  it('cut-after: the Nth packet reaches the server, its answer never reaches the client', async () => {
    proxy.arm({ kind: 'cut-after', nth: 2 });
    const cut = await exchange(proxy.port, ['x', 'y', 'z']);
    expect(cut.echoed).toEqual(['x']);
    expect(['closed', 'ECONNRESET']).toContain(cut.ended);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(echo.received).toEqual(['x', 'y']);
    expect(proxy.counts().fired).toBe(1);
  });

  it('holds the Nth packet back, keeping the order of the others', async () => {
    proxy.arm({ kind: 'hold', nth: 1, ms: 50 });
    const seen: number[] = [];
    proxy.onPacket = (packet) => seen.push(packet);
    const result = await exchange(proxy.port, ['p', 'q']);
    proxy.onPacket = undefined;
    expect(result.echoed).toEqual(['p', 'q']);
    expect(seen).toEqual([1, 2]);
    expect(proxy.counts()).toEqual({ connections: 1, packets: 2, fired: 1 });
  });

  it('drops a held packet and ends the server side at once when the client goes away', async () => {
    const serverSaw = new Promise<string[]>((resolve) => {
      const got: string[] = [];
      echo.server.once('connection', (socket) => {
        socket.on('data', (chunk) => got.push(chunk.toString()));
        socket.on('close', () => resolve(got));
      });
    });
    proxy.arm({ kind: 'hold', nth: 1, ms: 60_000 });
    const socket = createConnection({ host: '127.0.0.1', port: proxy.port });
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('held');
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    expect(await serverSaw).toEqual([]);
  });
});
