import { cellKind, isInsideGrid, type GridLayout } from '../protocol/layout/grid-layout.ts';
import type { GridRouteMap } from '../protocol/vda5050/grid-order-route.ts';

/** The grid as the bridge checks orders against it: the facility's layout file. */
export function layoutRouteMap(layout: GridLayout): GridRouteMap {
  return {
    depth: layout.depth,
    isDrivable: (x, y) => isInsideGrid(layout, x, y) && cellKind(layout, x, y) !== 'blocked',
    cellKind: (x, y) => (isInsideGrid(layout, x, y) ? cellKind(layout, x, y) : undefined),
  };
}
