import { findLatestCheckpoint } from '@ufbert/training/node';

/** How one model's pretraining starts under the run's `--resume`: from its checkpoint, or over (a partial log moved aside). */
export interface PretrainResumption {
  resume: boolean;
  overwrite: boolean;
}

/**
 * With `--resume`, each model resumes from its own newest complete checkpoint, or, where it has
 * none, starts over: a run killed before the second model's first checkpoint left that model
 * nothing to resume from (only a partial log), and the run as a whole must still resume
 * rather than fail (the first model is not pretrained again).
 */
export async function pretrainResumption(pretrainDir: string, resume: boolean, name: string, print: (line: string) => void): Promise<PretrainResumption> {
  if (!resume) return { resume: false, overwrite: false };
  if (await findLatestCheckpoint(pretrainDir)) return { resume: true, overwrite: false };
  print(`${name}: no complete checkpoint in ${pretrainDir} to resume from; its pretraining starts from the beginning`);
  return { resume: false, overwrite: true };
}
