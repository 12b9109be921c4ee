import { BoxGeometry, EdgesGeometry, LineBasicMaterial, LineSegments, type Object3D } from 'three';
import { PALETTE } from './palette.ts';
import type { SceneDimensions } from './scene-dimensions.ts';

/**
 * An outline box around the selected column or port (the whole shaft) or robot (following it
 * as it moves). Moved in place every frame; creates nothing after construction.
 */
export class SelectionMarker {
  private readonly lines: LineSegments;

  constructor(parent: Object3D) {
    this.lines = new LineSegments(new EdgesGeometry(new BoxGeometry(1, 1, 1)), new LineBasicMaterial({ color: PALETTE.selection }));
    this.lines.visible = false;
    this.lines.frustumCulled = false;
    this.lines.name = 'selection';
    parent.add(this.lines);
  }

  hide(): void {
    this.lines.visible = false;
  }

  /** Around the shaft of cell (x, y): floor to rails. */
  showColumn(dims: SceneDimensions, x: number, y: number): void {
    this.lines.visible = true;
    this.lines.position.set(x * dims.cellX, dims.top / 2, y * dims.cellY);
    this.lines.scale.set(dims.cellX * 0.98, dims.top + 0.02, dims.cellY * 0.98);
  }

  /** Around a robot standing at (xM, zM) scene metres. */
  showRobot(dims: SceneDimensions, xM: number, zM: number): void {
    const h = dims.robotCavityH + dims.robotRoofH;
    this.lines.visible = true;
    this.lines.position.set(xM, dims.top + h / 2, zM);
    this.lines.scale.set(dims.cellX * 1.05, h * 1.1, dims.cellY * 1.05);
  }
}
