import { BufferGeometry, Float32BufferAttribute } from 'three';

/**
 * A bin for the 160,000-instance mesh, made cheaper than a BoxGeometry: no bottom face (nobody
 * sees it from above the grid), so 10 triangles instead of 12, and shading baked into vertex
 * colours as from a fixed light (top brightest, each side its own shade, darker towards its
 * bottom edge so the bins of a stack stay apart), so the material needs no lighting. On a
 * software renderer the per-triangle work is most of a frame.
 */
export function binGeometry(width: number, height: number, depth: number): BufferGeometry {
  const x = width / 2;
  const y = height / 2;
  const z = depth / 2;
  const positions: number[] = [];
  const colors: number[] = [];
  const index: number[] = [];
  /** A face from four corners counter-clockwise seen from outside; `shade` at the top edge, `bottomShade` at the bottom. */
  const face = (corners: readonly (readonly [number, number, number])[], shade: number, bottomShade: number) => {
    const base = positions.length / 3;
    for (const [cx, cy, cz] of corners) {
      positions.push(cx, cy, cz);
      const s = cy > 0 ? shade : bottomShade;
      colors.push(s, s, s);
    }
    index.push(base, base + 1, base + 2, base, base + 2, base + 3);
  };
  face([[-x, y, z], [x, y, z], [x, y, -z], [-x, y, -z]], 1, 1); // top
  face([[-x, -y, z], [x, -y, z], [x, y, z], [-x, y, z]], 0.78, 0.5); // +z (towards the usual camera)
  face([[x, -y, -z], [-x, -y, -z], [-x, y, -z], [x, y, -z]], 0.55, 0.38); // -z
  face([[x, -y, z], [x, -y, -z], [x, y, -z], [x, y, z]], 0.68, 0.45); // +x
  face([[-x, -y, -z], [-x, -y, z], [-x, y, z], [-x, y, -z]], 0.6, 0.4); // -x
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new Float32BufferAttribute(positions, 3));
  geometry.setAttribute('color', new Float32BufferAttribute(colors, 3));
  geometry.setIndex(index);
  geometry.computeBoundingSphere();
  return geometry;
}
