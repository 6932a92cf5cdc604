import type { TokenRoutes } from '@ufbert/pipelines/web';
import type { TreeUsage } from './route-stats.js';
import { svg } from './svg.js';

const CELL_W = 66;
const CELL_H = 20;
const LABEL_W = 90;
const HEADER_H = 34;
const FOOTER_H = 38;

/**
 * Tokens (rows) by layer and tree (columns): each cell is the leaf the token reached, its
 * colour the leaf's place in the tree; below each column, the leaves used and the path entropy
 * over the whole text. Clicking a row selects that token.
 */
export function routeHeatmap(routes: readonly TokenRoutes[], usage: readonly TreeUsage[], selected: number, onSelect: (token: number) => void): SVGSVGElement {
  const columns = usage.length;
  const root = svg('svg', {
    width: LABEL_W + columns * CELL_W + 8,
    height: HEADER_H + routes.length * CELL_H + FOOTER_H,
    role: 'img',
    'aria-label': 'FFF leaf reached per token and layer',
  });
  usage.forEach((u, c) => {
    const x = LABEL_W + c * CELL_W + CELL_W / 2;
    root.append(svg('text', { x, y: 14, class: 'axis' }, `layer ${u.layer}`), svg('text', { x, y: 28, class: 'axis' }, `tree ${u.tree}`));
    root.append(svg('text', { x, y: HEADER_H + routes.length * CELL_H + 15, class: 'axis' }, `${u.leavesUsed}/${u.leaves} leaves`));
    root.append(svg('text', { x, y: HEADER_H + routes.length * CELL_H + 31, class: 'axis' }, `H ${u.leafEntropy.toFixed(2)} b`));
  });
  routes.forEach((token, row) => {
    const y = HEADER_H + row * CELL_H;
    const line = svg('g', { class: row === selected ? 'token-row selected' : 'token-row', 'data-token': row });
    line.append(svg('text', { x: LABEL_W - 6, y: y + 14, class: 'token-label' }, token.token));
    usage.forEach((u, c) => {
      const { nodes } = token.layers[u.layer][u.tree];
      const leaf = nodes[nodes.length - 1];
      const rank = leaf - (u.leaves - 1);
      const cell = svg('rect', {
        x: LABEL_W + c * CELL_W,
        y,
        width: CELL_W - 2,
        height: CELL_H - 2,
        class: 'cell',
        fill: `hsl(${Math.round((300 * rank) / Math.max(1, u.leaves - 1))}, 70%, 55%)`,
      });
      cell.append(svg('title', {}, `${token.token}, layer ${u.layer} tree ${u.tree}: ${token.layers[u.layer][u.tree].path} -> leaf ${leaf}`));
      line.append(cell, svg('text', { x: LABEL_W + c * CELL_W + CELL_W / 2 - 1, y: y + 14, class: 'cell-label' }, String(leaf)));
    });
    line.addEventListener('click', () => onSelect(row));
    root.append(line);
  });
  return root;
}
