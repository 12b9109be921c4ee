/**
 * Stands between a client's byte stream and the broker, reading only MQTT fixed headers
 * (type byte and remaining length, MQTT 3.1.1 §2.2), and ends the connection the moment a
 * packet announces more bytes than the client may send: the broker's parser would otherwise
 * buffer all of it before anyone could look. The limit can change once the client is known
 * (a robot's state may be larger than a port screen's confirmation).
 */
import { Duplex } from 'node:stream';

export class PacketSizeGuard extends Duplex {
  /** Largest remaining length (bytes after the fixed header) allowed from now on. */
  maxPacketBytes: number;
  private headerBytesLeft = 0;
  private lengthSoFar = 0;
  private lengthMultiplier = 1;
  /** Bytes of the current packet's body still to come. */
  private bodyLeft = 0;
  private state: 'type' | 'length' | 'body' = 'type';

  constructor(
    readonly inner: Duplex,
    maxPacketBytes: number,
    private readonly onOversize: (announcedBytes: number, limit: number) => void,
  ) {
    super({ allowHalfOpen: false });
    this.maxPacketBytes = maxPacketBytes;
    inner.on('data', (chunk: Buffer) => {
      if (!this.scan(chunk)) return;
      if (!this.push(chunk)) inner.pause();
    });
    inner.on('end', () => this.push(null));
    inner.on('error', (error) => this.destroy(error));
    inner.on('close', () => this.destroy());
  }

  override _read(): void {
    this.inner.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.inner.write(chunk, encoding, done);
  }

  override _final(done: (error?: Error | null) => void): void {
    this.inner.end(done);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.inner.destroy();
    done(error);
  }

  /** Walks the chunk's packet boundaries; false (and the connection ended) on an oversized packet. */
  private scan(chunk: Buffer): boolean {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'body') {
        const take = Math.min(this.bodyLeft, chunk.length - i);
        this.bodyLeft -= take;
        i += take;
        if (this.bodyLeft === 0) this.state = 'type';
        continue;
      }
      if (this.state === 'type') {
        i++;
        this.state = 'length';
        this.lengthSoFar = 0;
        this.lengthMultiplier = 1;
        this.headerBytesLeft = 4;
        continue;
      }
      const byte = chunk[i++]!;
      this.lengthSoFar += (byte & 0x7f) * this.lengthMultiplier;
      this.lengthMultiplier *= 128;
      this.headerBytesLeft--;
      if (byte & 0x80) {
        // A fifth length byte is malformed (§2.2.3); the broker's parser refuses it too.
        if (this.headerBytesLeft === 0) return this.refuse(this.lengthSoFar);
        continue;
      }
      if (this.lengthSoFar > this.maxPacketBytes) return this.refuse(this.lengthSoFar);
      this.bodyLeft = this.lengthSoFar;
      this.state = this.bodyLeft === 0 ? 'type' : 'body';
    }
    return true;
  }

  private refuse(announced: number): false {
    this.onOversize(announced, this.maxPacketBytes);
    this.inner.destroy();
    this.destroy();
    return false;
  }
}
