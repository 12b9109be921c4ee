import '../styles/port.css';
import { loadConfig } from '../config/console-config.ts';
import { BrokerConnection } from '../mqtt/broker-connection.ts';
import { h, setText } from '../panels/dom.ts';
import { portScreenAccess } from '../session/port-access.ts';
import { goToLogin, logOut, sessionWatch } from '../session/session-client.ts';
import { presentedUnits } from '../../../protocol/console/port-messages.ts';
import { describePortStatus, PortScreenModel } from '../view-model/port-screen-model.ts';

/**
 * A port screen (`port.html?port=P1`): the bin presented at the port, every line to pick from
 * it (or put into it) with its order, SKU and quantity, and the bin's contents. "Confirm"
 * confirms every line as asked; "Shortage" asks, line by line, how many were actually there,
 * and confirms those counts. A bin presented for a cycle count shows its SKUs without
 * quantities (a blind count): the person enters the units counted per line, then Confirm.
 * It needs the port's own screen login (the broker shows a port to no one else): without a
 * session it sends the browser to the login page; logged in as anyone else, it says so
 * (`port-access`) and subscribes to nothing.
 */

function main(): void {
  const root = document.getElementById('port')!;
  const portId = new URLSearchParams(window.location.search).get('port') ?? '';

  const status = h('span', { className: 'status', testId: 'connection-status', text: 'starting…' });
  const who = h('span', { className: 'session', testId: 'session-user' });
  const logout = h('button', { className: 'quiet', testId: 'logout', text: 'Log out', onClick: () => void logOut() });
  logout.hidden = true;
  const access = h('div', { className: 'port-access', testId: 'port-access' });
  access.hidden = true;
  const title = h('h1', { text: portId ? `Port ${portId}` : 'Port' });
  const message = h('div', { className: 'port-status', testId: 'port-status', text: 'Waiting for the controller' });
  const action = h('div', { className: 'action', testId: 'port-action' });
  const units = h('div', { className: 'quantity', testId: 'port-units' });
  const bin = h('span', { className: 'bin', testId: 'port-bin' });
  const lineRows = h('tbody', {});
  const linesTable = h(
    'table',
    { className: 'lines', testId: 'port-lines' },
    h('thead', {}, h('tr', {}, h('th', { text: 'Order' }), h('th', { text: 'SKU' }), h('th', { text: 'Units' }), h('th', { className: 'found', text: 'Found' }))),
    lineRows,
  );
  const contents = h('tbody', {});
  const contentsTable = h('table', { className: 'contents', testId: 'port-contents' }, h('thead', {}, h('tr', {}, h('th', { text: 'SKU' }), h('th', { text: 'Units in the bin' }))), contents);
  const confirm = h('button', { className: 'confirm', testId: 'port-confirm', text: 'Confirm' });
  const shortage = h('button', { className: 'shortage', testId: 'port-shortage', text: 'Shortage' });
  const shortageSend = h('button', { className: 'confirm', testId: 'port-shortage-send', text: 'Send shortage' });
  const shortageCancel = h('button', { className: 'quiet', testId: 'port-shortage-cancel', text: 'Cancel' });
  const shortageLabel = h('label', { text: 'Enter how many of each line were actually there, then send.' });
  const shortageForm = h('form', { className: 'shortage-form', testId: 'port-shortage-form' }, shortageLabel, shortageSend, shortageCancel);
  shortageForm.hidden = true;
  /** The "found" inputs of the lines shown, in order; rebuilt when another task is presented. */
  let foundInputs: HTMLInputElement[] = [];
  let linesShownFor: string | null = null;
  const error = h('div', { className: 'error', testId: 'port-error' });

  root.append(
    h('header', {}, title, h('span', { className: 'header-right' }, status, who, logout)),
    access,
    message,
    h('div', { className: 'card' }, h('div', { className: 'what' }, action, units), h('div', { className: 'which' }, h('div', { className: 'bin-line' }, 'Bin ', bin)), linesTable, contentsTable),
    h('div', { className: 'buttons' }, confirm, shortage),
    shortageForm,
    error,
  );

  if (!portId) {
    setText(message, 'No port given: open this page as port.html?port=<port id>');
    confirm.disabled = shortage.disabled = true;
    return;
  }

  let model: PortScreenModel | null = null;
  let connection: BrokerConnection | null = null;

  const showLines = (p: NonNullable<PortScreenModel['presentation']> | null) => {
    const key = p ? `${p.taskId}\u0000${p.binId}` : null;
    if (key === linesShownFor) return;
    linesShownFor = key;
    foundInputs = [];
    lineRows.replaceChildren(
      ...(p?.lines ?? []).map((line) => {
        // A count is blind: no quantity shown, the person enters what they counted.
        const counting = p!.mode === 'count';
        const found = h('input', { testId: 'port-line-found', attrs: { type: 'number', min: '0', ...(counting ? {} : { max: String(line.quantity) }), step: '1', inputmode: 'numeric', 'aria-label': `Units of ${line.sku} ${counting ? 'counted' : 'found'}` } });
        found.value = counting ? '' : String(line.quantity);
        foundInputs.push(found);
        return h('tr', { testId: 'port-line' }, h('td', { text: line.requestId }), h('td', { className: 'sku', text: line.sku }), h('td', { className: 'units', text: counting ? '' : String(line.quantity) }), h('td', { className: 'found' }, found));
      }),
    );
  };

  const render = () => {
    if (!model) return;
    const p = model.presentation;
    setText(message, describePortStatus(model));
    setText(bin, p?.binId ?? '');
    const counting = p?.mode === 'count';
    setText(units, p && !counting ? String(presentedUnits(p)) : '');
    setText(action, p ? (p.mode === 'pick' ? 'Pick' : p.mode === 'putaway' ? 'Put' : 'Count') : '');
    showLines(p);
    linesTable.hidden = !p;
    const wanted = new Set(p?.lines.map((line) => line.sku));
    contents.replaceChildren(...(p?.contents ?? []).map((line) => h('tr', { className: wanted.has(line.sku) ? 'wanted' : '' }, h('td', { text: line.sku }), h('td', { text: String(line.quantity) }))));
    contentsTable.hidden = !p;
    const can = model.canConfirm() && connection !== null && connection.connected;
    confirm.disabled = !can;
    shortage.disabled = !can;
    shortage.hidden = counting;
    if (!can || counting) shortageForm.hidden = true;
    document.body.classList.toggle('presented', p !== null);
    // The per-line inputs show while a shortage is entered, and always for a count.
    document.body.classList.toggle('counting', !shortageForm.hidden || (counting && can));
  };

  const send = (text: string): void => {
    if (model && connection) connection.publish(model.confirmTopic, text, { qos: 1 });
  };

  const offline = (): boolean => {
    if (connection?.connected) return false;
    setText(error, 'Not connected to the broker: nothing sent. Try again once connected.');
    return true;
  };

  confirm.addEventListener('click', () => {
    if (offline() || !model) return;
    if (model.presentation?.mode === 'count') {
      const result = model.confirmCount(
        foundInputs.map((input) => input.value),
        new Date().toISOString(),
      );
      if (!result.ok) return setText(error, result.error);
      send(JSON.stringify(result.confirm));
    } else {
      const c = model.confirmAll(new Date().toISOString());
      if (c) send(JSON.stringify(c));
    }
    setText(error, '');
    render();
  });
  shortage.addEventListener('click', () => {
    shortageForm.hidden = false;
    render();
    foundInputs[0]?.focus();
    foundInputs[0]?.select();
  });
  shortageCancel.addEventListener('click', (e) => {
    e.preventDefault();
    shortageForm.hidden = true;
    const p = model?.presentation;
    foundInputs.forEach((input, i) => (input.value = String(p?.lines[i]?.quantity ?? '')));
    render();
  });
  shortageForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!model || offline()) return;
    const result = model.confirmShortage(
      foundInputs.map((input) => input.value),
      new Date().toISOString(),
    );
    if (!result.ok) return setText(error, result.error);
    send(JSON.stringify(result.confirm));
    setText(error, '');
    shortageForm.hidden = true;
    render();
  });

  void loadConfig().then((config) => {
    if (config.ok ? !config.config.user : config.loginNeeded) return goToLogin();
    if (!config.ok) {
      setText(status, 'not started');
      setText(error, config.error);
      return;
    }
    const user = config.config.user!;
    setText(who, user.name);
    logout.hidden = false;
    const allowed = portScreenAccess(user, portId);
    if (!allowed.ok) {
      setText(status, 'not started');
      setText(access, allowed.message);
      access.hidden = false;
      if (allowed.ownPort !== null) {
        const own = allowed.ownPort;
        access.append(' ', h('a', { className: 'button-link', testId: 'port-own-screen', text: `Port ${own}'s screen`, attrs: { href: `port.html?port=${encodeURIComponent(own)}` } }));
      }
      setText(message, `Port ${portId} is not shown to ${user.name}`);
      confirm.disabled = shortage.disabled = true;
      return;
    }
    try {
      model = new PortScreenModel(config.config.site, portId);
    } catch (e) {
      setText(error, e instanceof Error ? e.message : String(e));
      return;
    }
    const screen = model;
    render();
    connection = new BrokerConnection({
      url: config.config.mqttUrl,
      clientIdPrefix: `gridline-port-${portId}`,
      onStatus: (s) => {
        setText(status, s === 'connected' ? 'connected' : s === 'connecting' ? 'connecting…' : s === 'reconnecting' ? 'reconnecting…' : 'offline');
        status.dataset['state'] = s;
        render();
      },
      onSubscribeError: (topic, reason) => setText(error, `Subscription to ${topic} failed: ${reason}`),
      onClose: sessionWatch(),
      onMessage: (topic, text) => {
        if (topic !== screen.presentationTopic) return;
        if (!screen.handlePresentation(text)) setText(error, `Bad presentation (${screen.badMessages}): ${screen.lastError}`);
        render();
      },
    });
    connection.subscribe(screen.presentationTopic);
  });
}

main();
