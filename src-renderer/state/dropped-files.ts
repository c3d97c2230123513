// What a drop or a file input gave, as either file-system paths (Electron: webUtils.getPathForFile via
// the preload) or files to upload (a browser never reveals paths): one group per dropped folder, read
// recursively through DataTransferItem.webkitGetAsEntry(), with each file's path relative to it; loose
// files form one group. Plain DOM, no Svelte.

import type { CatnetApi } from '../../src-main/contract.js';

export interface PickedFile {
  /** Relative path inside its group, '/'-separated ("sub/a.png"). */
  path: string;
  file: File;
}

export interface PickedGroup {
  /** The folder's name, or LOOSE_FILES for files dropped on their own. */
  name: string;
  files: PickedFile[];
  /** True for a dropped or chosen folder. */
  folder: boolean;
}

export type Dropped =
  | { kind: 'paths'; paths: string[]; files: File[] }
  | { kind: 'files'; groups: PickedGroup[] }
  | { kind: 'empty' };

export const LOOSE_FILES = 'files';

type PathBridge = { pathForFile?: (file: File) => string };

/** File-system paths of dropped files/folders (Electron only; [] in a browser). */
export function droppedPaths(data: DataTransfer | null): string[] {
  const bridge = (globalThis as { catnet?: CatnetApi & PathBridge }).catnet;
  if (!data || !bridge?.pathForFile) return [];
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

/**
 * Reads a drop. Must be called inside the drop event: the entries are taken before the first await
 * (a DataTransfer is emptied once its event returns).
 */
export function readDrop(data: DataTransfer | null): Promise<Dropped> {
  const paths = droppedPaths(data);
  if (paths.length > 0) return Promise.resolve({ kind: 'paths', paths, files: Array.from(data?.files ?? []) });
  const items = Array.from(data?.items ?? []).filter((item) => item.kind === 'file');
  const taken = items.map((item) => ({ entry: item.webkitGetAsEntry?.() ?? null, file: item.getAsFile() }));
  return (async () => {
    const groups: PickedGroup[] = [];
    const loose: PickedFile[] = [];
    for (const { entry, file } of taken) {
      if (entry?.isDirectory) {
        const files: PickedFile[] = [];
        await walk(entry as FileSystemDirectoryEntry, '', files);
        groups.push({ name: entry.name, files, folder: true });
      } else if (file) {
        loose.push({ path: file.name, file });
      }
    }
    if (loose.length > 0) groups.push({ name: LOOSE_FILES, files: uniquePaths(loose), folder: false });
    return groups.length > 0 ? { kind: 'files', groups } : { kind: 'empty' };
  })();
}

/** The files of an <input type="file"> (webkitdirectory or not) as groups, by their first folder. */
export function readInput(list: FileList | null): PickedGroup[] {
  const byFolder = new Map<string, PickedFile[]>();
  const loose: PickedFile[] = [];
  for (const file of Array.from(list ?? [])) {
    const parts = file.webkitRelativePath ? file.webkitRelativePath.split('/') : [];
    if (parts.length < 2) {
      loose.push({ path: file.name, file });
      continue;
    }
    const [top, ...rest] = parts;
    const files = byFolder.get(top!) ?? [];
    files.push({ path: rest.join('/'), file });
    byFolder.set(top!, files);
  }
  const groups: PickedGroup[] = [...byFolder].map(([name, files]) => ({ name, files, folder: true }));
  if (loose.length > 0) groups.push({ name: LOOSE_FILES, files: uniquePaths(loose), folder: false });
  return groups;
}

/** True when a drop is one image file (classified on its own rather than as a table). */
export function isSingleImage(files: readonly File[]): boolean {
  return files.length === 1 && files[0]!.type.startsWith('image/');
}

async function walk(dir: FileSystemDirectoryEntry, prefix: string, out: PickedFile[]): Promise<void> {
  const reader = dir.createReader();
  for (;;) {
    // readEntries gives at most ~100 entries a call; it is called until it gives none.
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return;
    for (const entry of batch) {
      if (entry.isDirectory) await walk(entry as FileSystemDirectoryEntry, `${prefix}${entry.name}/`, out);
      else if (entry.isFile) {
        const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
        out.push({ path: `${prefix}${entry.name}`, file });
      }
    }
  }
}

/** Loose files with the same name (from different folders) get " (2)", " (3)" ... */
function uniquePaths(files: PickedFile[]): PickedFile[] {
  const seen = new Map<string, number>();
  return files.map((f) => {
    const n = (seen.get(f.path) ?? 0) + 1;
    seen.set(f.path, n);
    if (n === 1) return f;
    const dot = f.path.lastIndexOf('.');
    const path = dot > 0 ? `${f.path.slice(0, dot)} (${n})${f.path.slice(dot)}` : `${f.path} (${n})`;
    return { path, file: f.file };
  });
}
