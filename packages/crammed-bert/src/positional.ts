/**
 * The reference's sinusoidal table (embeddings.py, SinusoidalPositional), computed in float32
 * as torch does: pe[p, 2i] = sin(p * div[i]), pe[p, 2i+1] = cos(p * div[i]),
 * div[i] = exp(2i * -ln(10000) / dim). ScaledSinosoidal multiplies it by the learned `scale_factor`.
 */
export function sinusoidalTable(maxSeqLength: number, dim: number): Float32Array {
  const pe = new Float32Array(maxSeqLength * dim);
  const step = Math.fround(-Math.log(10000) / dim);
  for (let i = 0; 2 * i < dim; i++) {
    const div = Math.fround(Math.exp(Math.fround(2 * i * step)));
    for (let p = 0; p < maxSeqLength; p++) {
      const angle = Math.fround(p * div);
      pe[p * dim + 2 * i] = Math.sin(angle);
      if (2 * i + 1 < dim) pe[p * dim + 2 * i + 1] = Math.cos(angle);
    }
  }
  return pe;
}
