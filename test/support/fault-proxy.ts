import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * What the proxy does to the connections and packets it forwards. Counters start at 1 when the fault is armed.
 * - `refuse`: the Nth connection is accepted and closed at once, before any byte reaches the server.
 * - `cut`: the connection that carries the Nth client->server packet (a chunk as read from the socket) is closed on
 *   both sides; that packet never reaches the server.
 * - `cut-after`: the Nth client->server packet is forwarded, then the connection is cut: the server gets the packet
 *   (and may act on it, e.g. commit) but the client never sees the answer.
 * - `hold`: the Nth client->server packet is held back for `ms` before it is forwarded (a client killed meanwhile
 *   never gets it through).
 */
export type ProxyFault =
  | { readonly kind: 'refuse'; readonly nth: number }
  | { readonly kind: 'cut'; readonly nth: number }
  | { readonly kind: 'cut-after'; readonly nth: number }
  | { readonly kind: 'hold'; readonly nth: number; readonly ms: number };

/** What the proxy forwarded since the last `arm` (or `start`). */
export interface ProxyCounts {
  readonly connections: number;
  readonly packets: number;
  /** How often the armed fault fired (0 or 1). */
  readonly fired: number;
}

/**
 * A TCP proxy on 127.0.0.1 in front of a server, for crash tests: it forwards bytes unchanged (TLS stays end to
 * end: the client verifies the server's certificate through it), counts connections and client->server packets,
 * and injects one fault at a time. Sockets are closed with `destroy()`, not `resetAndDestroy()`: on Node 20 the
 * latter left the process spinning at full CPU after the test now and then, so jest never exited. `onPacket` sees every client->server packet before it is forwarded.
 *
 * @example
 * const proxy = await FaultProxy.start('127.0.0.1', pg.port);
 * proxy.arm({ kind: 'cut', nth: 3 }); // the connection carrying the 3rd packet is reset
 * // ... point a client at 127.0.0.1:proxy.port ...
 * expect(proxy.counts().fired).toBe(1);
 * await proxy.close();
 */
export class FaultProxy {
  readonly host = '127.0.0.1';
  private fault: ProxyFault | undefined;
  private connections = 0;
  private packets = 0;
  private fired = 0;
  private readonly sockets = new Set<Socket>();
  /** Called with the packet number (counted since `arm`) of every client->server packet. */
  onPacket: ((packet: number) => void) | undefined;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<FaultProxy> {
    let proxy: FaultProxy | undefined;
    const server = createServer({ noDelay: true }, (client) => proxy?.accept(client, targetHost, targetPort));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('fault proxy: no TCP address');
    proxy = new FaultProxy(server, address.port);
    return proxy;
  }

  /** Arms one fault (or none) and restarts the counters. */
  arm(fault: ProxyFault | undefined): void {
    this.fault = fault;
    this.connections = 0;
    this.packets = 0;
    this.fired = 0;
  }

  /** Arms one fault without restarting the counters (e.g. from `onPacket`, for the packet being seen). */
  inject(fault: ProxyFault): void {
    this.fault = fault;
    this.fired = 0;
  }

  counts(): ProxyCounts {
    return { connections: this.connections, packets: this.packets, fired: this.fired };
  }

  /** Resets every open connection, stops listening. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
  }

  private accept(client: Socket, targetHost: string, targetPort: number): void {
    this.track(client);
    this.connections += 1;
    const fault = this.fault;
    if (fault?.kind === 'refuse' && this.fired === 0 && this.connections === fault.nth) {
      this.fired += 1;
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: targetHost, port: targetPort, noDelay: true });
    this.track(upstream);
    const cut = () => {
      if (!client.destroyed) client.destroy();
      if (!upstream.destroyed) upstream.destroy();
    };
    // Writes stay in order even when one packet is held back: each waits for the previous one. A client gone
    // meanwhile ends the hold at once (its held packet is dropped), so the server sees the disconnect.
    let queue: Promise<void> = Promise.resolve();
    const holds = new Set<() => void>();
    client.on('data', (chunk: Buffer) => {
      this.packets += 1;
      const packet = this.packets;
      this.onPacket?.(packet);
      const armed = this.fault;
      if (armed !== undefined && armed.kind !== 'refuse' && this.fired === 0 && packet === armed.nth) {
        this.fired += 1;
        if (armed.kind === 'cut') {
          cut();
          return;
        }
        if (armed.kind === 'cut-after') {
          queue = queue.then(() => {
            client.destroy();
            // FIN after the packet: the server reads it whole, then sees the client gone.
            if (!upstream.destroyed) upstream.end(chunk);
          });
          return;
        }
        queue = queue.then(
          () =>
            new Promise<void>((resolve) => {
              const release = () => {
                clearTimeout(timer);
                holds.delete(release);
                resolve();
              };
              const timer = setTimeout(release, armed.ms);
              holds.add(release);
              if (client.destroyed) release();
            }),
        );
      }
      queue = queue.then(() => {
        if (!upstream.destroyed && !client.destroyed) upstream.write(chunk);
      });
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!client.destroyed) client.write(chunk);
    });
    client.on('close', () => {
      for (const release of [...holds]) release();
      void queue.then(() => upstream.end());
    });
    upstream.on('close', () => {
      if (!client.destroyed) client.end();
    });
    client.on('error', cut);
    upstream.on('error', cut);
  }
}
