import { BoxGeometry, InstancedBufferAttribute, InstancedMesh, MeshLambertMaterial, type BufferGeometry, type Object3D } from 'three';
import { mergeGeometries } from 'three/examples/jsm/utils/BufferGeometryUtils.js';
import type { ConsoleViewModel } from '../view-model/console-view-model.ts';
import type { MutablePoint } from '../view-model/robot-motion.ts';
import { writeColor, writeHidden, writeTranslateScale } from './instance-writes.ts';
import { PALETTE } from './palette.ts';
import type { SceneDimensions } from './scene-dimensions.ts';

/** How fast a gripper goes down and up, m/s. */
const GRIPPER_SPEED_MPS = 2.5;
/** Error highlight pulse, radians per ms (about one pulse a second). */
const ERROR_PULSE_RAD_PER_MS = 0.0063;

/**
 * The robots: three InstancedMeshes (bodies, grippers, carried bins), one instance each per
 * robot at the robot's scene index. `update` runs every frame: it moves each robot to its
 * interpolated position, lowers or raises its gripper (down into the column under it while a
 * pick or drop runs), hangs the carried bin under the gripper, and colours the body (error or
 * held in alarm pulsing red, even when selected; else selected white, offline grey, paused amber). It writes straight into the
 * preallocated instance arrays and allocates nothing; the arrays grow only when a robot is
 * seen for the first time.
 */
export class RobotsLayer {
  body: InstancedMesh | null = null;
  private gripper: InstancedMesh | null = null;
  private carried: InstancedMesh | null = null;
  private readonly bodyMaterial = new MeshLambertMaterial({ color: 0xffffff });
  private readonly gripperMaterial = new MeshLambertMaterial({ color: PALETTE.gripper });
  private readonly carriedMaterial = new MeshLambertMaterial({ color: PALETTE.carriedBin });
  private capacity = 0;
  /** Gripper drop below its rest height, metres, per robot. */
  private drop = new Float32Array(0);
  private dims: SceneDimensions | null = null;
  private readonly point: MutablePoint = { x: 0, y: 0 };
  private lastNowMs = -1;

  constructor(private readonly parent: Object3D) {}

  setDimensions(dims: SceneDimensions): void {
    this.dims = dims;
    this.createMeshes(dims, Math.max(this.capacity, 64));
  }

  /** Draws every robot of the view model as it stands at `nowMs`. `selectedIndex` is the selected robot's index, or -1. */
  update(vm: ConsoleViewModel, nowMs: number, selectedIndex: number): void {
    const dims = this.dims;
    if (!dims || !this.body || !this.gripper || !this.carried) return;
    const robots = vm.robots;
    const n = robots.length;
    if (n > this.capacity) this.createMeshes(dims, Math.max(n, this.capacity * 2));
    const dtS = this.lastNowMs < 0 ? 0 : Math.min(0.25, Math.max(0, (nowMs - this.lastNowMs) / 1000));
    this.lastNowMs = nowMs;

    const bodyM = this.body.instanceMatrix.array as Float32Array;
    const bodyC = this.body.instanceColor!.array as Float32Array;
    const gripM = this.gripper.instanceMatrix.array as Float32Array;
    const loadM = this.carried.instanceMatrix.array as Float32Array;
    const heights = vm.heights;
    const p = this.point;
    const pulse = 0.5 + 0.5 * Math.sin(nowMs * ERROR_PULSE_RAD_PER_MS);
    const maxStep = GRIPPER_SPEED_MPS * dtS;

    for (let i = 0; i < n; i++) {
      const robot = robots[i]!;
      let placed = vm.robotPositionAt(i, nowMs, p);
      if (!placed) {
        // No report yet: stand it on the cell the controller holds for it (its own cell first).
        const own = robot.controller?.reservedCells[0];
        if (own) {
          p.x = own[0] * dims.cellX;
          p.y = own[1] * dims.cellY;
          placed = true;
        }
      }
      if (!placed) {
        writeHidden(bodyM, i);
        writeHidden(gripM, i);
        writeHidden(loadM, i);
        continue;
      }
      const x = p.x;
      const z = p.y;

      // Gripper: down to the top of the stack under the robot while a pick or drop runs.
      let target = 0;
      if (robot.lifting) {
        const cx = Math.round(x / dims.cellX);
        const cy = Math.round(z / dims.cellY);
        const inside = cx >= 0 && cy >= 0 && cx < dims.columnsX && cy < dims.columnsY;
        const stackTop = (inside && heights ? heights[cy * dims.columnsX + cx]! : 0) * dims.binHeight - dims.top;
        const gripperY = stackTop + dims.gripperH / 2 + (robot.carrying !== null ? dims.binH : 0);
        target = dims.gripperRestY - gripperY;
        if (target < 0) target = 0;
      }
      let drop = this.drop[i]!;
      const diff = target - drop;
      drop += diff > maxStep ? maxStep : diff < -maxStep ? -maxStep : diff;
      this.drop[i] = drop;
      const gripperY = dims.top + dims.gripperRestY - drop;

      writeTranslateScale(bodyM, i, x, dims.top, z, 1, 1, 1);
      writeTranslateScale(gripM, i, x, gripperY, z, 1, 1, 1);
      if (robot.carrying !== null) writeTranslateScale(loadM, i, x, gripperY - dims.gripperH / 2 - dims.binH / 2, z, 1, 1, 1);
      else writeHidden(loadM, i);

      // An error or a hold in alarm shows even on the selected robot (the selection outline marks it anyway).
      if (robot.error || robot.held) {
        const a = PALETTE.robot.error;
        const b = PALETTE.robot.errorPulse;
        writeColor(bodyC, i, b.r + (a.r - b.r) * pulse, b.g + (a.g - b.g) * pulse, b.b + (a.b - b.b) * pulse);
      } else if (i === selectedIndex) writeColor(bodyC, i, PALETTE.robot.selected.r, PALETTE.robot.selected.g, PALETTE.robot.selected.b);
      else {
        const c = robot.offline ? PALETTE.robot.offline : robot.paused ? PALETTE.robot.paused : PALETTE.robot.normal;
        writeColor(bodyC, i, c.r, c.g, c.b);
      }
    }
    this.body.count = n;
    this.gripper.count = n;
    this.carried.count = n;
    this.body.instanceMatrix.needsUpdate = true;
    this.body.instanceColor!.needsUpdate = true;
    this.gripper.instanceMatrix.needsUpdate = true;
    this.carried.instanceMatrix.needsUpdate = true;
  }

  /** Robots drawn now. */
  get count(): number {
    return this.body?.count ?? 0;
  }

  private createMeshes(dims: SceneDimensions, capacity: number): void {
    const old = [this.body, this.gripper, this.carried];
    for (const mesh of old) {
      if (!mesh) continue;
      this.parent.remove(mesh);
      mesh.geometry.dispose();
      mesh.dispose();
    }
    const drop = new Float32Array(capacity);
    drop.set(this.drop.subarray(0, Math.min(this.drop.length, capacity)));
    this.drop = drop;
    this.capacity = capacity;

    this.body = this.makeMesh(robotBodyGeometry(dims), this.bodyMaterial, capacity, 'robots');
    this.body.instanceColor = new InstancedBufferAttribute(new Float32Array(capacity * 3), 3);
    this.gripper = this.makeMesh(new BoxGeometry(dims.binW * 1.02, dims.gripperH, dims.binD * 1.02), this.gripperMaterial, capacity, 'grippers');
    this.carried = this.makeMesh(new BoxGeometry(dims.binW, dims.binH, dims.binD), this.carriedMaterial, capacity, 'carried bins');
  }

  private makeMesh(geometry: BufferGeometry, material: MeshLambertMaterial, capacity: number, name: string): InstancedMesh {
    const mesh = new InstancedMesh(geometry, material, capacity);
    mesh.count = 0;
    // Instances move every frame: culling by a stale bounding sphere would hide robots.
    mesh.frustumCulled = false;
    mesh.name = name;
    this.parent.add(mesh);
    return mesh;
  }
}

/**
 * A robot's body in its own frame (origin on the rails at its cell's centre): a roof box over
 * an open cavity with four corner posts, so the bin it carries shows between them.
 */
function robotBodyGeometry(dims: SceneDimensions): BufferGeometry {
  const post = Math.min(dims.cellX, dims.cellY) * 0.08;
  const roof = new BoxGeometry(dims.robotW, dims.robotRoofH, dims.robotD).translate(0, dims.robotCavityH + dims.robotRoofH / 2, 0);
  const parts: BufferGeometry[] = [roof];
  for (const sx of [-1, 1]) {
    for (const sz of [-1, 1]) {
      parts.push(new BoxGeometry(post, dims.robotCavityH, post).translate((sx * (dims.robotW - post)) / 2, dims.robotCavityH / 2, (sz * (dims.robotD - post)) / 2));
    }
  }
  const merged = mergeGeometries(parts);
  for (const part of parts) part.dispose();
  if (!merged) throw new Error('robot body geometry: parts could not be merged');
  return merged;
}
