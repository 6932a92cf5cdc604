// Kernel names ufbert registers with tfjs. Prefixed so they never collide with tfjs's own.
export const GELU_EXACT = 'UfbertGeluExact';
export const GELU_EXACT_GRAD = 'UfbertGeluExactGrad';
