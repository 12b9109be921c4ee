import type { PortServerLink } from '../../protocol/console/links.ts';
import type { GridController, VisitObserver } from '../grid-controller.ts';
import type { Visit } from '../requests/request-book.ts';

/**
 * Port screens: shows the person at each port the bin presented and what to do with it, and
 * hands their confirmations to the controller. A confirmation that does not match what is
 * presented (a stale screen, a typo) is refused and raised as an alarm; nothing changes.
 */
export class PortScreenGateway implements VisitObserver {
  /**
   * `atomically` runs a confirmation's writes (stock, reservation, request progress) as one
   * store transaction, so a crash can never keep the stock change and lose the record of it.
   */
  constructor(
    private readonly controller: GridController,
    private readonly link: Pick<PortServerLink, 'present' | 'onConfirm'>,
    atomically: (change: () => void) => void = (change) => change(),
  ) {
    controller.addObserver(this);
    link.onConfirm((portId, result) => {
      if (!result.ok) return controller.alarm(`port ${portId}`, `invalid confirmation: ${result.errors.join('; ')}`);
      const { taskId, binId, quantity } = result.message;
      try {
        let problem: string | undefined;
        atomically(() => {
          problem = controller.confirmAtPort(portId, taskId, binId, quantity);
        });
        if (problem) controller.alarm(`port ${portId}`, `confirmation refused: ${problem}`);
      } catch (error) {
        controller.alarm(`port ${portId}`, `internal error: ${(error as Error).stack ?? String(error)}`);
      }
    });
    for (const port of controller.ports.keys()) link.present(port, null);
  }

  visitPresented(visit: Visit): void {
    const first = visit.lines[0]!;
    const quantity = visit.lines.filter((l) => l.sku === first.sku).reduce((sum, l) => sum + l.quantity, 0);
    this.link.present(visit.portId, {
      taskId: visit.visitId,
      binId: visit.binId,
      requestId: visit.requestId,
      mode: visit.mode,
      sku: first.sku,
      quantity,
      contents: this.controller.inventory.contents(visit.binId),
    });
  }

  /** The screen clears; the port's next bin, if any, is presented right after (visitPresented). */
  visitConfirmed(visit: Visit): void {
    this.link.present(visit.portId, null);
  }
}
