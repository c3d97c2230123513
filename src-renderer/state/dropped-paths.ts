// File-system paths of files/folders dropped on the window. Only Electron can know them (the preload
// exposes webUtils.getPathForFile); in a browser, File objects carry no path, so this returns [].

import type { CatnetApi } from '../../src-main/contract.js';

type PathBridge = { pathForFile?: (file: File) => string };

export function droppedFolderPaths(data: DataTransfer | null): string[] {
  if (!data) return [];
  const bridge = (globalThis as { catnet?: CatnetApi & PathBridge }).catnet;
  if (!bridge?.pathForFile) return [];
  const paths: string[] = [];
  for (const file of Array.from(data.files)) {
    try {
      const path = bridge.pathForFile(file);
      if (path) paths.push(path);
    } catch {
      // Not a file from the file system (e.g. dragged text): nothing to add.
    }
  }
  return paths;
}
