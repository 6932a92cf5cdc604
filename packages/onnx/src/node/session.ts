import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { EncoderSession, type OnnxSessionOptions, type OrtApi } from '../encoder-session.js';

/** An exported crammedBERT / UltraFastBERT graph in an onnxruntime-node session (CPU). */
export class OnnxEncoderSession extends EncoderSession {
  /** Opens an exported model from a file path or its bytes; threads default to the machine's cores. */
  static async create(model: string | Uint8Array, options: OnnxSessionOptions = {}): Promise<OnnxEncoderSession> {
    const resolved = { threads: options.threads ?? availableParallelism(), graphOptimization: options.graphOptimization ?? 'all' } as const;
    return new OnnxEncoderSession(ort as unknown as OrtApi, await EncoderSession.openSession(ort as unknown as OrtApi, model, resolved), resolved);
  }
}
