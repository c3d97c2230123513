// The project's images: folders added by path (or the native dialog), folders uploaded from a browser
// (announce, send each file, add), removals, the grid's pages (with the model's probabilities) and
// thumbnails, and the import reports.

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
  | 'addUploadedFolder';

/** Imports `folder` for `role`, saves, announces; `extraSkipped` are files the upload never sent. */
async function importFolder(
  s: Session,
  role: Role,
  folder: string,
  extraSkipped: FolderImportReport['skipped'] = [],
): Promise<FolderImportReport> {
  const imported = await s.library.addFolder(role, folder, s.importHooks());
  s.missingFolders = s.missingFolders.filter((f) => !(f.role === role && f.path === imported.folder));
  const report = extraSkipped.length > 0 ? { ...imported, skipped: [...extraSkipped, ...imported.skipped] } : imported;
  await s.changed();
  s.events.emit({ type: 'import-done', report });
  return report;
}

export function folderHandlers(s: Session): HandlerGroup<FolderMethods> {
  return {
    addFolder: async (role, path) => {
      const folder = path ?? (s.dialogs ? await s.dialogs.chooseFolder(role) : needPath('To add a folder'));
      if (folder === null) return null;
      return importFolder(s, role, folder);
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
      return importFolder(s, role, folder, unsent);
    },
  };
}
