import {
  BoxGeometry,
  BufferGeometry,
  Float32BufferAttribute,
  InstancedBufferAttribute,
  InstancedMesh,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshBasicMaterial,
  MeshLambertMaterial,
  PlaneGeometry,
  type Color,
  type Object3D,
} from 'three';
import type { ConsoleLayout } from '../../../protocol/console/console-messages.ts';
import type { PortView } from '../view-model/console-view-model.ts';
import { cellKey, cellKindAt } from '../view-model/grid-geometry.ts';
import { writeColor, writeTranslateScale } from './instance-writes.ts';
import { PALETTE } from './palette.ts';
import type { SceneDimensions } from './scene-dimensions.ts';

/**
 * The grid itself: a floor, the rails on top (one line-segments draw), a translucent tile on
 * every cell that is not plain storage, coloured by kind (ports by mode and whether open,
 * chargers, blocked, service) and on every cell an operator blocked, and a marker on each
 * charger. Rebuilt when the layout, or what the tiles show, changes; never per frame.
 */
export class GroundLayer {
  private floor: Mesh | null = null;
  private rails: LineSegments | null = null;
  private tiles: InstancedMesh | null = null;
  private chargers: InstancedMesh | null = null;
  private readonly tileMaterial = new MeshBasicMaterial({ color: 0xffffff, transparent: true, opacity: 0.55, depthWrite: false });
  private readonly chargerMaterial = new MeshLambertMaterial({ color: PALETTE.chargerMarker });
  private tileSignature = '';
  private tileDims: SceneDimensions | null = null;

  constructor(private readonly parent: Object3D) {}

  /** The floor, rails and charger markers of a layout. */
  setLayout(dims: SceneDimensions, layout: ConsoleLayout): void {
    this.clear();
    const width = dims.maxX - dims.minX;
    const length = dims.maxZ - dims.minZ;

    const floor = new Mesh(new PlaneGeometry(width + 2 * dims.cellX, length + 2 * dims.cellY).rotateX(-Math.PI / 2), new MeshLambertMaterial({ color: PALETTE.floor }));
    floor.position.set((dims.minX + dims.maxX) / 2, -0.002, (dims.minZ + dims.maxZ) / 2);
    floor.name = 'floor';
    this.floor = this.add(floor);

    this.rails = this.add(railLines(dims));

    if (layout.chargers.length > 0) {
      const size = Math.min(dims.cellX, dims.cellY) * 0.35;
      const chargers = new InstancedMesh(new BoxGeometry(size, 0.06, size), this.chargerMaterial, layout.chargers.length);
      const m = chargers.instanceMatrix.array as Float32Array;
      layout.chargers.forEach((charger, i) => writeTranslateScale(m, i, charger.x * dims.cellX, dims.top + 0.03, charger.y * dims.cellY, 1, 1, 1));
      chargers.frustumCulled = false;
      chargers.name = 'chargers';
      this.chargers = this.add(chargers);
    }
  }

  /**
   * The cell tiles: every cell that is not plain storage, coloured by kind (a port by its mode
   * and whether it is open), and every cell an operator blocked. Rebuilt only when what they
   * show changed.
   */
  updateTiles(dims: SceneDimensions, layout: ConsoleLayout, ports: readonly PortView[], blockedCells: ReadonlySet<string>): void {
    const signature = `${ports.map((p) => `${p.id}:${p.mode}:${p.open}`).join(',')}|${[...blockedCells].sort().join(';')}`;
    if (this.tiles && signature === this.tileSignature && dims === this.tileDims) return;
    this.tileSignature = signature;
    this.tileDims = dims;
    this.removeTiles();
    const portByCell = new Map(ports.filter((p) => p.cell).map((p) => [cellKey(p.cell!.x, p.cell!.y), p]));
    const tileCells: { x: number; y: number; color: Color }[] = [];
    for (let y = 0; y < dims.columnsY; y++) {
      for (let x = 0; x < dims.columnsX; x++) {
        const key = cellKey(x, y);
        const color = blockedCells.has(key) ? PALETTE.cell.operatorBlocked : kindColor(cellKindAt(layout, x, y), portByCell.get(key));
        if (color) tileCells.push({ x, y, color });
      }
    }
    if (tileCells.length === 0) return;
    const tiles = new InstancedMesh(new PlaneGeometry(dims.cellX * 0.94, dims.cellY * 0.94).rotateX(-Math.PI / 2), this.tileMaterial, tileCells.length);
    tiles.instanceColor = new InstancedBufferAttribute(new Float32Array(tileCells.length * 3), 3);
    const m = tiles.instanceMatrix.array as Float32Array;
    const c = tiles.instanceColor.array as Float32Array;
    tileCells.forEach((cell, i) => {
      writeTranslateScale(m, i, cell.x * dims.cellX, dims.top + 0.004, cell.y * dims.cellY, 1, 1, 1);
      writeColor(c, i, cell.color.r, cell.color.g, cell.color.b);
    });
    tiles.frustumCulled = false;
    tiles.renderOrder = 1;
    tiles.name = 'cell tiles';
    this.tiles = this.add(tiles);
  }

  private add<T extends Object3D>(object: T): T {
    this.parent.add(object);
    return object;
  }

  private removeTiles(): void {
    if (!this.tiles) return;
    this.parent.remove(this.tiles);
    this.tiles.geometry.dispose();
    this.tiles.dispose();
    this.tiles = null;
  }

  private clear(): void {
    this.removeTiles();
    for (const object of [this.floor, this.rails, this.chargers]) {
      if (!object) continue;
      this.parent.remove(object);
      (object as Mesh).geometry.dispose();
      if (object instanceof InstancedMesh) object.dispose();
    }
    const floorMaterial = this.floor?.material;
    if (floorMaterial && !Array.isArray(floorMaterial)) floorMaterial.dispose();
    const railMaterial = this.rails?.material;
    if (railMaterial && !Array.isArray(railMaterial)) railMaterial.dispose();
    this.floor = this.rails = this.chargers = null;
  }
}

function kindColor(kind: ReturnType<typeof cellKindAt>, port: PortView | undefined): Color | null {
  switch (kind) {
    case 'storage':
      return null;
    case 'port':
      if (!port || !port.open || port.mode === 'closed') return PALETTE.cell.portClosed;
      return port.mode === 'pick' ? PALETTE.cell.portPick : PALETTE.cell.portPutaway;
    case 'charger':
      return PALETTE.cell.charger;
    case 'blocked':
      return PALETTE.cell.blocked;
    case 'service':
      return PALETTE.cell.service;
  }
}

/** The rails: a line along every cell boundary, at rail height. One draw call. */
function railLines(dims: SceneDimensions): LineSegments {
  const positions: number[] = [];
  const y = dims.top + 0.002;
  for (let i = 0; i <= dims.columnsX; i++) {
    const x = dims.minX + i * dims.cellX;
    positions.push(x, y, dims.minZ, x, y, dims.maxZ);
  }
  for (let j = 0; j <= dims.columnsY; j++) {
    const z = dims.minZ + j * dims.cellY;
    positions.push(dims.minX, y, z, dims.maxX, y, z);
  }
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new Float32BufferAttribute(positions, 3));
  const rails = new LineSegments(geometry, new LineBasicMaterial({ color: PALETTE.rails, transparent: true, opacity: 0.6 }));
  rails.name = 'rails';
  return rails;
}
