// The WebAssembly module of @ufbert/cmm. Memory is imported: the host allocates
// every buffer and passes byte addresses; nothing here allocates.
export { conditionalTokens, conditionalScratchBytes } from './conditional';
export { conditionalTokensQ8, conditionalQ8ScratchBytes, relaxedDotProbe } from './conditional-q8';
export { gemmPacked } from './dense';
export { gatherDots, sumScaledRowsBatch, geluAll, backwardCoefficients, backwardGroups } from './training';
export { probe } from './simd';
export { multiplyAddPeak } from './peak';
export { touchTreeTops } from './prefetch';
