import type { TerminalEvent } from '../../protocol/wms/event-schemas.ts';
import type { InventoryAnswer, InventoryBin, RequestStatus } from '../../protocol/wms/reply-schemas.ts';
import { isBinRequestType, type InventoryRequest } from '../../protocol/wms/request-schemas.ts';
import type { Inventory } from '../inventory/inventory.ts';
import { doneBySku, type ActiveRequest } from '../requests/request-book.ts';
import type { StoredRequest } from '../store/sqlite-store.ts';

/**
 * The answers to the WMS's queries (status, inventory), read from the store and memory
 * without changing anything. The gateway sends them in the accepted reply.
 */

import type { Rejection } from '../requests/request-service.ts';

export type { Rejection };

/** Units picked or put so far per SKU, in confirmation order. */
export function doneQuantities(request: ActiveRequest | undefined): { sku: string; quantity: number }[] {
  return request ? doneBySku(request) : [];
}

/** The status of an accepted request (`active`: its running state, if it still runs). */
export function requestStatus(target: StoredRequest, active: ActiveRequest | undefined): RequestStatus {
  const terminal = target.terminalEvent as TerminalEvent | null;
  const progress = target.progress as { stage?: RequestStatus['lastStage'] } | null;
  const answeredAtOnce = !isBinRequestType(target.type);
  return {
    targetRequestId: target.requestId,
    requestType: target.type as RequestStatus['requestType'],
    state: terminal ? terminal.type : answeredAtOnce ? 'completed' : active && active.visits.some((v) => v.state !== 'queued') ? 'inProgress' : 'queued',
    lastStage: progress?.stage ?? null,
    picked: target.type === 'pick' ? (terminal?.picked ?? doneQuantities(active)) : [],
    stored: target.type === 'putaway' ? (terminal?.stored ?? doneQuantities(active)) : [],
    ...(target.type === 'count' ? { counted: terminal?.counted ?? active?.counts ?? [] } : {}),
    ...(terminal?.reason ? { reason: terminal.reason } : {}),
  };
}

/** Every bin holding the SKU asked for, or the one bin asked for, with where it is and what it holds. */
export function inventoryAnswer(inventory: Inventory, request: InventoryRequest): InventoryAnswer | Rejection {
  let binIds: string[];
  if (request.binId !== undefined) {
    if (!inventory.has(request.binId)) return { code: 'UNKNOWN_BIN', reason: `bin "${request.binId}" does not exist` };
    binIds = [request.binId];
  } else {
    if (!inventory.knownSku(request.sku!)) return { code: 'UNKNOWN_SKU', reason: `SKU "${request.sku}" is not stocked in this grid` };
    binIds = inventory.binsWithSku(request.sku!);
  }
  const bins: InventoryBin[] = binIds.map((binId) => ({ binId, location: wireLocation(inventory, binId), contents: inventory.contents(binId) }));
  const totalQuantity = bins.reduce((sum, bin) => sum + bin.contents.filter((l) => request.sku === undefined || l.sku === request.sku).reduce((s, l) => s + l.quantity, 0), 0);
  return { ...(request.sku !== undefined ? { sku: request.sku } : { binId: request.binId }), totalQuantity, bins };
}

function wireLocation(inventory: Inventory, binId: string): InventoryBin['location'] {
  const location = inventory.location(binId);
  if (location.kind === 'robot') return { kind: 'robot', serialNumber: location.serial };
  if (location.kind === 'port') return { kind: 'port', port: location.portId };
  return { kind: 'column', x: location.x, y: location.y, level: location.level, depth: inventory.depthFromTop(binId) ?? 0 };
}
