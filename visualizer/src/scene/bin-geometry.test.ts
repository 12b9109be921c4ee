import { describe, expect, it } from 'vitest';
import { Vector3 } from 'three';
import { binGeometry } from './bin-geometry.ts';

describe('bin geometry', () => {
  it('has a top and four sides (10 triangles), facing outwards, within the bin size', () => {
    const g = binGeometry(0.56, 0.31, 0.4);
    const index = g.getIndex()!.array;
    const pos = g.getAttribute('position');
    expect(index.length / 3).toBe(10);
    const a = new Vector3();
    const b = new Vector3();
    const c = new Vector3();
    const normals: string[] = [];
    for (let t = 0; t < index.length; t += 3) {
      a.fromBufferAttribute(pos, index[t]!);
      b.fromBufferAttribute(pos, index[t + 1]!);
      c.fromBufferAttribute(pos, index[t + 2]!);
      const n = new Vector3().subVectors(b, a).cross(new Vector3().subVectors(c, a)).normalize();
      const centre = new Vector3().add(a).add(b).add(c).divideScalar(3);
      expect(n.dot(centre)).toBeGreaterThan(0); // counter-clockwise seen from outside
      normals.push([n.x, n.y, n.z].map((v) => Math.round(v)).join(','));
    }
    expect(new Set(normals)).toEqual(new Set(['0,1,0', '0,0,1', '0,0,-1', '1,0,0', '-1,0,0']));
    g.computeBoundingBox();
    expect(g.boundingBox!.min.toArray().map((v) => Math.round(v * 1000) / 1000)).toEqual([-0.28, -0.155, -0.2]);
    expect(g.boundingBox!.max.toArray().map((v) => Math.round(v * 1000) / 1000)).toEqual([0.28, 0.155, 0.2]);
  });
});
