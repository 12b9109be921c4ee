/**
 * Where every internal error of the controller ends: a mistake in handling a robot's message,
 * a WMS request, a port confirmation or a console command, or in a timer of the controller's
 * own. It is raised as an alarm naming its source (with the stack, for whoever fixes it) and
 * handed to the handler's recovery, which brings what the handler left unfinished to an end:
 * a WMS request is answered, a pick or putaway ends with a `failed` event, a console command
 * gets an error reply. Nothing is thrown on: one bad message must not stop the facility.
 *
 * Handlers keep store and memory in step themselves (StoredInventory and SqliteStore batches);
 * the boundary only sees that they failed.
 */

/** Raises an alarm (GridController.alarm). */
export type AlarmSink = (source: string, message: string) => void;

/** Brings an interrupted handler's work to an end; gets what the handler threw and its arguments. */
export type Recovery<A extends unknown[]> = (error: Error, ...args: A) => void;

export class ErrorBoundary {
  constructor(private readonly alarm: AlarmSink) {}

  /**
   * Runs `work`; if it throws, raises an alarm from `source` and runs `recover` (an error of
   * the recovery is raised too). Never throws. Returns whether `work` ran to its end.
   */
  run(source: string, work: () => void, recover?: (error: Error) => void): boolean {
    try {
      work();
      return true;
    } catch (thrown) {
      const error = asError(thrown);
      this.alarm(source, `internal error: ${describe(error)}`);
      if (recover) {
        try {
          recover(error);
        } catch (again) {
          this.alarm(source, `internal error while ending the work the first one interrupted: ${describe(asError(again))}`);
        }
      }
      return false;
    }
  }

  /** `handler` run through `run`, for a link's callback; `source` may depend on the arguments (a port's id). */
  wrap<A extends unknown[]>(source: string | NoInfer<(...args: A) => string>, handler: (...args: A) => void, recover?: NoInfer<Recovery<A>>): (...args: A) => void {
    return (...args: A) => {
      this.run(typeof source === 'string' ? source : source(...args), () => handler(...args), recover && ((error) => recover(error, ...args)));
    };
  }
}

/** Longest internal error text put in a reply or event to a client (its stack stays in the alarm), characters. */
const CLIENT_REASON_CHARS = 300;

/** What a client is told of an internal error: that it was one, and its message, without the stack. */
export function internalErrorReason(error: Error): string {
  const text = `internal error: ${error.message || error.name}`;
  return text.length <= CLIENT_REASON_CHARS ? text : `${text.slice(0, CLIENT_REASON_CHARS - 1)}…`;
}

export function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}

function describe(error: Error): string {
  return error.stack ?? `${error.name}: ${error.message}`;
}
