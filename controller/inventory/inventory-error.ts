/**
 * Why an inventory operation was refused. An operation that throws this has changed nothing.
 * Callers that act on robot or WMS input turn it into data (a rejection with code and reason);
 * a refusal on the controller's own plan is a programming mistake and may propagate.
 */
export type InventoryErrorCode =
  /** Constructor or restore input contradicts itself (duplicate bin, gap in a stack, ...). */
  | 'INCONSISTENT_INPUT'
  /** An argument has the wrong shape: empty id, non-integer quantity, ... */
  | 'INVALID_ARGUMENT'
  | 'UNKNOWN_BIN'
  | 'COLUMN_OUT_OF_RANGE'
  | 'BIN_NOT_IN_COLUMN'
  /** The bin is in the column but has other bins on top of it. */
  | 'BIN_NOT_ON_TOP'
  | 'COLUMN_FULL'
  | 'BIN_NOT_ON_ROBOT'
  /** A robot carries at most one bin. */
  | 'ROBOT_ALREADY_CARRYING'
  | 'BIN_NOT_AT_PORT'
  /** A decrement would take a SKU's quantity in a bin below zero. */
  | 'INSUFFICIENT_STOCK'
  /** A decrement would leave less in a bin than is reserved there. */
  | 'BELOW_RESERVED'
  | 'UNKNOWN_RESERVATION'
  | 'DUPLICATE_RESERVATION';

export class InventoryError extends Error {
  override readonly name = 'InventoryError';

  constructor(
    readonly code: InventoryErrorCode,
    message: string,
  ) {
    super(message);
  }
}
