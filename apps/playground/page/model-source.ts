import { MODEL_FILES, ModelLoadError, type ModelBytes } from '@ufbert/pipelines/web';

/** The model files under a folder URL (ending in a slash): each required one must answer 200; an optional one may be missing (404). */
export async function fetchModelFiles(folder: URL): Promise<ModelBytes> {
  const files = new Map<string, Uint8Array>();
  await Promise.all(
    MODEL_FILES.map(async ({ file, required }) => {
      const url = new URL(file, folder);
      const response = await fetch(url);
      if (response.status === 404 && !required) return;
      if (!response.ok) throw new ModelLoadError(`GET ${url.href}: expected 200, got ${response.status} ${response.statusText}`);
      files.set(file, new Uint8Array(await response.arrayBuffer()));
    }),
  );
  return files;
}

/** The model files among those a file picker gave (a folder or single files), by their base names. */
export async function pickedModelFiles(picked: FileList): Promise<ModelBytes> {
  const wanted = new Set(MODEL_FILES.map((f) => f.file));
  const files = new Map<string, Uint8Array>();
  for (const file of Array.from(picked)) if (wanted.has(file.name)) files.set(file.name, new Uint8Array(await file.arrayBuffer()));
  if (files.size === 0) throw new ModelLoadError(`expected the model files (${[...wanted].join(', ')}) among the ${picked.length} picked, found none`);
  return files;
}
