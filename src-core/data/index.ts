// The data layer's public surface: import folders, preprocess single images, the Dataset.

export { cacheFileFor } from './cache/cache-file.js';
export { type ClassCounts, Dataset, type DatasetTransfer } from './dataset.js';
export { type DuplicateRows, findDuplicates } from './duplicates.js';
export { MAX_DEPTH, MAX_FILES, scanFolder } from './folders.js';
export {
  loadImageFile,
  MAX_FILE_BYTES,
  MAX_PIXELS,
  type PreprocessOptions,
  preprocessImage,
  type ResizeMode,
  readImageBytes,
  vectorToPng,
} from './images.js';
export { type ImportOptions, type ImportProgress, importFolders } from './import.js';
export { ImageRejected, REASON_LABELS, type RejectReason } from './reasons.js';
export type { FileOutcome, FolderSummary, ImportReport, SkippedFile } from './report.js';
export { formatImportSummary } from './report.js';
export { stratifiedIndices } from './split.js';
