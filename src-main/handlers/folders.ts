// The project's images: folders added by path (or the native dialog), folders uploaded from a browser
// (announce, send each file, add), removals, the grid's pages (with the model's probabilities) and
// thumbnails, and the import reports.

import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FolderImportReport, Role } from '../contract.js';
import type { HandlerGroup, Session } from '../session.js';
import { needPath } from '../session.js';

type FolderMethods =
  | 'addFolder'
  | 'removeFolder'
  | 'removeImage'
  | 'listImages'
  | 'thumbnails'
  | 'lastImportReports'
  | 'beginUpload'
  | 'uploadFile'
  | 'cancelUpload'
  | 'addUploadedFolder'
  | 'cancelImport';

/** Running imports, by role: cancelImport aborts them. */
type Running = Map<Role, AbortController>;

/**
 * Imports `folder` for `role`, saves, announces; `extraSkipped` are files the upload never sent.
 * null when cancelled (cancelImport): the project is unchanged.
 */
async function importFolder(
  s: Session,
  running: Running,
  role: Role,
  folder: string,
  extraSkipped: FolderImportReport['skipped'] = [],
): Promise<FolderImportReport | null> {
  if (running.has(role)) throw new Error(`A folder is already being imported here: wait for it, or cancel it`);
  const controller = new AbortController();
  running.set(role, controller);
  let imported: FolderImportReport;
  try {
    imported = await s.library.addFolder(role, folder, { ...s.importHooks(), signal: controller.signal });
  } catch (error) {
    if (controller.signal.aborted) return null;
    throw error;
  } finally {
    running.delete(role);
  }
  s.missingFolders = s.missingFolders.filter((f) => !(f.role === role && f.path === imported.folder));
  const report = extraSkipped.length > 0 ? { ...imported, skipped: [...extraSkipped, ...imported.skipped] } : imported;
  await s.changed();
  s.events.emit({ type: 'import-done', report });
  return report;
}

export function folderHandlers(s: Session): HandlerGroup<FolderMethods> {
  const running: Running = new Map();
  return {
    addFolder: async (role, path) => {
      const folder = path ?? (s.dialogs ? await s.dialogs.chooseFolder(role) : needPath('To add a folder'));
      if (folder === null) return null;
      return importFolder(s, running, role, folder);
    },
    removeFolder: async (role, path) => {
      const missing = s.missingFolders.filter((f) => !(f.role === role && f.path === path));
      const wasMissing = missing.length < s.missingFolders.length;
      s.missingFolders = missing;
      if (!s.library.removeFolder(role, path) && !wasMissing)
        throw new Error(`${path} is not a ${role} folder of this project`);
      return s.changed();
    },
    removeImage: async (id) => {
      s.library.removeImage(id);
      return s.changed();
    },
    listImages: async (role, offset, limit) => {
      const page = s.library.list(role, offset, limit);
      const model = s.models.model;
      if (!model) return page;
      const images = await s.scores.withProbabilities(model, page.images, (id) => s.library.image(id).vector);
      return { total: page.total, images };
    },
    thumbnails: (ids) => s.library.thumbnails(ids),
    lastImportReports: async () => s.library.reports(),
    beginUpload: (name, files) => s.uploads.begin(name, files),
    uploadFile: (id, path, bytes) => s.uploads.put(id, path, bytes),
    cancelUpload: (id) => s.uploads.cancel(id),
    addUploadedFolder: async (role, id) => {
      const { folder, skipped } = await s.uploads.finish(id);
      // Files the browser never sent (too large, or the upload stopped): reason code, then the line for people.
      const unsent = skipped.map(({ path, reason }) => ({ path, reason: 'not-uploaded', message: reason }));
      const report = await importFolder(s, running, role, folder, unsent);
      // A cancelled import leaves the upload out of the project: its files go.
      if (report === null) await rm(dirname(folder), { recursive: true, force: true });
      return report;
    },
    cancelImport: async (role) => {
      const controller = running.get(role);
      controller?.abort(new Error('Import cancelled'));
      return { cancelling: controller !== undefined };
    },
  };
}
