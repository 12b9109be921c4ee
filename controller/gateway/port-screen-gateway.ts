import type { PortServerLink } from '../../protocol/console/links.ts';
import type { PortConfirm } from '../../protocol/console/port-messages.ts';
import type { ParseResult } from '../../protocol/wms/parse-wms-messages.ts';
import { internalErrorReason } from '../error-boundary.ts';
import type { GridController, VisitObserver } from '../grid-controller.ts';

/**
 * Port screens: shows the person at each port the bin presented and what to do with it, and
 * hands their confirmations to the controller. A confirmation that does not match what is
 * presented (a stale screen, a typo) is refused and raised as an alarm; nothing changes.
 */
export class PortScreenGateway implements VisitObserver {
  constructor(
    private readonly controller: GridController,
    private readonly link: Pick<PortServerLink, 'present'>,
  ) {
    controller.addObserver(this);
    for (const port of controller.ports.keys()) link.present(port, null);
  }

  /**
   * A person's confirmation at a port (the link's onConfirm, through the error boundary). Its
   * stock change and request progress are kept together (PortDesk.confirm).
   */
  handle(portId: string, result: ParseResult<PortConfirm>): void {
    if (!result.ok) return this.controller.alarm(`port ${portId}`, `invalid confirmation: ${result.errors.join('; ')}`);
    const { taskId, binId, lines } = result.message;
    const problem = this.controller.confirmAtPort(portId, taskId, binId, lines);
    if (problem) this.controller.alarm(`port ${portId}`, `confirmation refused: ${problem}`);
  }

  /**
   * A confirmation whose handling threw (the error boundary calls this). While the bin is still
   * presented, nothing of the confirmation was kept: the bin goes back as it is and its request
   * ends `failed` with the error. Once the port has moved on, the confirmation was kept and the
   * bin's return queued first (PortDesk.moveOn); what failed after that (presenting the
   * next bin, allocating) is tried again by the next control cycle.
   */
  recover(portId: string, result: ParseResult<PortConfirm>, error: Error): void {
    if (!result.ok || this.controller.ports.get(portId)?.presented?.taskId !== result.message.taskId) return;
    // Cleared first: the port's next bin, if any, is presented as the port moves on.
    this.link.present(portId, null);
    this.controller.abandonAtPort(portId, result.message.taskId, `confirmation at port ${portId} failed: ${internalErrorReason(error)}`);
  }

  /** Shows the port's presented bin with every line it serves there. */
  binPresented(portId: string): void {
    const shown = this.controller.ports.get(portId)?.presented;
    if (!shown) return;
    this.link.present(portId, {
      taskId: shown.taskId,
      binId: shown.binId,
      mode: shown.mode,
      lines: shown.lines.map(({ lineId, requestId, sku, quantity }) => ({ lineId, requestId, sku, quantity })),
      // A count is blind: the person is not told what the bin should hold.
      contents: shown.mode === 'count' ? [] : this.controller.inventory.contents(shown.binId),
    });
  }

  /** The screen clears; the port's next bin, if any, is presented right after (binPresented). */
  binConfirmed(portId: string): void {
    this.link.present(portId, null);
  }
}
