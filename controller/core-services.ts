import type { Clock } from '../protocol/clock.ts';
import type { GridLayout } from '../protocol/layout/index.ts';
import type { ControllerOptions } from './controller-options.ts';
import type { Fleet } from './fleet/fleet.ts';
import type { Facility } from './operator/facility.ts';
import type { GridMap } from './grid/grid-map.ts';
import type { Inventory } from './inventory/inventory.ts';
import type { PortStation } from './ports/port-station.ts';
import type { PortZones } from './ports/port-zones.ts';
import type { RequestService } from './requests/request-service.ts';
import type { BinQuarantine } from './robot-edge/bin-quarantine.ts';
import type { RobotEdge } from './robot-edge/robot-edge.ts';
import type { StoredInventory } from './store/stored-inventory.ts';
import type { Traffic } from './traffic/traffic.ts';
import type { ColumnClaims } from './work/column-claims.ts';

/**
 * "Allocation is due": set by whatever may let a robot take work (a job ended, a port moved
 * on, a robot was held), and acted on once by the controller when the event that set it has
 * been handled, instead of allocating from inside the rooms. Rooms only set it; the
 * composition reads and clears it.
 */
export interface AllocationMark {
  due: boolean;
}

/** The parts every room of the controller shares: the layout, the books, the robot edge and traffic. */
export interface CoreServices {
  readonly layout: GridLayout;
  readonly options: ControllerOptions;
  readonly clock: Clock;
  readonly grid: GridMap;
  /** Every inventory change goes through `stock`, which commits it to the store. */
  readonly stock: StoredInventory;
  readonly inventory: Inventory;
  /** The WMS's requests and their visits: what the rooms learn of a visit they tell it. */
  readonly requests: RequestService;
  readonly edge: RobotEdge;
  readonly ports: ReadonlyMap<string, PortStation>;
  readonly zones: PortZones;
  readonly claims: ColumnClaims;
  readonly traffic: Traffic;
  readonly fleet: Fleet;
  readonly quarantine: BinQuarantine;
  readonly facility: Facility;
  readonly allocation: AllocationMark;
  newId(prefix: string): string;
  alarm(source: string, message: string): void;
}
