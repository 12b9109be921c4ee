import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { Aedes } from 'aedes';
import { BrokerAccess, type BrokerSecurityOptions } from './broker-access.ts';
import type { Identity } from '../security/identities.ts';

export interface EmbeddedBroker {
  /** `mqtt://host:port` for clients. */
  readonly url: string;
  readonly port: number;
  /** `mqtts://host:port` of the TLS listener, when there is one. */
  readonly tlsUrl: string | null;
  /**
   * Serves one more client over any byte stream: the console's HTTP server hands it each
   * WebSocket (MQTT over WebSocket for browsers).
   */
  handleStream(stream: Duplex, request: IncomingMessage, vouched?: Identity): void;
  /** Checks identities and topics; null for a broker started with `access: 'anonymous'`. */
  readonly access: BrokerAccess | null;
  /** Its traffic: messages clients published since it started, and clients connected now (/metrics). */
  stats(): { published: number; clients: number };
  close(): Promise<void>;
}

export interface EmbeddedBrokerOptions {
  host?: string;
  /** 0 picks a free ephemeral port. */
  port?: number;
  /**
   * Who may connect and use which topics. `'anonymous'` lets anyone do anything: only for
   * tests of the transport itself, never for a facility.
   */
  access: BrokerSecurityOptions | 'anonymous';
  /**
   * A second listener for MQTT over TLS (mqtts) with the site's certificate. With `ca`, clients
   * may present a certificate signed by it: one whose common name is a robot identity's name
   * logs in as that robot without a password.
   */
  tls?: { host?: string; port: number; cert: string; key: string; ca?: string };
}

/**
 * The embedded MQTT 3.1.1 broker (aedes) on TCP. Port 0 picks a free ephemeral port (tests);
 * the demo uses 1883. Sites that outgrow it point every part at an external broker instead.
 */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const broker = await Aedes.createBroker();
  keepRetainedInOrder(broker);
  let published = 0;
  // Clients' messages only: the broker's own ($SYS, wills it publishes) have no client.
  broker.on('publish', (_packet, client) => {
    if (client) published++;
  });
  const access = options.access === 'anonymous' ? null : new BrokerAccess(options.access);
  access?.install(broker);
  const serve = (stream: Duplex, address: string, request?: IncomingMessage) => {
    // A client that vanishes mid-packet is the client's problem, not the broker's.
    stream.on('error', () => stream.destroy());
    sendAtOnce(stream);
    const client = broker.handle(stream, request);
    access?.limitPackets(client, address);
  };
  const server = net.createServer((socket) => serve(socket, `${socket.remoteAddress}:${socket.remotePort}`));
  const tlsOptions = options.tls;
  let tlsServer: tls.Server | null = null;
  const stopBroker = async () => {
    access?.stop();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
  };
  try {
    await listen(server, options.port ?? 0, host, 'stop the other broker or pass --broker URL to use it');
  } catch (error) {
    await stopBroker();
    throw error;
  }
  const port = (server.address() as net.AddressInfo).port;
  if (tlsOptions) {
    // A certificate is asked for but not required: robots may log in with one, others with a password.
    tlsServer = tls.createServer({ cert: tlsOptions.cert, key: tlsOptions.key, ...(tlsOptions.ca ? { ca: tlsOptions.ca, requestCert: true, rejectUnauthorized: false } : {}) }, (socket) => {
      const commonName = socket.authorized ? socket.getPeerCertificate().subject?.CN : undefined;
      if (access && typeof commonName === 'string') access.admitCertificate(socket, commonName);
      serve(socket, `${socket.remoteAddress}:${socket.remotePort} (TLS)`);
    });
    // A handshake that fails (a client that does not trust the site's certificate) ends that connection only.
    tlsServer.on('tlsClientError', () => {});
    try {
      await listen(tlsServer, tlsOptions.port, tlsOptions.host ?? host, 'pass another --mqtts-port');
    } catch (error) {
      // Nothing half-started is left behind: the plain listener and the broker end too.
      await stopBroker();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      throw error;
    }
  }
  const tlsAddress = tlsServer ? (tlsServer.address() as net.AddressInfo) : null;
  return {
    url: `mqtt://${host}:${port}`,
    port,
    tlsUrl: tlsAddress ? `mqtts://${tlsOptions!.host ?? host}:${tlsAddress.port}` : null,
    handleStream: (stream, request, vouched) => {
      if (vouched) access?.admitSession(request, vouched);
      serve(stream, `${request.socket.remoteAddress} (console WebSocket)`, request);
    },
    access,
    stats: () => ({ published, clients: broker.connectedClients }),
    async close() {
      await stopBroker();
      // Connected clients keep a server open; aedes.close() has ended them.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (tlsServer) await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
    },
  };
}

/**
 * Turns Nagle's algorithm off on a TCP or TLS connection (other streams have nothing to turn
 * off). MQTT's packets are small and each is awaited (a reply, a PUBACK): with Nagle on, a
 * packet written while an earlier one is unacknowledged waits for the peer's delayed ACK, up to
 * 40 ms on Linux; a wave of WMS requests waited that long at the broker, both ways.
 */
export function sendAtOnce(stream: Duplex): void {
  (stream as Partial<Pick<net.Socket, 'setNoDelay'>>).setNoDelay?.(true);
}

/** Listens on `port`; a port in use is refused with `whatToDo` in the message. */
function listen(server: net.Server, port: number, host: string, whatToDo: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      // The message says what to do; the code stays so callers can tell this from a bug.
      reject(err.code === 'EADDRINUSE' ? Object.assign(new Error(`port ${port} on ${host} is in use; ${whatToDo}`), { code: 'EADDRINUSE' }) : err),
    );
    server.listen(port, host, () => resolve());
  });
}

/**
 * aedes 1.2 hands the packets of one socket read to its publish pipeline all at once; a retained
 * packet waits there for the store's promise while the packets after it go on, and a subscriber
 * that then gets the later packet first drops the retained one as a duplicate (aedes numbers
 * packets per broker and each client keeps only the highest number seen). So a robot's retained
 * factsheet or connection message, written together with its next state, never reached the
 * controller. The store of the in-memory persistence is done when storeRetained returns; this
 * hands aedes a promise-like that resolves at once, so the retained packet goes on first.
 */
function keepRetainedInOrder(broker: Aedes): void {
  const persistence = (broker as unknown as { persistence: { storeRetained(packet: unknown): Promise<void> } }).persistence;
  const store = persistence.storeRetained.bind(persistence);
  persistence.storeRetained = (packet) => {
    // The in-memory store cannot fail; were it to, the broker reports it as its own error.
    store(packet).catch((error: unknown) => broker.emit('error', error as Error));
    const storedNow = {
      then(onStored: () => void) {
        onStored();
        return storedNow;
      },
    };
    return storedNow as unknown as Promise<void>;
  };
}
