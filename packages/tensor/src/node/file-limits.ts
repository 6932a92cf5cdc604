const MIB = 1024 * 1024;

/**
 * The largest file the layer reads for each kind of file, in bytes: a read of a larger file
 * is refused before any memory is allocated, so a wrong path (a disk image, /dev/zero behind
 * a link) fails at once instead of filling memory. Generous for real files of each kind.
 */
export const FILE_LIMITS = Object.freeze({
  /** Configs, labels, manifests, reports: small JSON. */
  json: 16 * MIB,
  /** A model or training config file (`model_config.json`, `config.json`). */
  config: 1 * MIB,
  /** `tokenizer.json` (a 250k-token vocabulary with merges stays well under it). */
  tokenizer: 256 * MIB,
  /** A corpus or TSV text file read whole. */
  text: 2048 * MIB,
  /** A safetensors checkpoint (BERT-large in fp32 is 1.3 GB). */
  weights: 16 * 1024 * MIB,
  /** An ONNX graph with its weights inside (onnxruntime's protobuf limit is 2 GB). */
  onnx: 2048 * MIB,
  /** The folder manifest the layer writes itself. */
  manifest: 1 * MIB,
  /** The lock file of an output folder. */
  lock: 64 * 1024,
});

export type FileKind = keyof typeof FILE_LIMITS;
