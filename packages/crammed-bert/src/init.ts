import { tf, type Rng } from '@ufbert/tensor';
import type { Tensor } from '@ufbert/tensor';
import { headDim, type CrammedBertConfig } from './config.js';
import type { ParameterSpec } from './parameters.js';

/**
 * A fresh value for one state-dict entry, as the reference initialises it: `_init_module`
 * (normal(0, std) for Linear weights, FFF layers included; zero biases; LayerNorm 1/0;
 * embedding rows normal with the padding row zeroed), ScaledSinosoidal's 1/sqrt(dim) and
 * the attention's head_dim^-0.5 buffer.
 */
export function initialValue(spec: ParameterSpec, config: CrammedBertConfig, std: number, rng: Rng): Tensor {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  switch (spec.init) {
    case 'normal':
      rng.fillNormal(data, 0, std);
      break;
    case 'embedding': {
      rng.fillNormal(data, 0, std);
      const pad = config.embedding.pad_token_id;
      data.fill(0, pad * config.hidden_size, (pad + 1) * config.hidden_size);
      break;
    }
    case 'ones':
      data.fill(1);
      break;
    case 'zeros':
      break;
    case 'scale-factor':
      data[0] = 1 / Math.sqrt(config.embedding.embedding_dim);
      break;
    case 'norm-factor':
      data[0] = 1 / Math.sqrt(headDim(config));
      break;
  }
  return tf.tensor(data, spec.shape);
}
