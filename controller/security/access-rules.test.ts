import { describe, expect, it } from 'vitest';
import { accessRules, CompiledRules, filterCovers } from './access-rules.ts';
import { makeIdentity, ROLES, type Role } from './identities.ts';

const context = { site: 'demo', interfaceName: 'uagv', manufacturer: 'gridline' };
const rulesOf = (name: string, role: Role, scope?: string) => new CompiledRules(accessRules(makeIdentity(name, role, scope), context));

describe('access rules', () => {
  it('a robot publishes only its own state, connection, factsheet and visualization, and reads only its own order and instant actions', () => {
    const r = rulesOf('R001', 'robot');
    expect(r.mayPublish('uagv/v2/gridline/R001/state', false)).toBe(true);
    expect(r.mayPublish('uagv/v2/gridline/R001/connection', true)).toBe(true);
    expect(r.mayPublish('uagv/v2/gridline/R001/factsheet', true)).toBe(true);
    expect(r.mayPublish('uagv/v2/gridline/R002/state', false)).toBe(false);
    expect(r.mayPublish('uagv/v2/gridline/R001/order', false)).toBe(false);
    expect(r.mayPublish('uagv/v2/gridline/R001/instantActions', false)).toBe(false);
    expect(r.mayPublish('uagv/v2/other/R001/state', false)).toBe(false);
    expect(r.maySubscribe('uagv/v2/gridline/R001/order')).toBe(true);
    expect(r.maySubscribe('uagv/v2/gridline/R001/instantActions')).toBe(true);
    expect(r.maySubscribe('uagv/v2/gridline/R001/+')).toBe(false);
    expect(r.maySubscribe('uagv/v2/gridline/+/order')).toBe(false);
    expect(r.maySubscribe('#')).toBe(false);
  });

  it('retained messages only where the topic map keeps them', () => {
    const robot = rulesOf('R001', 'robot');
    expect(robot.mayPublish('uagv/v2/gridline/R001/state', true)).toBe(false);
    const controller = rulesOf('controller', 'controller');
    expect(controller.mayPublish('gridline/v1/demo/port/P1/presentation', true)).toBe(true);
    expect(controller.mayPublish('gridline/v1/demo/console/state', true)).toBe(true);
    expect(controller.mayPublish('uagv/v2/gridline/R001/order', true)).toBe(false);
    expect(controller.mayPublish('gridline/v1/demo/wms/a/event', true)).toBe(false);
  });

  it('only the controller publishes orders and instant actions, and it cannot speak for a robot', () => {
    const controller = rulesOf('controller', 'controller');
    expect(controller.mayPublish('uagv/v2/gridline/R007/order', false)).toBe(true);
    expect(controller.mayPublish('uagv/v2/gridline/R007/instantActions', false)).toBe(true);
    expect(controller.mayPublish('uagv/v2/gridline/R007/state', false)).toBe(false);
    expect(controller.mayPublish('uagv/v2/gridline/R007/connection', true)).toBe(false);
    expect(controller.maySubscribe('uagv/v2/gridline/+/state')).toBe(true);
    expect(controller.maySubscribe('gridline/v1/demo/wms/+/request')).toBe(true);
    expect(controller.maySubscribe('gridline/v1/demo/port/+/confirm')).toBe(true);
    for (const role of ROLES.filter((r) => r !== 'controller')) {
      const r = rulesOf('x', role, role === 'robot' || role === 'wms' || role === 'port' ? 'x' : undefined);
      expect(r.mayPublish('uagv/v2/gridline/x/order', false), role).toBe(false);
      expect(r.mayPublish('uagv/v2/gridline/x/instantActions', false), role).toBe(false);
    }
  });

  it('a WMS client uses only wms/{its client id}/…', () => {
    const a = rulesOf('wms-a', 'wms');
    expect(a.mayPublish('gridline/v1/demo/wms/wms-a/request', false)).toBe(true);
    expect(a.mayPublish('gridline/v1/demo/wms/wms-b/request', false)).toBe(false);
    expect(a.mayPublish('gridline/v1/demo/wms/wms-a/reply', false)).toBe(false);
    expect(a.mayPublish('gridline/v1/demo/wms/wms-a/event', false)).toBe(false);
    expect(a.maySubscribe('gridline/v1/demo/wms/wms-a/reply')).toBe(true);
    expect(a.maySubscribe('gridline/v1/demo/wms/wms-a/event')).toBe(true);
    expect(a.maySubscribe('gridline/v1/demo/wms/wms-b/reply')).toBe(false);
    expect(a.maySubscribe('gridline/v1/demo/wms/+/reply')).toBe(false);
    expect(a.maySubscribe('gridline/v1/demo/wms/wms-a/#')).toBe(false);
    expect(a.maySubscribe('gridline/v1/other/wms/wms-a/reply')).toBe(false);
  });

  it('a port screen only its port', () => {
    const p = rulesOf('port-P1', 'port', 'P1');
    expect(p.mayPublish('gridline/v1/demo/port/P1/confirm', false)).toBe(true);
    expect(p.mayPublish('gridline/v1/demo/port/P2/confirm', false)).toBe(false);
    expect(p.mayPublish('gridline/v1/demo/port/P1/presentation', true)).toBe(false);
    expect(p.maySubscribe('gridline/v1/demo/port/P1/presentation')).toBe(true);
    expect(p.maySubscribe('gridline/v1/demo/port/+/presentation')).toBe(false);
  });

  it('a monitor reads everything of its site and fleet and sends nothing', () => {
    const m = rulesOf('mon', 'monitor');
    expect(m.maySubscribe('gridline/v1/demo/#')).toBe(true);
    expect(m.maySubscribe('uagv/v2/gridline/#')).toBe(true);
    expect(m.maySubscribe('#')).toBe(false);
    expect(m.maySubscribe('$SYS/#')).toBe(false);
    expect(m.mayPublish('gridline/v1/demo/console/state', false)).toBe(false);
  });
});

describe('remembered decisions', () => {
  it('decide each topic the same however often asked, retained apart from not, also once the memory is cleared', () => {
    const robot = rulesOf('R001', 'robot');
    for (let round = 0; round < 3; round++) {
      expect(robot.mayPublish('uagv/v2/gridline/R001/state', false)).toBe(true);
      expect(robot.mayPublish('uagv/v2/gridline/R001/state', true)).toBe(false);
      expect(robot.mayRead('uagv/v2/gridline/R001/order')).toBe(true);
      expect(robot.mayPublish('uagv/v2/gridline/R001/order', false)).toBe(false);
      expect(robot.mayRead('uagv/v2/gridline/R002/order')).toBe(false);
      // Many other topics fill the memory and clear it.
      for (let i = 0; i < 1500; i++) expect(robot.mayPublish(`uagv/v2/gridline/R${i}/state`, false)).toBe(false);
    }
  });
});

describe('filterCovers', () => {
  const covers = (outer: string, inner: string) => filterCovers(outer.split('/'), inner.split('/'));
  it('is true only when every topic of the inner filter matches the outer', () => {
    expect(covers('a/+/c', 'a/b/c')).toBe(true);
    expect(covers('a/+/c', 'a/+/c')).toBe(true);
    expect(covers('a/b/c', 'a/+/c')).toBe(false);
    expect(covers('a/#', 'a/b/#')).toBe(true);
    expect(covers('a/#', 'a')).toBe(true);
    expect(covers('a/+', 'a/#')).toBe(false);
    expect(covers('a/+/c', 'a/b/c/d')).toBe(false);
    expect(covers('a/b', 'a')).toBe(false);
  });
});
