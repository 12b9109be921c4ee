import { describe, expect, it } from 'vitest';
import { InstancedMesh, Scene } from 'three';
import { syntheticConsoleRobot, syntheticConsoleState, syntheticLayout, syntheticRobotState, syntheticRobotStateTopic, syntheticStacks } from '../bench/synthetic-messages.ts';
import { ConsoleViewModel } from '../view-model/console-view-model.ts';
import { BinsLayer } from './bins-layer.ts';
import { PALETTE } from './palette.ts';
import { RobotsLayer } from './robots-layer.ts';
import { sceneDimensions } from './scene-dimensions.ts';

// 3 × 2 grid, 5 deep, bins 0.33 m: rails at 1.65 m. Heights row-major: (0,0)=3 (1,0)=0 (2,0)=5 (0,1)=1 (1,1)=2 (2,1)=0
const layout = syntheticLayout({ site: 'demo', columnsX: 3, columnsY: 2, depth: 5, robots: ['R1', 'R2', 'R3'] });
const heights = Uint8Array.from([3, 0, 5, 1, 2, 0]);
const dims = sceneDimensions(layout);

function model(): ConsoleViewModel {
  const vm = new ConsoleViewModel({ site: 'demo', user: 'ann', commandIdPrefix: 't' });
  vm.handleMessage(vm.topics.layout, JSON.stringify(layout), 0);
  vm.handleMessage(vm.topics.stacks, JSON.stringify(syntheticStacks('demo', heights)), 0);
  return vm;
}

function report(vm: ConsoleViewModel, nowMs: number, options: Parameters<typeof syntheticRobotState>[0]): void {
  expect(vm.handleMessage(syntheticRobotStateTopic(options.serial), JSON.stringify(syntheticRobotState(options)), nowMs).ok).toBe(true);
}

function translation(mesh: InstancedMesh, i: number): number[] {
  const a = mesh.instanceMatrix.array;
  return [a[i * 16 + 12]!, a[i * 16 + 13]!, a[i * 16 + 14]!].map((v) => Math.round(v * 1000) / 1000);
}

function scaleX(mesh: InstancedMesh, i: number): number {
  return mesh.instanceMatrix.array[i * 16]!;
}

function color(mesh: InstancedMesh, i: number): number[] {
  return Array.from(mesh.instanceColor!.array.slice(i * 3, i * 3 + 3));
}

describe('robots layer', () => {
  function setup() {
    const vm = model();
    const scene = new Scene();
    const layer = new RobotsLayer(scene);
    layer.setDimensions(dims);
    // Looked up each time: the layer builds bigger meshes when robots outgrow them.
    const mesh = (name: string) => scene.getObjectByName(name) as InstancedMesh;
    return { vm, layer, body: () => mesh('robots'), gripper: () => mesh('grippers'), carried: () => mesh('carried bins') };
  }

  it('stands each robot on the rails at its interpolated position, one instance per robot', () => {
    const { vm, layer, body } = setup();
    report(vm, 1000, { serial: 'R1', headerId: 1, xM: 0.7, yM: 0.5 });
    layer.update(vm, 1000, -1);
    expect(body().count).toBe(3);
    expect(translation(body(), 0)).toEqual([0.7, 1.65, 0.5]);
    report(vm, 1500, { serial: 'R1', headerId: 2, xM: 1.4, yM: 0.5 });
    layer.update(vm, 1750, -1);
    expect(translation(body(), 0)).toEqual([1.05, 1.65, 0.5]);
    layer.update(vm, 2000, -1);
    expect(translation(body(), 0)).toEqual([1.4, 1.65, 0.5]);
  });

  it("stands a robot with no report yet on its controller cell, and hides one known nowhere", () => {
    const { vm, layer, body } = setup();
    vm.handleMessage(vm.topics.state, JSON.stringify(syntheticConsoleState('demo', [syntheticConsoleRobot('R2', { reservedCells: [[2, 1], [2, 0]] })])), 0);
    layer.update(vm, 0, -1);
    expect(translation(body(), vm.robot('R2')!.index)).toEqual([1.4, 1.65, 0.5]);
    expect(scaleX(body(), vm.robot('R3')!.index)).toBe(0);
  });

  it('lowers the gripper onto the stack under the robot while a pick runs, and raises it with the bin after', () => {
    const { vm, layer, gripper, carried } = setup();
    report(vm, 0, { serial: 'R1', headerId: 1, xM: 0, yM: 0, lifting: 'pick' }); // column (0,0) holds 3 bins
    const i = vm.robot('R1')!.index;
    const restY = dims.top + dims.gripperRestY;
    layer.update(vm, 0, -1);
    expect(translation(gripper(), i)[1]).toBeCloseTo(restY, 3);
    layer.update(vm, 100, -1); // 0.1 s at 2.5 m/s: 0.25 m down
    expect(translation(gripper(), i)[1]).toBeCloseTo(restY - 0.25, 3);
    for (let t = 200; t <= 2000; t += 100) layer.update(vm, t, -1);
    expect(translation(gripper(), i)[1]).toBeCloseTo(3 * 0.33 + dims.gripperH / 2, 3); // resting on the top bin
    expect(scaleX(carried(), i)).toBe(0); // nothing carried yet

    report(vm, 2000, { serial: 'R1', headerId: 2, xM: 0, yM: 0, carrying: 'B7' }); // pick done: carrying, gripper up
    for (let t = 2100; t <= 4000; t += 100) layer.update(vm, t, -1);
    const g = translation(gripper(), i)[1]!;
    expect(g).toBeCloseTo(restY, 3);
    expect(scaleX(carried(), i)).toBe(1);
    expect(translation(carried(), i)[1]).toBeCloseTo(g - dims.gripperH / 2 - dims.binH / 2, 3);
    expect(translation(carried(), i)[1]! - dims.binH / 2).toBeGreaterThan(dims.top); // inside the robot, above the rails
  });

  it('colours robots by state: error red (even when selected), paused amber, selected white', () => {
    const { vm, layer, body } = setup();
    report(vm, 0, { serial: 'R1', headerId: 1, xM: 0, yM: 0, fatalError: true });
    report(vm, 0, { serial: 'R2', headerId: 1, xM: 0.7, yM: 0, paused: true });
    report(vm, 0, { serial: 'R3', headerId: 1, xM: 1.4, yM: 0 });
    const [r1, r2, r3] = ['R1', 'R2', 'R3'].map((s) => vm.robot(s)!.index) as [number, number, number];
    layer.update(vm, 0, r1);
    const red = color(body(), r1);
    expect(red[0]).toBeGreaterThan(red[1]! * 5);
    const amber = PALETTE.robot.paused;
    expect(color(body(), r2)).toEqual([amber.r, amber.g, amber.b].map(Math.fround));
    layer.update(vm, 0, r3);
    const white = PALETTE.robot.selected;
    expect(color(body(), r3)).toEqual([white.r, white.g, white.b].map(Math.fround));
  });

  it('colours a robot the controller holds in alarm like one in error', () => {
    const { vm, layer, body } = setup();
    report(vm, 0, { serial: 'R1', headerId: 1, xM: 0, yM: 0 });
    vm.handleMessage(vm.topics.state, JSON.stringify(syntheticConsoleState('demo', [syntheticConsoleRobot('R1', { hold: 'load B9 where B7 was expected' })])), 0);
    const i = vm.robot('R1')!.index;
    layer.update(vm, 0, i);
    const red = color(body(), i);
    expect(red[0]).toBeGreaterThan(red[1]! * 5);
  });
});

describe('bins layer', () => {
  it('draws every bin as an instance of one mesh and tints the selected column', () => {
    const scene = new Scene();
    const bins = new BinsLayer(scene);
    bins.rebuild(dims, heights);
    expect(bins.count).toBe(11);
    expect(scene.children.filter((c) => c instanceof InstancedMesh)).toHaveLength(1);
    const mesh = bins.mesh!;
    const before = color(mesh, 3); // first bin of column (2,0): instances 3..7
    bins.highlightColumn(2);
    const sel = PALETTE.bin.selected;
    for (let i = 3; i < 8; i++) expect(color(mesh, i)).toEqual([sel.r, sel.g, sel.b].map(Math.fround));
    expect(color(mesh, 2)).not.toEqual([sel.r, sel.g, sel.b].map(Math.fround));
    bins.highlightColumn(-1);
    expect(color(mesh, 3)).toEqual(before);

    bins.rebuild(dims, new Uint8Array(6).fill(5)); // more bins than room: a bigger mesh, still one
    expect(bins.count).toBe(30);
    expect(scene.children.filter((c) => c instanceof InstancedMesh)).toHaveLength(1);
    bins.rebuild(dims, null);
    expect(bins.count).toBe(0);
  });
});
