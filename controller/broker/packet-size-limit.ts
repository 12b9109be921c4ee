/**
 * Reads only MQTT fixed headers (type byte and remaining length, MQTT 3.1.1 §2.2) of what a
 * client sends, chunk by chunk as they arrive, and says when a packet announces more bytes than
 * the client may send: the broker's parser would otherwise buffer all of it before anyone could
 * look. The limit can change once the client is known (a robot's state may be larger than a
 * port screen's confirmation).
 */
export class PacketSizeLimit {
  /** Largest remaining length (bytes after the fixed header) allowed from now on. */
  maxPacketBytes: number;
  private headerBytesLeft = 0;
  private lengthSoFar = 0;
  private lengthMultiplier = 1;
  /** Bytes of the current packet's body still to come. */
  private bodyLeft = 0;
  private state: 'type' | 'length' | 'body' = 'type';

  constructor(maxPacketBytes: number) {
    this.maxPacketBytes = maxPacketBytes;
  }

  /**
   * Walks the chunk's packet boundaries (chunks may cut packets and headers anywhere). Null when
   * all is within the limit; else the length the offending packet announced (-1: a malformed
   * length, which the parser refuses too), after which the connection must end.
   */
  scan(chunk: Uint8Array): number | null {
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
        // A fifth length byte is malformed (§2.2.3).
        if (this.headerBytesLeft === 0) return -1;
        continue;
      }
      if (this.lengthSoFar > this.maxPacketBytes) return this.lengthSoFar;
      this.bodyLeft = this.lengthSoFar;
      this.state = this.bodyLeft === 0 ? 'type' : 'body';
    }
    return null;
  }
}
