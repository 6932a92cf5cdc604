// @ufbert/crammed-bert/node: the model folder on disk. Every read and write goes through the
// guarded file layer of @ufbert/tensor/node; the main entry stays free of Node built-ins.
export { loadModel, loadModelConfig } from './load-model.js';
export { saveModel, type SaveModelOptions } from './save-model.js';
export { readModelFolderSnapshot } from './model-folder-snapshot.js';
export { loadTokenizer, saveTokenizer } from './tokenizer-files.js';
export { trainWordPieceFromFiles } from './wordpiece-files.js';
export { runModelParity, readModelFixtureCases, PARITY_CASES, type ModelFixtureCase } from './parity.js';
