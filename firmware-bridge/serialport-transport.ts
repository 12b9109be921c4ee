import { SerialPort, SerialPortMock } from 'serialport';
import type { SerialTransport } from './serial-transport.ts';

/** A SerialTransport over serialport 13: a real device (`SerialPort`) or the mock binding (`SerialPortMock`). */
export class SerialPortTransport implements SerialTransport {
  private port: SerialPort | SerialPortMock | undefined;
  private closingOnPurpose = false;

  constructor(
    private readonly path: string,
    private readonly baudRate: number,
    private readonly binding: 'device' | 'mock' = 'device',
    /** Sees the port object each time it opens (tests reach the mock binding through it). */
    private readonly onOpened?: (port: SerialPort | SerialPortMock) => void,
  ) {}

  open(handlers: { onData(bytes: Uint8Array): void; onClose(reason: string): void }): Promise<void> {
    return new Promise((resolve, reject) => {
      const options = { path: this.path, baudRate: this.baudRate, autoOpen: false };
      const port = this.binding === 'mock' ? new SerialPortMock(options) : new SerialPort(options);
      port.open((err) => {
        if (err) {
          reject(new Error(`cannot open serial port ${this.path}: ${err.message}`));
          return;
        }
        this.port = port;
        this.closingOnPurpose = false;
        this.onOpened?.(port);
        port.on('data', (chunk: Buffer) => handlers.onData(chunk));
        // An error on an open port (EIO when a pty's other end goes away) is followed by 'close'.
        port.on('error', () => {});
        port.on('close', (closeErr: Error | null) => {
          if (this.port === port) this.port = undefined;
          if (!this.closingOnPurpose) handlers.onClose(closeErr?.message ?? 'port closed');
        });
        resolve();
      });
    });
  }

  write(bytes: Uint8Array, onWritten?: () => void): void {
    const port = this.port;
    if (!port?.isOpen) return;
    port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), () => onWritten?.());
  }

  async close(): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) return;
    this.closingOnPurpose = true;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
