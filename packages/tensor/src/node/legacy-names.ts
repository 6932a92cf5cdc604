import { FileLayerError } from './file-layer-error.js';
import { readText, type ReadFileOptions } from './read-file.js';

/**
 * The names these functions had on the main entry of @ufbert/tensor before the file layer,
 * kept so callers only change the import path.
 * @deprecated use readText
 */
export const readTextFile = readText;
/** @deprecated use ReadFileOptions */
export type ReadTextFileOptions = ReadFileOptions;
/** @deprecated use FileLayerError (every refused read is one) */
export const InputFileError = FileLayerError;
/** @deprecated use FileLayerError */
export type InputFileError = FileLayerError;
