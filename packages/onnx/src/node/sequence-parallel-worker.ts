import { parentPort, workerData } from 'node:worker_threads';
import { OnnxEncoderSession } from './session.js';
import type { GraphOptimization } from '../encoder-session.js';

/** What `SequenceParallelSession` sends a worker when it starts it. */
export interface WorkerInit {
  model: Uint8Array;
  graphOptimization: GraphOptimization;
}

/** One slice of a batch: int64 ids and mask [rows, sequence], and its own positions to decode. */
export interface WorkerJob {
  id: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  dims: [number, number];
  positions?: number[];
}

// One onnxruntime session on one thread per worker: the worker's rows run beside the other
// workers' rows, with no synchronisation inside an operator.
const port = parentPort;
if (!port) throw new Error('sequence-parallel-worker.js runs as a worker thread of SequenceParallelSession');
const init = workerData as WorkerInit;
try {
  // onnxruntime reads models from ArrayBuffers only, not shared memory: a copy, dropped once loaded.
  const session = await OnnxEncoderSession.create(new Uint8Array(init.model), { threads: 1, graphOptimization: init.graphOptimization });
  port.postMessage({ ready: true, hasLogits: session.hasLogits, selectsPositions: session.selectsPositions });
  port.on('message', async (job: WorkerJob | 'close') => {
    if (job === 'close') {
      port.postMessage('closing');
      await session.release();
      // Nothing left on the event loop: the thread ends.
      port.close();
      return;
    }
    try {
      const out = await session.runTensors(job.inputIds, job.attentionMask, job.dims, job.positions);
      const buffers = [out.hiddenStates.buffer, out.logits?.buffer, out.routes?.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
      port.postMessage({ id: job.id, out }, buffers);
    } catch (error) {
      port.postMessage({ id: job.id, error: (error as Error).message });
    }
  });
} catch (error) {
  port.postMessage({ ready: false, error: (error as Error).message });
}
