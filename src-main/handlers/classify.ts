// Classification with the current model: one grid image, a file by path (or the native dialog),
// uploaded bytes, and whole folders (a table of results, its thumbnails and CSV).

import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { preprocessImage } from '../../src-core/data/index.js';
import type { BatchSource } from '../contract.js';
import { listBatchFiles } from '../services/batch-classify.js';
import { predictFile, predictLoaded, predictVector } from '../services/classify.js';
import { requireFullPath } from '../services/full-path.js';
import type { HandlerGroup, Session } from '../session.js';
import { needPath } from '../session.js';

type ClassifyMethods =
  | 'classifyImage'
  | 'classifyFile'
  | 'classifyBytes'
  | 'classifyFolder'
  | 'stopClassifyFolder'
  | 'batchThumbnails'
  | 'batchCsv';

/** The files of a batch source and how to name it; `done` removes an upload once classified. */
async function openSource(s: Session, source: BatchSource) {
  if ('uploadId' in source) {
    const { folder, skipped } = await s.uploads.finish(source.uploadId);
    const shown = (p: string) => s.uploads.displayPath(p);
    const listed = await listBatchFiles([folder], shown);
    listed.skipped.unshift(...skipped);
    return { listed, name: shown(folder), done: () => rm(dirname(folder), { recursive: true, force: true }) };
  }
  const paths = 'path' in source ? [source.path] : source.paths;
  for (const p of paths) requireFullPath(p, 'the folder or image', '/home/me/photos');
  const listed = await listBatchFiles(paths);
  const name = paths.length === 1 ? paths[0]! : `${paths.length} files`;
  return { listed, name, done: async () => undefined };
}

export function classifyHandlers(s: Session): HandlerGroup<ClassifyMethods> {
  return {
    classifyImage: async (id) => predictVector(s.models.require(), s.library.image(id).vector),
    classifyFile: async (path) => {
      s.models.require();
      const file = path ?? (s.dialogs ? await s.dialogs.chooseImage() : needPath('To classify a file'));
      if (file === null) return null;
      return predictFile(s.models.require(), file);
    },
    classifyBytes: async (base64, name) => {
      const bytes = Buffer.from(base64.replace(/^data:[^,]*,/, ''), 'base64');
      const model = s.models.require();
      return predictLoaded(model, () => preprocessImage(bytes, { resize: model.resize }), name);
    },
    classifyFolder: async (given) => {
      const model = s.models.require();
      if (s.batch.busy)
        throw new Error('A folder is already being classified: stop it first, or wait for it to finish');
      let source = given;
      if (!source) {
        const chosen = s.dialogs?.chooseFolderToClassify
          ? await s.dialogs.chooseFolderToClassify()
          : needPath('To classify a folder');
        if (chosen === null) return null;
        source = { path: chosen };
      }
      const { listed, name, done } = await openSource(s, source);
      try {
        return await s.batch.run(model, name, listed, (p) => s.events.emit({ type: 'batch-progress', ...p }));
      } finally {
        await done().catch(() => undefined);
      }
    },
    stopClassifyFolder: async () => s.batch.stop(),
    batchThumbnails: (ids) => s.batch.thumbnails(ids),
    batchCsv: async () => s.batch.csv(),
  };
}
