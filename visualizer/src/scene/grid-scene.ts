import { DirectionalLight, HemisphereLight, PerspectiveCamera, Plane, Raycaster, Scene, Vector2, Vector3, WebGLRenderer } from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { ConsoleViewModel } from '../view-model/console-view-model.ts';
import type { MutablePoint } from '../view-model/robot-motion.ts';
import { BinsLayer } from './bins-layer.ts';
import { GroundLayer } from './ground-layer.ts';
import { PALETTE } from './palette.ts';
import { PortsLayer } from './ports-layer.ts';
import { ReservationsLayer } from './reservations-layer.ts';
import { RobotsLayer } from './robots-layer.ts';
import { sceneDimensions, type SceneDimensions } from './scene-dimensions.ts';
import { SelectionMarker } from './selection-marker.ts';

/** What a click on the canvas hit: a robot, or a grid cell (a column or a port). */
export type PickResult = { readonly kind: 'robot'; readonly serial: string } | { readonly kind: 'cell'; readonly x: number; readonly y: number };

export interface GridSceneOptions {
  /** Multisampling; off in the benchmark so it measures the scene, not the antialiasing. */
  readonly antialias?: boolean;
  /** Largest device pixel ratio used. */
  readonly maxPixelRatio?: number;
}

/**
 * The three.js scene of the grid, drawn from a ConsoleViewModel. `update(nowMs)` brings it up
 * to date: layers whose messages changed (the view model's version counters) are rebuilt, and
 * the robots, gripper and selection marker move every frame without allocating. `render()`
 * draws. The page owns the animation loop; the benchmark drives the same two calls.
 */
export class GridScene {
  readonly renderer: WebGLRenderer;
  readonly scene = new Scene();
  readonly camera = new PerspectiveCamera(45, 1, 0.05, 2000);
  readonly controls: OrbitControls;
  private readonly ground: GroundLayer;
  readonly bins: BinsLayer;
  readonly robots: RobotsLayer;
  private readonly reservations: ReservationsLayer;
  private readonly ports: PortsLayer;
  private readonly marker: SelectionMarker;
  private dims: SceneDimensions | null = null;
  private readonly seen = { layout: -1, stacks: -1, state: -1, selection: -1 };
  private framed = false;
  private readonly point: MutablePoint = { x: 0, y: 0 };
  private readonly raycaster = new Raycaster();
  private readonly pointer = new Vector2();
  private readonly railPlane = new Plane(new Vector3(0, 1, 0), 0);
  private readonly hit = new Vector3();

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly vm: ConsoleViewModel,
    options: GridSceneOptions = {},
  ) {
    this.renderer = new WebGLRenderer({ canvas, antialias: options.antialias ?? true, powerPreference: 'high-performance' });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, options.maxPixelRatio ?? 2));
    this.renderer.setClearColor(PALETTE.background);
    this.scene.background = PALETTE.background;
    this.scene.add(new HemisphereLight(0xdfe8ff, 0x30343c, 1.6));
    const sun = new DirectionalLight(0xffffff, 1.8);
    sun.position.set(0.6, 1, 0.35);
    this.scene.add(sun);
    this.ground = new GroundLayer(this.scene);
    this.bins = new BinsLayer(this.scene);
    this.robots = new RobotsLayer(this.scene);
    this.reservations = new ReservationsLayer(this.scene);
    this.ports = new PortsLayer(this.scene);
    this.marker = new SelectionMarker(this.scene);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.enableDamping = false;
    this.controls.maxPolarAngle = Math.PI * 0.49;
    this.camera.position.set(10, 10, 10);
  }

  /** Fits the drawing buffer and the camera to the canvas's CSS size. */
  resize(): void {
    const width = Math.max(1, this.canvas.clientWidth);
    const height = Math.max(1, this.canvas.clientHeight);
    this.renderer.setSize(width, height, false);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
  }

  /** Brings the scene up to date with the view model at `nowMs` (performance.now() time). */
  update(nowMs: number): void {
    const vm = this.vm;
    const v = vm.versions;
    if (v.layout !== this.seen.layout) {
      this.seen.layout = v.layout;
      this.applyLayout();
      this.seen.stacks = -1;
      this.seen.state = -1;
    }
    const dims = this.dims;
    if (!dims) return;
    if (v.stacks !== this.seen.stacks) {
      this.seen.stacks = v.stacks;
      this.bins.rebuild(dims, vm.heights);
      this.seen.selection = -1;
    }
    if (v.state !== this.seen.state) {
      this.seen.state = v.state;
      this.ground.updateTiles(dims, vm.layout!, vm.ports, vm.blockedCells);
      this.reservations.rebuild(dims, vm.robots);
      this.ports.rebuild(dims, vm.ports);
    }
    if (v.selection !== this.seen.selection) {
      this.seen.selection = v.selection;
      const s = vm.selection;
      this.bins.highlightColumn(s?.kind === 'column' ? s.y * dims.columnsX + s.x : -1);
    }

    const selection = vm.selection;
    const selectedRobot = selection?.kind === 'robot' ? vm.robot(selection.serial) : undefined;
    this.robots.update(vm, nowMs, selectedRobot ? selectedRobot.index : -1);

    if (selectedRobot && vm.robotPositionAt(selectedRobot.index, nowMs, this.point)) this.marker.showRobot(dims, this.point.x, this.point.y);
    else if (selection?.kind === 'column') this.marker.showColumn(dims, selection.x, selection.y);
    else if (selection?.kind === 'port') {
      const cell = vm.port(selection.portId)?.cell;
      if (cell) this.marker.showColumn(dims, cell.x, cell.y);
      else this.marker.hide();
    } else this.marker.hide();
  }

  render(): void {
    this.renderer.render(this.scene, this.camera);
  }

  /** Looks straight down on the whole grid. */
  topView(): void {
    const dims = this.dims;
    if (!dims) return;
    const cx = (dims.minX + dims.maxX) / 2;
    const cz = (dims.minZ + dims.maxZ) / 2;
    const span = Math.max(dims.maxX - dims.minX, (dims.maxZ - dims.minZ) * this.camera.aspect);
    const distance = span / 2 / Math.tan((this.camera.fov * Math.PI) / 360) / Math.max(this.camera.aspect, 0.01) + dims.top;
    this.controls.target.set(cx, dims.top, cz);
    // A hair off vertical, so the orbit controls keep a defined "up".
    this.camera.position.set(cx, dims.top + distance * 1.05, cz + 0.001);
    this.controls.update();
  }

  /** An oblique view of the whole grid from its near corner. */
  overview(): void {
    const dims = this.dims;
    if (!dims) return;
    const cx = (dims.minX + dims.maxX) / 2;
    const cz = (dims.minZ + dims.maxZ) / 2;
    const span = Math.max(dims.maxX - dims.minX, dims.maxZ - dims.minZ);
    this.controls.target.set(cx, dims.top * 0.5, cz);
    this.camera.position.set(cx + span * 0.15, dims.top + span * 0.75, cz + span * 0.95);
    this.camera.far = Math.max(100, span * 10);
    this.camera.updateProjectionMatrix();
    this.controls.update();
  }

  /**
   * What is under a point of the canvas (client pixels): a robot (raycast against the robot
   * bodies only), else the grid cell under it on the rail plane. The bins are never raycast.
   */
  pick(clientX: number, clientY: number): PickResult | null {
    const dims = this.dims;
    if (!dims) return null;
    const rect = this.canvas.getBoundingClientRect();
    this.pointer.set(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
    this.raycaster.setFromCamera(this.pointer, this.camera);
    const body = this.robots.body;
    if (body && body.count > 0) {
      body.computeBoundingSphere(); // instances moved since the last one
      const hits = this.raycaster.intersectObject(body, false);
      const id = hits[0]?.instanceId;
      const robot = id !== undefined ? this.vm.robots[id] : undefined;
      if (robot) return { kind: 'robot', serial: robot.serial };
    }
    this.railPlane.constant = -dims.top;
    if (!this.raycaster.ray.intersectPlane(this.railPlane, this.hit)) return null;
    const x = Math.round(this.hit.x / dims.cellX);
    const y = Math.round(this.hit.z / dims.cellY);
    if (x < 0 || y < 0 || x >= dims.columnsX || y >= dims.columnsY) return null;
    return { kind: 'cell', x, y };
  }

  /**
   * Draw calls of one frame, counting only what `only` names ('bins': the bin mesh alone), or
   * everything. Renders a frame to count; the benchmark uses it.
   */
  countDrawCalls(only?: 'bins'): { calls: number; triangles: number } {
    const hidden: { object: { visible: boolean }; visible: boolean }[] = [];
    if (only === 'bins') {
      for (const child of this.scene.children) {
        if (child === this.bins.mesh || (child as { isLight?: boolean }).isLight) continue;
        hidden.push({ object: child, visible: child.visible });
        child.visible = false;
      }
    }
    const background = this.scene.background;
    if (only === 'bins') this.scene.background = null; // a background colour is a clear, not a draw call; kept out anyway
    this.render();
    const { calls, triangles } = this.renderer.info.render;
    for (const h of hidden) h.object.visible = h.visible;
    this.scene.background = background;
    if (only) this.render(); // leave the whole scene on screen
    return { calls, triangles };
  }

  dispose(): void {
    this.controls.dispose();
    this.renderer.dispose();
  }

  private applyLayout(): void {
    const layout = this.vm.layout;
    if (!layout) return;
    const dims = sceneDimensions(layout);
    this.dims = dims;
    this.ground.setLayout(dims, layout);
    this.robots.setDimensions(dims);
    if (!this.framed) {
      this.framed = true;
      this.overview();
    }
  }
}
