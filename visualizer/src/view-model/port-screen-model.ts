import { MAX_QUANTITY_UNITS } from '../../../protocol/wms/common-schemas.ts';
import { parsePortPresentation, portConfirmSchema, presentedUnits, type PortConfirm, type PortPresentation } from '../../../protocol/console/port-messages.ts';
import { portConfirmTopic, portPresentationTopic } from '../../../protocol/console/topics.ts';

/**
 * A port screen's state: the bin presented at one port (its retained presentation) with every
 * line it serves there, and the person's confirmation of what they picked or put per line.
 * Pure: the page feeds it messages and publishes the confirmations it builds.
 */

export type PortScreenStatus =
  | { readonly kind: 'waiting' } // no presentation received yet
  | { readonly kind: 'empty' } // presentation: null
  | { readonly kind: 'presented' }
  /** Units confirmed over all lines, units asked, and the lines confirmed short. */
  | { readonly kind: 'confirmed'; readonly units: number; readonly asked: number; readonly shortLines: number };

export type ShortageCheck = { readonly ok: true; readonly confirm: PortConfirm } | { readonly ok: false; readonly error: string };

export class PortScreenModel {
  readonly presentationTopic: string;
  readonly confirmTopic: string;
  presentation: PortPresentation | null = null;
  status: PortScreenStatus = { kind: 'waiting' };
  badMessages = 0;
  lastError: string | null = null;
  /** Tasks already confirmed from this screen: a repeated presentation of one is not confirmed twice. */
  private readonly confirmedTasks = new Set<string>();

  constructor(
    readonly site: string,
    readonly portId: string,
  ) {
    this.presentationTopic = portPresentationTopic(site, portId);
    this.confirmTopic = portConfirmTopic(site, portId);
  }

  /** A message on the presentation topic; false (counted, described) when it is not a valid presentation for this port. */
  handlePresentation(text: string): boolean {
    if (text.length === 0) return true; // a cleared retained message: nothing to show yet
    const parsed = parsePortPresentation(text);
    if (!parsed.ok) return this.bad(parsed.errors.join('; '));
    if (parsed.message.portId !== this.portId) return this.bad(`presentation for port ${parsed.message.portId}, this screen is port ${this.portId}`);
    const presentation = parsed.message.presentation;
    this.presentation = presentation;
    if (!presentation) this.status = { kind: 'empty' };
    else if (!this.confirmedTasks.has(presentation.taskId)) this.status = { kind: 'presented' };
    return true;
  }

  /** True while the presented bin waits for this screen's confirmation. */
  canConfirm(): boolean {
    return this.presentation !== null && this.status.kind === 'presented';
  }

  /** The confirmation of every line with the quantity asked; null when there is nothing to confirm (or it is a count: see confirmCount). */
  confirmAll(timestamp: string): PortConfirm | null {
    const p = this.presentation;
    if (!p || !this.canConfirm() || p.mode === 'count') return null;
    return this.confirmed(portConfirmSchema.parse({ taskId: p.taskId, binId: p.binId, lines: p.lines.map((line) => ({ lineId: line.lineId, quantity: line.quantity })), timestamp }));
  }

  /**
   * A shortage: `foundTexts[i]` is how many units of line `i` were actually there (picked or
   * put), a whole number from 0 to the line's quantity; at least one line must be short.
   */
  confirmShortage(foundTexts: readonly string[], timestamp: string): ShortageCheck {
    const p = this.presentation;
    if (!p || !this.canConfirm()) return { ok: false, error: 'No bin waits for confirmation' };
    if (foundTexts.length !== p.lines.length) return { ok: false, error: `Enter a count for each of the ${p.lines.length} lines` };
    const found: number[] = [];
    for (const [i, line] of p.lines.entries()) {
      const trimmed = foundTexts[i]!.trim();
      const count = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
      if (!Number.isInteger(count) || count < 0 || count > line.quantity) return { ok: false, error: `Line ${i + 1} (${line.sku}): enter a whole number from 0 to ${line.quantity}` };
      found.push(count);
    }
    if (p.mode === 'count') return { ok: false, error: 'This bin is counted: enter the count of each line and Confirm' };
    if (found.every((count, i) => count === p.lines[i]!.quantity)) return { ok: false, error: 'No line is short: use Confirm' };
    const confirm = portConfirmSchema.parse({ taskId: p.taskId, binId: p.binId, lines: p.lines.map((line, i) => ({ lineId: line.lineId, quantity: found[i]! })), timestamp });
    return { ok: true, confirm: this.confirmed(confirm) };
  }

  /**
   * A count (blind: the screen shows no quantity): `countTexts[i]` is how many units of line
   * `i`'s SKU the person counted in the bin, a whole number from 0 to MAX_QUANTITY_UNITS.
   */
  confirmCount(countTexts: readonly string[], timestamp: string): ShortageCheck {
    const p = this.presentation;
    if (!p || !this.canConfirm()) return { ok: false, error: 'No bin waits for confirmation' };
    if (p.mode !== 'count') return { ok: false, error: 'This bin is not counted: use Confirm or Shortage' };
    if (countTexts.length !== p.lines.length) return { ok: false, error: `Enter a count for each of the ${p.lines.length} lines` };
    const counted: number[] = [];
    for (const [i, line] of p.lines.entries()) {
      const trimmed = countTexts[i]!.trim();
      const count = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
      if (!Number.isInteger(count) || count > MAX_QUANTITY_UNITS) return { ok: false, error: `Line ${i + 1} (${line.sku}): enter the units counted, a whole number from 0 to ${MAX_QUANTITY_UNITS}` };
      counted.push(count);
    }
    const confirm = portConfirmSchema.parse({ taskId: p.taskId, binId: p.binId, lines: p.lines.map((line, i) => ({ lineId: line.lineId, quantity: counted[i]! })), timestamp });
    return { ok: true, confirm: this.confirmed(confirm) };
  }

  private confirmed(confirm: PortConfirm): PortConfirm {
    const p = this.presentation!;
    this.confirmedTasks.add(confirm.taskId);
    const shortLines = confirm.lines.filter((line, i) => line.quantity < p.lines[i]!.quantity).length;
    this.status = { kind: 'confirmed', units: confirm.lines.reduce((sum, line) => sum + line.quantity, 0), asked: presentedUnits(p), shortLines };
    return confirm;
  }

  private bad(error: string): false {
    this.badMessages += 1;
    this.lastError = error;
    return false;
  }
}

/** The words a port screen shows for its status. */
export function describePortStatus(model: PortScreenModel): string {
  const p = model.presentation;
  switch (model.status.kind) {
    case 'waiting':
      return 'Waiting for the controller';
    case 'empty':
      return 'No bin at the port';
    case 'presented': {
      if (!p) return 'No bin at the port';
      if (p.mode === 'count') return `Count ${p.lines.length === 1 ? `the units of ${p.lines[0]!.sku}` : `${p.lines.length} SKUs`} in bin ${p.binId}`;
      const verb = p.mode === 'pick' ? 'Pick' : 'Put';
      const where = `${p.mode === 'pick' ? 'from' : 'into'} bin ${p.binId}`;
      if (p.lines.length === 1) return `${verb} ${p.lines[0]!.quantity} × ${p.lines[0]!.sku} ${where}`;
      const orders = new Set(p.lines.map((line) => line.requestId)).size;
      return `${verb} ${p.lines.length} lines (${presentedUnits(p)} units${orders > 1 ? `, ${orders} orders` : ''}) ${where}`;
    }
    case 'confirmed': {
      const { units, asked, shortLines } = model.status;
      if (p?.mode === 'count') return `Counted ${units}; waiting for the next bin`;
      const done = p?.mode === 'putaway' ? 'put' : 'picked';
      return shortLines > 0
        ? `Shortage confirmed on ${shortLines} line${shortLines === 1 ? '' : 's'}: ${units} of ${asked} ${done}; waiting for the next bin`
        : `Confirmed ${units}; waiting for the next bin`;
    }
  }
}
