// Sends a picked folder to the back end (browser mode): announce every file (the back end checks the
// caps before a byte is sent), send the files a few at a time with progress, and cancel the upload
// (the back end deletes what arrived) when the signal aborts or anything fails. Plain TS, no Svelte.

import type { CatnetApi } from '../../src-main/contract.js';
import type { PickedGroup } from './dropped-files.js';

export interface UploadProgress {
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
}

/** Files in flight at once: keeps the connection busy without holding many files in memory. */
const PARALLEL = 4;

/** Uploads `group`; resolves with the upload id to finish (addUploadedFolder or classifyFolder). */
export async function uploadGroup(
  api: CatnetApi,
  group: PickedGroup,
  options: { signal?: AbortSignal; onProgress?: (p: UploadProgress) => void } = {},
): Promise<string> {
  const { signal, onProgress } = options;
  const byPath = new Map(group.files.map((f) => [f.path, f.file]));
  const started = await api.beginUpload(
    group.name,
    group.files.map((f) => ({ path: f.path, size: f.file.size })),
  );
  const progress: UploadProgress = {
    files: 0,
    totalFiles: started.send.length,
    bytes: 0,
    totalBytes: started.send.reduce((n, p) => n + (byPath.get(p)?.size ?? 0), 0),
  };
  onProgress?.({ ...progress });
  const queue = [...started.send];
  const sendNext = async (): Promise<void> => {
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
      if (signal?.aborted) throw new Error('Upload cancelled');
      const file = byPath.get(path)!;
      let bytes: Uint8Array<ArrayBuffer>;
      try {
        bytes = new Uint8Array(await file.arrayBuffer());
      } catch {
        continue; // unreadable (moved, no permission): the back end reports it as not uploaded
      }
      await api.uploadFile(started.id, path, bytes);
      progress.files++;
      progress.bytes += bytes.length;
      onProgress?.({ ...progress });
    }
  };
  try {
    await Promise.all(Array.from({ length: PARALLEL }, sendNext));
    if (signal?.aborted) throw new Error('Upload cancelled');
  } catch (error) {
    await api.cancelUpload(started.id).catch(() => undefined);
    throw error;
  }
  return started.id;
}
