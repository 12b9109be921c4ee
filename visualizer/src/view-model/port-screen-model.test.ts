import { describe, expect, it } from 'vitest';
import type { PortPresentation } from '../../../protocol/console/port-messages.ts';
import { describePortStatus, PortScreenModel } from './port-screen-model.ts';

const presentation: PortPresentation = {
  taskId: 'T1',
  binId: 'B00042',
  mode: 'pick',
  lines: [{ lineId: 'T1:0', requestId: 'order-1', sku: 'SKU-00042', quantity: 3 }],
  contents: [{ sku: 'SKU-00042', quantity: 5 }],
};

function message(p: PortPresentation | null, portId = 'P1'): string {
  return JSON.stringify({ site: 'demo', portId, timestamp: '2026-01-01T00:00:00.000Z', presentation: p });
}

const NOW = '2026-01-01T00:00:05.000Z';

describe('port screen model', () => {
  it('uses the port topics of its site and port', () => {
    const model = new PortScreenModel('demo', 'P1');
    expect(model.presentationTopic).toBe('gridline/v1/demo/port/P1/presentation');
    expect(model.confirmTopic).toBe('gridline/v1/demo/port/P1/confirm');
    expect(() => new PortScreenModel('demo', 'P/1')).toThrow(RangeError);
  });

  it('shows the presented bin, and "No bin at the port" for a null presentation', () => {
    const model = new PortScreenModel('demo', 'P1');
    expect(describePortStatus(model)).toBe('Waiting for the controller');
    expect(model.handlePresentation(message(presentation))).toBe(true);
    expect(model.presentation).toEqual(presentation);
    expect(describePortStatus(model)).toBe('Pick 3 × SKU-00042 from bin B00042');
    expect(model.handlePresentation(message(null))).toBe(true);
    expect(model.presentation).toBeNull();
    expect(model.canConfirm()).toBe(false);
    expect(describePortStatus(model)).toBe('No bin at the port');
  });

  it('confirms the quantity asked, once per task', () => {
    const model = new PortScreenModel('demo', 'P1');
    model.handlePresentation(message(presentation));
    expect(model.confirmAll(NOW)).toEqual({ taskId: 'T1', binId: 'B00042', lines: [{ lineId: 'T1:0', quantity: 3 }], timestamp: NOW });
    expect(describePortStatus(model)).toBe('Confirmed 3; waiting for the next bin');
    expect(model.confirmAll(NOW)).toBeNull();
    // The same task presented again (a retained repeat) is not confirmed twice; the next one is.
    model.handlePresentation(message(presentation));
    expect(model.canConfirm()).toBe(false);
    model.handlePresentation(message({ ...presentation, taskId: 'T2', mode: 'putaway', lines: [{ ...presentation.lines[0]!, lineId: 'T2:0', quantity: 2 }] }));
    expect(describePortStatus(model)).toBe('Put 2 × SKU-00042 into bin B00042');
    expect(model.confirmAll(NOW)).toMatchObject({ taskId: 'T2', lines: [{ lineId: 'T2:0', quantity: 2 }] });
  });

  it('shows a bin serving several lines of several orders, and confirms each line', () => {
    const model = new PortScreenModel('demo', 'P1');
    const batched: PortPresentation = {
      ...presentation,
      lines: [
        { lineId: 'T1:0', requestId: 'order-1', sku: 'SKU-00042', quantity: 3 },
        { lineId: 'T1:1', requestId: 'order-1', sku: 'SKU-00042', quantity: 1 },
        { lineId: 'T7:0', requestId: 'order-2', sku: 'SKU-00042', quantity: 2 },
      ],
    };
    model.handlePresentation(message(batched));
    expect(describePortStatus(model)).toBe('Pick 3 lines (6 units, 2 orders) from bin B00042');
    expect(model.confirmAll(NOW)).toEqual({
      taskId: 'T1',
      binId: 'B00042',
      lines: [
        { lineId: 'T1:0', quantity: 3 },
        { lineId: 'T1:1', quantity: 1 },
        { lineId: 'T7:0', quantity: 2 },
      ],
      timestamp: NOW,
    });
  });

  it('confirms a shortage with the count actually there per line, each from 0 to what the line asked', () => {
    const model = new PortScreenModel('demo', 'P1');
    const two: PortPresentation = { ...presentation, lines: [...presentation.lines, { lineId: 'T1:1', requestId: 'order-1', sku: 'SKU-00042', quantity: 2 }] };
    model.handlePresentation(message(two));
    expect(model.confirmShortage(['4', '2'], NOW)).toEqual({ ok: false, error: 'Line 1 (SKU-00042): enter a whole number from 0 to 3' });
    expect(model.confirmShortage(['-1', '2'], NOW)).toEqual({ ok: false, error: 'Line 1 (SKU-00042): enter a whole number from 0 to 3' });
    expect(model.confirmShortage(['1.5', '2'], NOW)).toEqual({ ok: false, error: 'Line 1 (SKU-00042): enter a whole number from 0 to 3' });
    expect(model.confirmShortage(['3', ''], NOW)).toEqual({ ok: false, error: 'Line 2 (SKU-00042): enter a whole number from 0 to 2' });
    expect(model.confirmShortage(['3'], NOW)).toEqual({ ok: false, error: 'Enter a count for each of the 2 lines' });
    expect(model.confirmShortage(['3', '2'], NOW)).toEqual({ ok: false, error: 'No line is short: use Confirm' });
    expect(model.canConfirm()).toBe(true);
    expect(model.confirmShortage([' 3 ', '0'], NOW)).toEqual({
      ok: true,
      confirm: { taskId: 'T1', binId: 'B00042', lines: [{ lineId: 'T1:0', quantity: 3 }, { lineId: 'T1:1', quantity: 0 }], timestamp: NOW },
    });
    expect(describePortStatus(model)).toBe('Shortage confirmed on 1 line: 3 of 5 picked; waiting for the next bin');
    expect(model.confirmShortage(['0', '0'], NOW)).toEqual({ ok: false, error: 'No bin waits for confirmation' });
  });

  it('counts bad presentations and those for another port, and keeps what it showed', () => {
    const model = new PortScreenModel('demo', 'P1');
    model.handlePresentation(message(presentation));
    expect(model.handlePresentation('{')).toBe(false);
    expect(model.handlePresentation(message({ ...presentation, lines: [{ ...presentation.lines[0]!, quantity: 0 }] }))).toBe(false);
    expect(model.handlePresentation(message(presentation, 'P2'))).toBe(false);
    expect(model.badMessages).toBe(3);
    expect(model.lastError).toBe('presentation for port P2, this screen is port P1');
    expect(model.presentation).toEqual(presentation);
    expect(model.handlePresentation('')).toBe(true); // a cleared retained message
    expect(model.presentation).toEqual(presentation);
  });

  it('asks for a blind count: no figure shown, every line counted, any whole number up to a bin\'s cap', () => {
    const model = new PortScreenModel('demo', 'P1');
    const count: PortPresentation = { taskId: 'T9', binId: 'B00007', mode: 'count', lines: [{ lineId: 'T9:0', requestId: 'count-1', sku: 'SKU-00007', quantity: 0 }], contents: [] };
    expect(model.handlePresentation(message(count))).toBe(true);
    expect(describePortStatus(model)).toBe('Count the units of SKU-00007 in bin B00007');
    expect(model.confirmAll(NOW)).toBeNull();
    expect(model.confirmShortage(['3'], NOW)).toMatchObject({ ok: false });
    expect(model.confirmCount([''], NOW)).toEqual({ ok: false, error: 'Line 1 (SKU-00007): enter the units counted, a whole number from 0 to 1000000' });
    expect(model.confirmCount(['-1'], NOW)).toMatchObject({ ok: false });
    expect(model.confirmCount(['1000001'], NOW)).toMatchObject({ ok: false });
    expect(model.confirmCount(['12'], NOW)).toEqual({ ok: true, confirm: { taskId: 'T9', binId: 'B00007', lines: [{ lineId: 'T9:0', quantity: 12 }], timestamp: NOW } });
    expect(describePortStatus(model)).toBe('Counted 12; waiting for the next bin');
    expect(model.confirmCount(['12'], NOW)).toEqual({ ok: false, error: 'No bin waits for confirmation' });
  });

  it('refuses a count presentation that shows a figure, and a pick line with none', () => {
    const model = new PortScreenModel('demo', 'P1');
    const count: PortPresentation = { taskId: 'T9', binId: 'B00007', mode: 'count', lines: [{ lineId: 'T9:0', requestId: 'count-1', sku: 'SKU-00007', quantity: 4 }], contents: [] };
    expect(model.handlePresentation(message(count))).toBe(false);
    expect(model.lastError).toMatch(/must be 0 on a count line/);
    expect(model.handlePresentation(message({ ...presentation, lines: [{ ...presentation.lines[0]!, quantity: 0 }] }))).toBe(false);
  });
});
