import { Color, InstancedBufferAttribute, InstancedMesh, MeshBasicMaterial, PlaneGeometry, type Object3D } from 'three';
import type { RobotView } from '../view-model/console-view-model.ts';
import { writeColor, writeTranslateScale } from './instance-writes.ts';
import type { SceneDimensions } from './scene-dimensions.ts';

/**
 * The cells the controller holds reserved for each robot: flat translucent tiles just above
 * the rails, one instance per reserved cell, in a colour of the robot's own. Rebuilt when the
 * controller's state changes.
 */
export class ReservationsLayer {
  private mesh: InstancedMesh | null = null;
  private readonly material = new MeshBasicMaterial({ color: 0xffffff, transparent: true, opacity: 0.35, depthWrite: false });
  private capacity = 0;
  private dims: SceneDimensions | null = null;
  private readonly color = new Color();

  constructor(private readonly parent: Object3D) {}

  get count(): number {
    return this.mesh?.count ?? 0;
  }

  rebuild(dims: SceneDimensions, robots: readonly RobotView[]): void {
    let total = 0;
    for (const robot of robots) total += robot.controller?.reservedCells.length ?? 0;
    if (!this.mesh || dims !== this.dims || total > this.capacity) this.createMesh(dims, Math.max(64, total * 2));
    const mesh = this.mesh!;
    const m = mesh.instanceMatrix.array as Float32Array;
    const c = mesh.instanceColor!.array as Float32Array;
    let n = 0;
    for (const robot of robots) {
      const cells = robot.controller?.reservedCells;
      if (!cells || cells.length === 0) continue;
      this.color.setHSL((robot.index * 0.618034) % 1, 0.75, 0.55);
      for (const [x, y] of cells) {
        writeTranslateScale(m, n, x * dims.cellX, dims.top + 0.01, y * dims.cellY, 1, 1, 1);
        writeColor(c, n, this.color.r, this.color.g, this.color.b);
        n++;
      }
    }
    mesh.count = n;
    mesh.visible = n > 0;
    mesh.instanceMatrix.needsUpdate = true;
    mesh.instanceColor!.needsUpdate = true;
  }

  private createMesh(dims: SceneDimensions, capacity: number): void {
    if (this.mesh) {
      this.parent.remove(this.mesh);
      this.mesh.geometry.dispose();
      this.mesh.dispose();
    }
    const mesh = new InstancedMesh(new PlaneGeometry(dims.cellX * 0.9, dims.cellY * 0.9).rotateX(-Math.PI / 2), this.material, capacity);
    mesh.instanceColor = new InstancedBufferAttribute(new Float32Array(capacity * 3), 3);
    mesh.count = 0;
    mesh.frustumCulled = false;
    mesh.renderOrder = 2;
    mesh.name = 'reserved cells';
    this.mesh = mesh;
    this.capacity = capacity;
    this.dims = dims;
    this.parent.add(mesh);
  }
}
