// @ufbert/fff/testing: what tests and benchmarks hold the FFF layer against, not part of a
// model: the reference's dense masking algorithm, O(N) per token.
export { maskedFeedforward } from './masked-oracle.js';
