import { describe, expect, it } from 'vitest';
import { serveBenchPage } from './bench-server.js';

describe('the bench page server', () => {
  it('answers a malformed escape with 400 and a path out of its folders with 404, and keeps serving', async () => {
    const server = await serveBenchPage({ models: new Map([['tiny.onnx', new Uint8Array([1, 2, 3])]]) });
    try {
      expect((await fetch(`${server.url}page/%E0`)).status).toBe(400);
      expect((await fetch(`${server.url}page/..%2F..%2Fpackage.json`)).status).toBe(404);
      const model = await fetch(`${server.url}models/tiny.onnx`);
      expect(model.status).toBe(200);
      expect(model.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      expect(new Uint8Array(await model.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
    } finally {
      await server.close();
    }
  });
});
