import { describe, expect, it } from 'vitest';
import { tf, UfbertError } from '@ufbert/tensor';
import { FFF } from './fff-layer.js';
import { treeRoute } from './route.js';
import { NodeUsage } from './usage-stats.js';
import { describeEachBackend } from './test-utils/backends.js';

describeEachBackend('FFF.route', (backend) => {
  it("gives infer's output and each token's route: visited nodes and logits whose signs chose the turns", async () => {
    const config = { inputWidth: 12, outputWidth: 5, depth: 3, trees: 2 };
    const layer = new FFF(config, { seed: 3 });
    const x = tf.randomNormal([2, 3, 12], 0, 1, 'float32', 7);
    const { y, nodes, logits } = layer.route(x);
    const plain = layer.infer(x).y;
    expect(y.shape).toEqual([2, 3, 5]);
    expect(nodes.shape).toEqual([6, 2, 4]);
    expect(logits.shape).toEqual([6, 2, 4]);
    expect(Array.from(await y.data())).toEqual(Array.from(await plain.data()));
    const [xs, w, b, visited, got] = await Promise.all([x.data(), layer.linearInWeight.data(), layer.linearInBias.data(), nodes.data(), logits.data()]);
    const n = 15;
    for (let token = 0; token < 6; token++) {
      for (let tree = 0; tree < 2; tree++) {
        let heap = 0;
        for (let level = 0; level < 4; level++) {
          const at = (token * 2 + tree) * 4 + level;
          const node = tree * n + heap;
          expect(visited[at]).toBe(node);
          let logit = b[node];
          for (let i = 0; i < 12; i++) logit += xs[token * 12 + i] * w[node * 12 + i];
          expect(got[at]).toBeCloseTo(logit, 4);
          heap = 2 * heap + (logit > 0 ? 2 : 1);
        }
      }
    }
    tf.dispose([x, y, nodes, logits, plain]);
    layer.dispose();
  });

  it("passes the kernel choice's threads down to the prepared kernel the layer owns", () => {
    const config = { inputWidth: 8, outputWidth: 4, depth: 2, trees: 1 };
    const x = tf.randomNormal([4, 8]);
    const layer = new FFF(config, { seed: 1, kernel: backend === 'webgpu' ? {} : { backend: 'wasm', threads: 1 } });
    tf.dispose(layer.infer(x).y);
    const layout = layer.preparedWeights;
    if (layout?.kind === 'host') expect((layout.prepared as unknown as { threads: { threads: number } }).threads.threads).toBe(1);
    else expect(backend).toBe('webgpu');
    tf.dispose(x);
    layer.dispose();
  });
});

describe('treeRoute', () => {
  // two tokens, two trees of depth 2 (7 nodes each): token 0 goes L,R in tree 0 and R,R in tree 1
  const routes = {
    nodes: new Int32Array([0, 1, 4, 7, 9, 13, 0, 2, 5, 7, 8, 10]),
    logits: new Float32Array([-1, 2, 0.5, 3, 4, 1, 1, -2, 0, -1, -1, 0]),
  };
  const shape = { trees: 2, depth: 2 };

  it('gives heap indices within the tree, the turns and the logits', () => {
    expect(treeRoute(routes, shape, 0, 0)).toEqual({ nodes: [0, 1, 4], path: 'LR', logits: [-1, 2, 0.5] });
    expect(treeRoute(routes, shape, 0, 1)).toEqual({ nodes: [0, 2, 6], path: 'RR', logits: [3, 4, 1] });
    expect(treeRoute(routes, shape, 1, 1)).toEqual({ nodes: [0, 1, 3], path: 'LL', logits: [-1, -1, 0] });
  });

  it('refuses a token or tree out of range and routes of the wrong size', () => {
    expect(() => treeRoute(routes, shape, 2, 0)).toThrow(new UfbertError('token must be an integer in [0, 2), got 2'));
    expect(() => treeRoute(routes, shape, 0, 2)).toThrow('tree must be an integer in [0, 2), got 2');
    expect(() => treeRoute({ nodes: routes.nodes.subarray(1), logits: routes.logits }, shape, 0, 0)).toThrow('expected routes of shape [T, 2, 3]');
  });

  it('feeds NodeUsage the same visits by heap index as by global index', () => {
    const byGlobal = new NodeUsage(shape);
    byGlobal.record(routes.nodes);
    const byTree = new NodeUsage(shape);
    byTree.recordTreeRoutes([0, 1].map((token) => [0, 1].map((tree) => treeRoute(routes, shape, token, tree))));
    expect(byTree.report()).toEqual(byGlobal.report());
    expect(() => byTree.recordTreeRoutes([[treeRoute(routes, shape, 0, 0)]])).toThrow('expected a route per tree (2) for token 0, got 1');
    expect(() => byTree.recordTreeRoutes([[{ nodes: [0, 1, 7], path: 'LL', logits: [0, 0, 0] }, treeRoute(routes, shape, 0, 1)]])).toThrow(
      'expected heap indices in [0, 7)',
    );
  });
});
