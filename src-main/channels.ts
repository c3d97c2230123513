// The names that cross the IPC and HTTP boundary, with no schema library: the sandboxed preload is
// bundled from this file alone (with zod it was 760 KB to parse in every window). contract.ts holds
// the argument schemas and checks at compile time that its methods are exactly these names.

export const API_METHOD_NAMES = [
  'engineInfo',
  'getProject',
  'newProject',
  'setClassNames',
  'updateSettings',
  'addFolder',
  'removeFolder',
  'removeImage',
  'listImages',
  'thumbnails',
  'lastImportReports',
  'createDemo',
  'startTraining',
  'stopTraining',
  'evaluate',
  'classifyImage',
  'classifyFile',
  'classifyBytes',
  'listProjects',
  'saveProjectAs',
  'openProject',
  'beginUpload',
  'uploadFile',
  'cancelUpload',
  'cancelImport',
  'addUploadedFolder',
  'classifyFolder',
  'stopClassifyFolder',
  'batchThumbnails',
  'batchCsv',
  'learnedFeatures',
  'explainImage',
  'exportModel',
  'openModel',
] as const;

export type ApiMethodName = (typeof API_METHOD_NAMES)[number];

/** IPC channel of a method (Electron) and URL path (browser mode). */
export const channelOf = (method: ApiMethodName): string => `catnet:${method}`;
export const EVENT_CHANNEL = 'catnet:event';
