/** URL prefixes of the bench page's server. */
export const MODULE_PREFIX = '/modules/';
export const MODEL_PREFIX = '/models/';
/** The page's script, bundled from page/bench-page.ts. */
export const PAGE_SCRIPT = 'bench-page.js';

/** The page: its script (a bundle, built by scripts/build-bench-page.mjs) exposes `window.ufbertBrowserBench`. */
export function benchPageHtml(): string {
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8"><title>ufbert browser bench</title>',
    `<script type="module" src="/page/${PAGE_SCRIPT}"></script>`,
    '</head><body><p id="status">loading</p></body></html>',
  ].join('\n');
}
