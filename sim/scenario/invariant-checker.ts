import type { Order } from '../../protocol/vda5050/types.ts';
import type { GridWorld } from '../world/grid-world.ts';

/**
 * What the checker may ask the controller under test. The simulator knows the controller
 * only through messages; a scenario's composition root hands this probe over.
 */
export interface ControllerProbe {
  /** Who holds a node in the controller's reservation table, if anyone. */
  holderOf(nodeId: string): string | undefined;
  /**
   * Disagreements between the reservation table and the robots' records, a cell held by two
   * robots included (empty when consistent).
   */
  reservationProblems(): string[];
  /** Problems in the controller's own bin bookkeeping (empty when consistent). */
  inventoryProblems(): string[];
}

/** The WMS side of invariant 3, as a demo WMS ledger reports it. */
export interface RequestLedger {
  /** `final`: the run is over, so a missing reply or terminal event is a violation too. */
  protocolViolations(options?: { final?: boolean }): string[];
}

/** Violations kept; later ones are dropped, since the first ones explain a broken run. */
const MAX_VIOLATIONS = 100;

/**
 * Checks DESIGN.md §5 during a scenario run: (1) no two robots in, or holding, one cell, no
 * swaps (a swap puts both robots in both cells mid-move, so the occupancy check sees it);
 * (2) bin conservation, in the world and in the controller; (3) one reply and one terminal
 * event per accepted request; (4) a robot is only ever released cells held for it.
 * (5) liveness is the scenario's own check: every request ends before the run does.
 */
export class InvariantChecker {
  readonly violations: string[] = [];
  checks = 0;
  ordersChecked = 0;

  constructor(
    private readonly world: GridWorld,
    private readonly probe: ControllerProbe,
    private readonly ledger: RequestLedger,
  ) {}

  /** Runs every state check now; call it often (e.g. every simulated 100 ms). */
  checkNow(atMs: number): void {
    this.checks++;
    for (const v of this.world.occupancyViolations()) this.report(atMs, `invariant 1: robots ${v.serialNumbers.join(', ')} share cell (${v.x}, ${v.y})`);
    for (const problem of this.probe.reservationProblems()) this.report(atMs, `invariant 1 (reservations): ${problem}`);
    for (const problem of this.world.binConservationViolations()) this.report(atMs, `invariant 2 (world): ${problem}`);
    for (const problem of this.probe.inventoryProblems()) this.report(atMs, `invariant 2 (controller): ${problem}`);
  }

  /**
   * Invariant 4, checked as the controller sends an order: the reservation table gives every
   * released node to this robot.
   */
  checkOrder(atMs: number, serial: string, order: Pick<Order, 'orderId' | 'orderUpdateId' | 'nodes'>): void {
    this.ordersChecked++;
    for (const node of order.nodes) {
      if (!node.released) continue;
      const holder = this.probe.holderOf(node.nodeId);
      if (holder !== serial) this.report(atMs, `invariant 4: ${serial} released ${node.nodeId} in ${order.orderId}/${order.orderUpdateId}, which ${holder ? `${holder} holds` : 'nobody holds'}`);
    }
  }

  /** Invariant 3; with `final` (the run is over) missing replies and outcomes count too. */
  checkRequests(atMs: number, final = false): void {
    for (const problem of this.ledger.protocolViolations({ final })) this.report(atMs, `invariant 3: ${problem}`);
  }

  private report(atMs: number, message: string): void {
    if (this.violations.length < MAX_VIOLATIONS) this.violations.push(`t=${(atMs / 1000).toFixed(1)}s ${message}`);
  }
}
