/**
 * A refusal by the durable store. These are programming or configuration mistakes (the caller
 * should have checked, or the data directory belongs to another grid): they are thrown.
 */
export type StoreErrorCode =
  /** The store was made for a grid of another size or depth. */
  | 'LAYOUT_MISMATCH'
  /** The file was written by a newer Gridline with a schema this one does not know. */
  | 'SCHEMA_TOO_NEW'
  /** `initialiseInventory` on a store that already holds bins. */
  | 'ALREADY_INITIALISED'
  | 'UNKNOWN_BIN'
  | 'UNKNOWN_REQUEST'
  | 'DUPLICATE_REQUEST'
  /** A request gets exactly one accept-or-reject reply. */
  | 'ALREADY_REPLIED'
  /** An accepted request gets exactly one terminal event (DESIGN §5.3). */
  | 'ALREADY_TERMINAL'
  /** Only an accepted request can end with a terminal event. */
  | 'NOT_ACCEPTED'
  | 'UNKNOWN_RESERVATION';

export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}
