import { BoxGeometry, InstancedBufferAttribute, InstancedMesh, MeshLambertMaterial, type Object3D } from 'three';
import type { PortView } from '../view-model/console-view-model.ts';
import { writeColor, writeTranslateScale } from './instance-writes.ts';
import { PALETTE } from './palette.ts';
import type { SceneDimensions } from './scene-dimensions.ts';

/** Queued bins drawn per port at most (the port's shaft is `depth` bins high). */
const MAX_DRAWN_QUEUE = 12;

/**
 * Each port's queue, drawn in the port's shaft: the presented bin at the bottom where the
 * person picks (green; grey while the port is closed), the bins on their way stacked above it,
 * smaller and amber. One InstancedMesh; rebuilt when the controller's state changes.
 */
export class PortsLayer {
  private mesh: InstancedMesh | null = null;
  private readonly material = new MeshLambertMaterial({ color: 0xffffff });
  private capacity = 0;
  private dims: SceneDimensions | null = null;

  constructor(private readonly parent: Object3D) {}

  rebuild(dims: SceneDimensions, ports: readonly PortView[]): void {
    const perPort = Math.min(MAX_DRAWN_QUEUE, dims.depth);
    let total = 0;
    for (const port of ports) if (port.cell) total += Math.min(perPort, port.queue.length);
    if (!this.mesh || dims !== this.dims || total > this.capacity) this.createMesh(dims, Math.max(16, total * 2));
    const mesh = this.mesh!;
    const m = mesh.instanceMatrix.array as Float32Array;
    const c = mesh.instanceColor!.array as Float32Array;
    let n = 0;
    for (const port of ports) {
      if (!port.cell) continue;
      const x = port.cell.x * dims.cellX;
      const z = port.cell.y * dims.cellY;
      const shown = Math.min(perPort, port.queue.length);
      for (let k = 0; k < shown; k++) {
        const presented = k === 0 && port.presented !== null && port.queue[0] === port.presented;
        const scale = presented ? 1 : 0.7;
        writeTranslateScale(m, n, x, (k + 0.5) * dims.binHeight, z, scale, scale, scale);
        const color = !port.open ? PALETTE.port.closed : presented ? PALETTE.port.presented : PALETTE.port.queued;
        writeColor(c, n, color.r, color.g, color.b);
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
    const mesh = new InstancedMesh(new BoxGeometry(dims.binW, dims.binH, dims.binD), this.material, capacity);
    mesh.instanceColor = new InstancedBufferAttribute(new Float32Array(capacity * 3), 3);
    mesh.count = 0;
    mesh.frustumCulled = false;
    mesh.name = 'port queues';
    this.mesh = mesh;
    this.capacity = capacity;
    this.dims = dims;
    this.parent.add(mesh);
  }
}
