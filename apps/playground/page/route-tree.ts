import { nodesPerTree } from '@ufbert/fff';
import type { TokenRoutes } from '@ufbert/pipelines/web';
import type { TreeUsage } from './route-stats.js';
import { svg } from './svg.js';

const LEAF_SPACING = 34;
const LEVEL_HEIGHT = 54;
const TREE_GAP = 24;
const LAYER_TITLE = 22;

/** Where a node of heap index `node` sits in a tree `width` wide. */
function position(node: number, width: number): { x: number; y: number } {
  const level = Math.floor(Math.log2(node + 1));
  // the nodes above this level make a full tree of depth level - 1 (none above the root)
  const within = node - nodesPerTree(level - 1);
  return { x: ((within + 0.5) * width) / 2 ** level, y: 14 + level * LEVEL_HEIGHT };
}

/**
 * Every FFF tree of every layer for one token: all nodes, shaded by the share of the
 * text's tokens that visit them; the token's own path drawn bold, each visited node labelled
 * with its logit (the sign of which chose the turn below it).
 */
export function routeTree(token: TokenRoutes, usage: readonly TreeUsage[], tokenCount: number): SVGSVGElement {
  const levels = token.layers[0][0].nodes.length;
  const trees = token.layers[0].length;
  const width = 2 ** (levels - 1) * LEAF_SPACING;
  const layerHeight = LAYER_TITLE + levels * LEVEL_HEIGHT;
  const root = svg('svg', {
    width: trees * (width + TREE_GAP),
    height: token.layers.length * layerHeight,
    role: 'img',
    'aria-label': `FFF paths of token ${token.token}`,
  });
  token.layers.forEach((treeRoutes, layer) => {
    const group = svg('g', { class: 'layer', 'data-layer': layer, transform: `translate(0, ${layer * layerHeight})` });
    group.append(svg('text', { x: 0, y: 14, class: 'layer-title' }, `layer ${layer}`));
    treeRoutes.forEach((route, tree) => {
      const visits = usage.find((u) => u.layer === layer && u.tree === tree)?.visits ?? [];
      const g = svg('g', { class: 'tree', 'data-tree': tree, transform: `translate(${tree * (width + TREE_GAP)}, ${LAYER_TITLE})` });
      const onPath = new Set(route.nodes);
      for (let node = 1; node < nodesPerTree(levels - 1); node++) {
        const a = position(Math.floor((node - 1) / 2), width);
        const b = position(node, width);
        g.append(svg('line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: onPath.has(node) ? 'edge taken' : 'edge' }));
      }
      for (let node = 0; node < nodesPerTree(levels - 1); node++) {
        const { x, y } = position(node, width);
        const share = tokenCount ? (visits[node] ?? 0) / tokenCount : 0;
        const circle = svg('circle', {
          cx: x,
          cy: y,
          r: 9,
          class: onPath.has(node) ? 'node visited' : 'node',
          'data-node': node,
          'fill-opacity': (0.12 + 0.88 * share).toFixed(3),
        });
        circle.append(svg('title', {}, `node ${node}: visited by ${visits[node] ?? 0} of ${tokenCount} tokens`));
        g.append(circle);
      }
      route.nodes.forEach((node, level) => {
        const { x, y } = position(node, width);
        g.append(svg('text', { x: x + 12, y: y - 8, class: 'logit' }, route.logits[level].toFixed(2)));
      });
      g.append(
        svg('text', { x: width / 2, y: levels * LEVEL_HEIGHT - 4, class: 'tree-title' }, `tree ${tree}: ${route.path} → leaf ${route.nodes[levels - 1]}`),
      );
      group.append(g);
    });
    root.append(group);
  });
  return root;
}
