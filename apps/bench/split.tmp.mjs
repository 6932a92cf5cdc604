// one-off: the web graph variant question: UltraFastBERT-1x11 fp32 with 6 (default), 8 and 9 dense top levels vs crammedBERT-3072, 2 threads
import { chromium } from 'playwright-core';
import { launchHeadlessChromium } from '../../tools/headless-chromium.js';
import { serveBenchPage } from './dist/browser/bench-server.js';
import { BenchPageDriver } from './dist/browser/bench-page-driver.js';
import * as cb from '@ufbert/crammed-bert';
import { onnxModelBytes } from '@ufbert/onnx';
const files = new Map();
const ufb = cb.CrammedBertModel.create(cb.presetConfig('UltraFastBERT-1x11'), { seed: 1 });
for (const levels of [6, 8, 9]) files.set(`ufb-dense${levels}`, await onnxModelBytes(ufb.eval(), { head: 'none', fffDenseLevels: levels }));
ufb.dispose();
const cr = cb.CrammedBertModel.create(cb.presetConfig('crammedBERT-3072'), { seed: 1 });
files.set('crammed', await onnxModelBytes(cr.eval(), { head: 'none' }));
cr.dispose();
const server = await serveBenchPage({ models: files });
const b = await launchHeadlessChromium(chromium);
const d = await BenchPageDriver.open(b.context, server.url, 300000);
await d.call('setup', { ep: 'wasm', threads: 2 });
for (const name of files.keys()) await d.call('loadModel', name, name);
const names = [...files.keys()];
for (const [s, t, calls, rounds] of [[1, 16, 8, 3], [8, 128, 1, 2]]) {
  const ms = new Map(names.map((n) => [n, []]));
  for (const n of names) await d.call('timeModel', { model: n, sequences: s, tokens: t, vocab: 32768, calls: 1 });
  for (let r = 0; r < rounds; r++) for (const n of r % 2 ? [...names].reverse() : names) ms.get(n).push(...(await d.call('timeModel', { model: n, sequences: s, tokens: t, vocab: 32768, calls })));
  const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const us = new Map(names.map((n) => [n, (med(ms.get(n)) * 1000) / (s * t)]));
  console.log(`${s}x${t}:`, names.map((n) => `${n} ${us.get(n).toFixed(0)} µs/token (${(us.get('crammed') / us.get(n)).toFixed(2)}x)`).join('; '));
}
await d.close(); await b.close(); await server.close();
