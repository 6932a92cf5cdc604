// What "#tfjs-registrations" is for bundlers (see tf.ts): tfjs-core's own registration
// modules, which a bundler resolves. Node takes dist/tfjs-registrations.node.js instead,
// since these modules' extensionless imports do not load there.
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
