// tfjs kernel names of the FFF ops (prefixed so they never collide with tfjs's own).
export const FFF_FORWARD = 'UfbertFFFForward';
export const FFF_BACKWARD = 'UfbertFFFBackward';
export const FFF_INFER = 'UfbertFFFInfer';
