export { loadPipeline, RUNTIMES, type Runtime, type LoadOptions } from './load-pipeline.js';
