import { parsePortPresentation, portConfirmSchema, type PortConfirm, type PortPresentation } from '../../../protocol/console/port-messages.ts';
import { portConfirmTopic, portPresentationTopic } from '../../../protocol/console/topics.ts';

/**
 * A port screen's state: the bin presented at one port (its retained presentation), and the
 * person's confirmation of what they picked or put. Pure: the page feeds it messages and
 * publishes the confirmations it builds.
 */

export type PortScreenStatus =
  | { readonly kind: 'waiting' } // no presentation received yet
  | { readonly kind: 'empty' } // presentation: null
  | { readonly kind: 'presented' }
  | { readonly kind: 'confirmed'; readonly quantity: number; readonly shortage: boolean };

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

  /** The confirmation of the full quantity asked; null when there is nothing to confirm. */
  confirmAll(timestamp: string): PortConfirm | null {
    const p = this.presentation;
    if (!p || !this.canConfirm()) return null;
    return this.confirmed(portConfirmSchema.parse({ taskId: p.taskId, binId: p.binId, quantity: p.quantity, timestamp }));
  }

  /**
   * A shortage: `actualText` is how many units were actually there (picked or put), a whole
   * number from 0 to one less than asked.
   */
  confirmShortage(actualText: string, timestamp: string): ShortageCheck {
    const p = this.presentation;
    if (!p || !this.canConfirm()) return { ok: false, error: 'No bin waits for confirmation' };
    const trimmed = actualText.trim();
    const actual = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
    if (!Number.isInteger(actual) || actual < 0 || actual >= p.quantity) {
      return { ok: false, error: `Enter a whole number from 0 to ${p.quantity - 1}` };
    }
    const confirm = portConfirmSchema.parse({ taskId: p.taskId, binId: p.binId, quantity: actual, shortage: true, timestamp });
    return { ok: true, confirm: this.confirmed(confirm) };
  }

  private confirmed(confirm: PortConfirm): PortConfirm {
    this.confirmedTasks.add(confirm.taskId);
    this.status = { kind: 'confirmed', quantity: confirm.quantity, shortage: confirm.shortage === true };
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
    case 'presented':
      return p ? `${p.mode === 'pick' ? 'Pick' : 'Put'} ${p.quantity} × ${p.sku} ${p.mode === 'pick' ? 'from' : 'into'} bin ${p.binId}` : 'No bin at the port';
    case 'confirmed':
      return model.status.shortage
        ? `Shortage confirmed: ${model.status.quantity} ${p?.mode === 'putaway' ? 'put' : 'picked'}; waiting for the next bin`
        : `Confirmed ${model.status.quantity}; waiting for the next bin`;
  }
}
