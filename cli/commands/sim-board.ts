import { SerialPort } from 'serialport';
import { RealClock } from '../../protocol/real-clock.ts';
import { BoardEmulator } from '../../sim/board/board-emulator.ts';
import type { BoardFaultOptions } from '../../sim/board/board-faults.ts';
import { DEFAULT_GRID_DEPTH } from '../../sim/board/board-options.ts';
import { layoutKinematics } from '../../sim/kinematics/robot-kinematics.ts';
import { numberOption, UsageError, type CommandArgs } from '../errors.ts';
import { loadLayout } from '../load-layout.ts';

/** Options of `gridline sim board`, in node:util parseArgs format (to merge into the CLI's table). */
export const SIM_BOARD_OPTIONS = {
  serial: { type: 'string' },
  baud: { type: 'string' },
  x: { type: 'string' },
  y: { type: 'string' },
  depth: { type: 'string' },
  seed: { type: 'string' },
  'drop-rate': { type: 'string' },
  'corrupt-rate': { type: 'string' },
  'delay-ms': { type: 'string' },
  battery: { type: 'string' },
} as const;

export const SIM_BOARD_USAGE = `  gridline sim board --serial PATH [--baud N] [--x X --y Y] [--depth LEVELS] [--seed N]
                     [--drop-rate P] [--corrupt-rate P] [--delay-ms MS] [--battery PERMILLE] [--layout FILE]
                                        emulate a robot's motor controller on a serial port (or a pty:
                                        socat -d -d pty,raw,echo=0 pty,raw,echo=0); start cell X Y
                                        (default 0 0), grid depth (default ${DEFAULT_GRID_DEPTH}); line faults: drop
                                        and corrupt frames both ways with probability P, delay the
                                        board's frames by MS; --battery PERMILLE at start (1000);
                                        --layout FILE takes cell pitch and depth from a layout;
                                        SIGUSR1 stalls the next drive, SIGUSR2 drops the battery;
                                        prints a summary every 10 s on stderr
`;

const DEFAULT_BAUD = 115_200;
const SUMMARY_PERIOD_MS = 10_000; // wall clock
const REOPEN_PERIOD_MS = 500; // wall clock, after the device vanished

/**
 * `gridline sim board`: a BoardEmulator on a real serial port, in real time. If the port goes
 * away (a USB adapter unplugged, the pty's socat ended) it is reopened every 500 ms; the board
 * keeps its state meanwhile (its watchdog stops the motors, as a real board's would).
 */
export async function runSimBoard(values: CommandArgs): Promise<number> {
  const path = values.serial;
  if (typeof path !== 'string' || path === '') throw new UsageError('sim board: --serial PATH is required');
  const isInt = (min: number, max: number) => (n: number) => Number.isInteger(n) && n >= min && n <= max;
  const baudRate = numberOption(values, 'baud', DEFAULT_BAUD, isInt(1, 10_000_000));
  const x = numberOption(values, 'x', 0, isInt(0, 0xffff));
  const y = numberOption(values, 'y', 0, isInt(0, 0xffff));
  const gridDepth = numberOption(values, 'depth', DEFAULT_GRID_DEPTH, isInt(1, 1000));
  const seed = numberOption(values, 'seed', 1, Number.isInteger);
  const isProbability = (n: number) => n >= 0 && n <= 1;
  const dropRate = numberOption(values, 'drop-rate', 0, isProbability);
  const corruptRate = numberOption(values, 'corrupt-rate', 0, isProbability);
  const delayMs = numberOption(values, 'delay-ms', 0, (n) => n >= 0);
  const batteryPermille = numberOption(values, 'battery', 1000, isInt(0, 1000));
  const layout = values.layout !== undefined ? await loadLayout(values.layout as string) : undefined;
  const faults: BoardFaultOptions = {
    dropOutgoing: dropRate,
    dropIncoming: dropRate,
    corruptOutgoing: corruptRate,
    corruptIncoming: corruptRate,
    delayOutgoingMs: delayMs,
  };
  const log = (line: string) => process.stderr.write(`sim board: ${line}\n`);

  let port: SerialPort | undefined;
  let stopping = false;
  let reopenTimer: NodeJS.Timeout | undefined;
  const board = new BoardEmulator({
    clock: new RealClock(),
    // While the port is closed the board's frames are lost, as on a cable pulled out.
    write: (bytes) => {
      if (port?.isOpen) port.write(Buffer.from(bytes), () => undefined);
    },
    startCell: { x, y },
    gridDepth: layout?.depth ?? gridDepth,
    ...(layout ? { kinematics: layoutKinematics(layout) } : {}),
    initialBatteryPermille: batteryPermille,
    seed,
    faults,
  });
  // Motor faults on demand, for trying a bridge by hand: `kill -USR1 <pid>` stalls the next
  // drive, `kill -USR2 <pid>` drops the battery to 8 % (below the low-battery mark).
  const onStall = () => {
    board.stallNextDrive();
    log('the next drive will stall (SIGUSR1)');
  };
  const onLowBattery = () => {
    board.setBatteryPermille(80);
    log('battery set to 80 permille (SIGUSR2)');
  };
  process.on('SIGUSR1', onStall);
  process.on('SIGUSR2', onLowBattery);

  const open = () =>
    new Promise<SerialPort>((resolve, reject) => {
      const candidate = new SerialPort({ path, baudRate, autoOpen: false });
      candidate.open((error) => (error ? reject(error) : resolve(candidate)));
    });
  const attach = (opened: SerialPort) => {
    port = opened;
    opened.on('data', (data: Buffer) => board.receive(data));
    opened.on('error', (error) => log(`port error: ${error.message}`));
    opened.on('close', () => {
      if (stopping || port !== opened) return;
      port = undefined;
      log(`${path} closed (device gone?); trying to reopen it every ${REOPEN_PERIOD_MS} ms`);
      scheduleReopen();
    });
  };
  const scheduleReopen = () => {
    reopenTimer = setTimeout(() => {
      open().then(
        (opened) => {
          if (stopping) return void opened.close();
          attach(opened);
          log(`${path} reopened`);
        },
        () => {
          if (!stopping) scheduleReopen();
        },
      );
    }, REOPEN_PERIOD_MS);
  };

  try {
    attach(await open());
  } catch (error) {
    process.stderr.write(`gridline sim board: cannot open ${path}: ${(error as Error).message}\n`);
    return 1;
  }
  board.start();
  const faultText = dropRate || corruptRate || delayMs ? `drop ${dropRate}, corrupt ${corruptRate}, delay ${delayMs} ms` : 'none';
  log(
    `motor controller on ${path} at ${baudRate} baud, cell (${x}, ${y}), grid depth ${layout?.depth ?? gridDepth}${layout ? ` (${layout.name})` : ''}, ` +
      `battery ${batteryPermille} permille, seed ${seed}, line faults: ${faultText}; pid ${process.pid} (SIGUSR1: stall the next drive, SIGUSR2: low battery); Ctrl-C stops`,
  );
  const summary = setInterval(() => log(summarize(board, port !== undefined)), SUMMARY_PERIOD_MS);

  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  stopping = true;
  process.off('SIGUSR1', onStall);
  process.off('SIGUSR2', onLowBattery);
  clearInterval(summary);
  clearTimeout(reopenTimer);
  board.stop();
  log(summarize(board, port !== undefined));
  const closing = port;
  port = undefined;
  if (closing?.isOpen) await new Promise<void>((resolve) => closing.close(() => resolve()));
  log('stopped');
  return 0;
}

/** One line: position, flags, link and injected-fault counters. */
export function summarize(board: BoardEmulator, portOpen: boolean): string {
  const p = board.position();
  const flags = Object.entries(board.flags())
    .filter(([, on]) => on)
    .map(([name]) => name);
  const c = board.counters;
  const r = c.decoder.rejected;
  const f = board.injectedFaults;
  return [
    `${portOpen ? '' : 'port closed, '}at (${p.x}, ${p.y}) ${p.offsetMm} mm, wheels ${p.wheelsY ? 'y' : 'x'}, lift ${board.liftDepthMm()} mm, battery ${board.batteryPermille()}‰`,
    `flags ${flags.join(',') || '-'}`,
    `${board.isNegotiated() ? 'negotiated' : 'no hello yet'}`,
    `frames in ${c.decoder.frames} (rejected cobs ${r.cobs} crc ${r.crc} length ${r.length} overflow ${r.overflow}, wrong version ${c.wrongVersion}, bad ${c.badMessages}, repeats ${c.duplicates})`,
    `retransmissions ${c.retransmissions}, undelivered ${c.undelivered}`,
    `injected: dropped ${f.droppedOutgoing} out ${f.droppedIncoming} in, corrupted ${f.corruptedOutgoing} out ${f.corruptedIncoming} in`,
  ].join('; ');
}
