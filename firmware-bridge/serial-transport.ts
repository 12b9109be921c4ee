/**
 * The byte pipe to the motor controller board: a real serial port, serialport's mock binding
 * in tests, or anything else that moves bytes. The bridge reopens it after it closes.
 * Contract: data is delivered asynchronously, never from inside a `write` call.
 */
export interface SerialTransport {
  /**
   * Opens the port; rejects when it cannot (device missing, busy). Data and the port closing
   * (device vanished, cable pulled) are reported to the handlers given.
   */
  open(handlers: { onData(bytes: Uint8Array): void; onClose(reason: string): void }): Promise<void>;
  /** Writes bytes; drops them silently when the port is not open. `onWritten` runs once they are handed to the OS. */
  write(bytes: Uint8Array, onWritten?: () => void): void;
  /** Closes the port on purpose; `onClose` is not called. */
  close(): Promise<void>;
}
