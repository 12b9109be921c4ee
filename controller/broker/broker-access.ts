/**
 * Authentication and authorisation for the embedded broker (DESIGN.md §3 "Security"): every
 * connection proves an identity (a password, a console session, or a robot's client
 * certificate), every publish and subscription is checked against that identity's rules
 * (access-rules.ts), and so is every message before it is delivered (a kept session's queued
 * messages included). The controller's client id is the controller's alone; a client id in use,
 * or holding a kept session, cannot be taken by another identity. Refusals go to a rate-limited
 * log.
 *
 * MQTT 3.1.1 cannot tell a client its publish was refused: aedes ends the connection instead
 * (§3.3.5 allows either). A refused subscription is answered with the failure code 0x80.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Aedes, AuthenticateError, Client } from 'aedes';
import { accessRules, CompiledRules, type TopicContext } from '../security/access-rules.ts';
import { AttemptCounter } from '../security/attempt-counter.ts';
import type { Identity, Role } from '../security/identities.ts';
import type { IdentityStore } from '../security/identity-store.ts';
import { spendVerifyTime, VerifiedPasswords } from '../security/password-hash.ts';
import { PacketSizeLimit } from './packet-size-limit.ts';
import { RefusalLog } from './refusal-log.ts';

export interface BrokerSecurityOptions {
  readonly identities: IdentityStore;
  readonly topics: TopicContext;
  /** Client ids only a controller identity may use (its persistent session must not be taken). */
  readonly controllerClientIds: readonly string[];
  /** Where refusals and dropped sessions are said. */
  readonly log: (line: string) => void;
  /** Largest packet (bytes after the fixed header) per role; before a client is known, `unknown`. */
  readonly maxPacketBytes?: Partial<Record<Role | 'unknown', number>>;
  /** How often the identities are looked at for removed or rotated ones, wall ms. */
  readonly identityCheckMs?: number;
  /** Refusals said per identity (or address) a minute; more are counted and summed up (default 5). */
  readonly refusalLinesPerMinute?: number;
  /**
   * Failed password logins an address may make a minute (default 30); beyond, its logins are
   * refused unchecked, so a flood of guesses cannot tie up the scrypt threads real logins need.
   */
  readonly loginFailuresPerMinute?: number;
  /** Wall-clock ms (the broker is an adapter: real time). */
  readonly now?: () => number;
}

/**
 * Packet limits, bytes. The controller sends the console whole-facility messages (stacks of a
 * 100 x 100 grid, the state of 1,000 robots); a robot's state carries its order's nodes; WMS
 * payloads are capped by the API (64 KiB) and the rest send small messages.
 */
export const DEFAULT_MAX_PACKET_BYTES: Record<Role | 'unknown', number> = {
  unknown: 64 * 1024,
  controller: 16 * 1024 * 1024,
  robot: 1024 * 1024,
  monitor: 64 * 1024,
  wms: 80 * 1024,
  port: 16 * 1024,
  viewer: 16 * 1024,
  operator: 16 * 1024,
  supervisor: 16 * 1024,
};

/** MQTT 3.1.1 CONNACK return codes. */
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

interface ClientAccess {
  readonly identity: Identity;
  readonly rules: CompiledRules;
  /** The hash the password was checked against; null for a session or a certificate. */
  readonly passwordHash: string | null;
}

export class BrokerAccess {
  private readonly clients = new WeakMap<Client, ClientAccess>();
  private readonly packetLimits = new WeakMap<Client, PacketSizeLimit>();
  private readonly sessions = new WeakMap<IncomingMessage, Identity>();
  private readonly certificates = new WeakMap<Duplex, string>();
  private readonly passwords = new VerifiedPasswords();
  private readonly loginFailures = new AttemptCounter(60_000);
  private lastIdentitiesError = '';
  private readonly limits: Record<Role | 'unknown', number>;
  readonly refusals: RefusalLog;
  /**
   * Each client id's latest authenticated connection and its identity: a connection that has
   * passed authentication but is not yet registered in the broker still holds its id.
   */
  private readonly idHolders = new Map<string, { client: Client; name: string }>();
  /** Client ids with a kept session (clean session off), and the identity that owns each. */
  private readonly sessionOwners = new Map<string, string>();
  private broker: Aedes | null = null;
  private checkTimer: NodeJS.Timeout | null = null;
  private identitiesVersion = -1;

  constructor(private readonly options: BrokerSecurityOptions) {
    this.limits = { ...DEFAULT_MAX_PACKET_BYTES, ...options.maxPacketBytes };
    this.refusals = new RefusalLog({ write: options.log, ...(options.refusalLinesPerMinute !== undefined ? { perWindow: options.refusalLinesPerMinute } : {}) });
  }

  install(broker: Aedes): void {
    this.broker = broker;
    broker.authenticate = (client, username, password, done) => {
      this.authenticate(client, username, password).then(
        (refusal) => done(refusal, refusal === null),
        (error: Error) => done(Object.assign(error, { returnCode: 3 }) as AuthenticateError, false),
      );
    };
    broker.authorizePublish = (client, packet, done) => {
      if (!client) return done(null); // a will checked when its client connected
      const access = this.clients.get(client);
      if (access?.rules.mayPublish(packet.topic, packet.retain)) return done(null);
      const who = access?.identity.name ?? client.id;
      this.refusals.refuse(who, `publish${packet.retain ? ' (retained)' : ''} to ${JSON.stringify(packet.topic)}`);
      done(new Error(`${who} may not publish${packet.retain ? ' retained' : ''} to ${packet.topic}`));
    };
    broker.authorizeSubscribe = (client, subscription, done) => {
      const access = this.clients.get(client);
      if (access?.rules.maySubscribe(subscription.topic)) return done(null, subscription);
      this.refusals.refuse(access?.identity.name ?? client.id, `subscribe to ${JSON.stringify(subscription.topic)}`);
      done(null, null);
    };
    // The last check before a message leaves: also covers a kept session's queued messages and
    // subscriptions restored from it, which no authorizeSubscribe saw under this identity.
    broker.authorizeForward = (client, packet) => (this.clients.get(client)?.rules.mayRead(packet.topic) ? packet : null);
    broker.on('clientDisconnect', (client) => {
      if (this.idHolders.get(client.id)?.client === client) this.idHolders.delete(client.id);
    });
    this.identitiesVersion = this.options.identities.version();
    this.checkTimer = setInterval(() => {
      this.dropChangedIdentities();
      this.refusals.sayEnded();
    }, this.options.identityCheckMs ?? 2000);
    this.checkTimer.unref();
  }

  stop(): void {
    if (this.checkTimer) clearInterval(this.checkTimer);
  }

  /**
   * Limits the packets of a client the broker has just taken on (before it read anything): its
   * parser gets each chunk only after the chunk's packet headers were checked, and a packet
   * beyond the client's limit ends the connection before its body is buffered.
   */
  limitPackets(client: Client, address: string): void {
    const limit = new PacketSizeLimit(this.limits.unknown);
    this.packetLimits.set(client, limit);
    // aedes feeds each chunk read from the connection to this mqtt-packet parser (lib/client.js).
    const parser = (client as unknown as { _parser: { parse(chunk: Buffer): unknown } })._parser;
    const parse = parser.parse.bind(parser);
    parser.parse = (chunk: Buffer) => {
      const announced = limit.scan(chunk);
      if (announced === null) return parse(chunk);
      const who = this.clients.get(client)?.identity.name ?? address;
      this.refusals.refuse(who, announced < 0 ? 'a malformed packet length' : `a packet of ${announced} bytes (the limit is ${limit.maxPacketBytes})`);
      client.conn.destroy();
      return 0;
    };
  }

  /** The console's web server vouches for this WebSocket request: it carries `identity`'s session. */
  admitSession(request: IncomingMessage, identity: Identity): void {
    this.sessions.set(request, identity);
  }

  /** A TLS connection whose client certificate (signed by the site's CA) names a robot identity. */
  admitCertificate(stream: Duplex, identityName: string): void {
    this.certificates.set(stream, identityName);
  }

  private connectedClients(): Record<string, Client> {
    return (this.broker as unknown as { clients: Record<string, Client> } | null)?.clients ?? {};
  }

  /** Null when the client may connect; else the refusal aedes answers with. */
  private async authenticate(client: Client, username: string | undefined, password: Buffer | undefined): Promise<AuthenticateError | null> {
    const refuse = (code: number, who: string, why: string): AuthenticateError => {
      this.refusals.refuse(who, `connection as client ${JSON.stringify(client.id)}: ${why}`);
      return Object.assign(new Error(why), { returnCode: code }) as AuthenticateError;
    };
    const address = remoteAddress(client);
    const vouched = this.vouchedIdentity(client);
    let identity: Identity;
    let passwordHash: string | null = null;
    if (vouched) {
      if (username !== undefined && username !== vouched.name) return refuse(BAD_USERNAME_OR_PASSWORD, vouched.name, `username ${username} differs from the session's or certificate's identity`);
      identity = vouched;
    } else {
      if (username === undefined || password === undefined) return refuse(NOT_AUTHORIZED, address, 'no username and password');
      if (this.loginFailures.countOf(address, this.now()) >= (this.options.loginFailuresPerMinute ?? 30)) return refuse(BAD_USERNAME_OR_PASSWORD, address, 'too many failed logins from this address; refused unchecked for a minute');
      const record = this.options.identities.get(username);
      if (!record) {
        await spendVerifyTime(password.toString('utf8'));
        this.loginFailures.add(address, this.now());
        return refuse(BAD_USERNAME_OR_PASSWORD, `${address} (unknown user ${JSON.stringify(username.slice(0, 64))})`, 'bad username or password');
      }
      if (!(await this.passwords.verify(record.name, password.toString('utf8'), record.passwordHash))) {
        this.loginFailures.add(address, this.now());
        return refuse(BAD_USERNAME_OR_PASSWORD, `${record.name} from ${address}`, 'bad username or password');
      }
      identity = record;
      passwordHash = record.passwordHash;
    }
    if (this.options.controllerClientIds.includes(client.id) && identity.role !== 'controller') {
      return refuse(IDENTIFIER_REJECTED, identity.name, 'the client id is the controller\'s');
    }
    const holder = this.idHolders.get(client.id);
    if (holder && holder.client !== client && !holder.client.closed && holder.name !== identity.name) {
      return refuse(IDENTIFIER_REJECTED, identity.name, `the client id is in use by ${holder.name}`);
    }
    const owner = this.sessionOwners.get(client.id);
    if (owner !== undefined && owner !== identity.name) {
      return refuse(IDENTIFIER_REJECTED, identity.name, `the client id holds a kept session of ${owner}`);
    }
    const rules = new CompiledRules(accessRules(identity, this.options.topics));
    const will = (client as unknown as { _will?: { topic: string; retain?: boolean } | null })._will;
    if (will && !rules.mayPublish(will.topic, will.retain ?? false)) {
      return refuse(NOT_AUTHORIZED, identity.name, `its last will on ${will.topic} is a topic it may not publish to`);
    }
    this.clients.set(client, { identity, rules, passwordHash });
    this.idHolders.set(client.id, { client, name: identity.name });
    // A clean session ends the kept one (MQTT 3.1.1 §3.1.2.4); a kept one is its owner's.
    if (client.clean) this.sessionOwners.delete(client.id);
    else this.sessionOwners.set(client.id, identity.name);
    const limit = this.packetLimits.get(client);
    if (limit) limit.maxPacketBytes = this.limits[identity.role];
    return null;
  }

  private vouchedIdentity(client: Client): Identity | undefined {
    const session = client.req ? this.sessions.get(client.req) : undefined;
    if (session) return session;
    const certificateName = this.certificates.get(client.conn as Duplex);
    if (certificateName === undefined) return undefined;
    const record = this.options.identities.get(certificateName);
    return record?.role === 'robot' ? record : undefined;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /**
   * Ends the connections of identities removed, given another role, or with a new password. An
   * identities file that cannot be read keeps every connection and is said once per new error.
   */
  private dropChangedIdentities(): void {
    try {
      const version = this.options.identities.version();
      if (version === this.identitiesVersion) return;
      const changes: { client: Client; name: string; removed: boolean }[] = [];
      for (const client of Object.values(this.connectedClients())) {
        const access = this.clients.get(client);
        if (!access) continue;
        const record = this.options.identities.get(access.identity.name);
        const changed = !record || record.role !== access.identity.role || record.scope !== access.identity.scope || (access.passwordHash !== null && record.passwordHash !== access.passwordHash);
        if (changed) changes.push({ client, name: access.identity.name, removed: !record });
      }
      this.identitiesVersion = version;
      this.lastIdentitiesError = '';
      for (const { client, name, removed } of changes) {
        this.options.log(`identity ${name} ${removed ? 'was removed' : 'changed'}: its connection ${JSON.stringify(client.id)} is closed`);
        client.close();
      }
    } catch (error) {
      const message = (error as Error).message;
      if (message !== this.lastIdentitiesError) this.options.log(`identities: ${message}; connections are kept as they are`);
      this.lastIdentitiesError = message;
    }
  }
}

function remoteAddress(client: Client): string {
  return client.req?.socket.remoteAddress ?? (client.conn as Duplex & { remoteAddress?: string }).remoteAddress ?? 'unknown address';
}
