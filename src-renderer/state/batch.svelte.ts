// Classifying a whole folder (or several files) from the classify box: the source is a path
// (Electron, or typed), or a folder/files picked in the browser and uploaded first; progress while
// uploading and classifying, Stop, the result table's filter and sort, its thumbnails, and the CSV.

import type { AppEvent, BatchResult, BatchSource, CatnetApi } from '../../src-main/contract.js';
import { type BatchFilter, type BatchSort, visibleRows } from './batch-table.js';
import type { PickedGroup } from './dropped-files.js';
import { errorMessage } from './errors.js';
import { ThumbnailCache } from './thumbnails.svelte.js';
import { type UploadProgress, uploadGroup } from './upload.js';

type BatchProgress = Extract<AppEvent, { type: 'batch-progress' }>;

export class BatchState {
  result = $state.raw<BatchResult | null>(null);
  busy = $state(false);
  uploading = $state.raw<UploadProgress | null>(null);
  progress = $state.raw<BatchProgress | null>(null);
  error = $state<string | null>(null);
  sort = $state<BatchSort>('file');
  filter = $state<BatchFilter>('all');
  readonly rows = $derived(this.result ? visibleRows(this.result.rows, this.filter, this.sort) : []);
  readonly thumbs: ThumbnailCache;
  #upload: AbortController | null = null;

  constructor(private readonly api: CatnetApi) {
    this.thumbs = new ThumbnailCache((ids) => api.batchThumbnails(ids));
  }

  /** Classifies files on disk (no source: the native folder dialog). */
  classify(source?: BatchSource): Promise<void> {
    return this.#run(() => this.api.classifyFolder(source));
  }

  /** Browser mode: uploads the picked files, then classifies them (the upload is deleted afterwards). */
  classifyGroup(group: PickedGroup): Promise<void> {
    return this.#run(async () => {
      const controller = new AbortController();
      this.#upload = controller;
      try {
        const uploadId = await uploadGroup(this.api, group, {
          signal: controller.signal,
          onProgress: (p) => {
            this.uploading = p;
          },
        });
        this.uploading = null;
        return await this.api.classifyFolder({ uploadId });
      } finally {
        this.#upload = null;
      }
    });
  }

  /** Cancels the upload, or stops the classification (the rows so far are kept). */
  stop(): void {
    if (this.#upload) this.#upload.abort();
    else void this.api.stopClassifyFolder().catch(() => undefined);
  }

  onProgress(event: BatchProgress): void {
    if (this.busy) this.progress = event;
  }

  /** Saves the table as CSV (the columns of `catnet predict --csv`) through the browser's download. */
  async exportCsv(): Promise<void> {
    try {
      const text = await this.api.batchCsv();
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = 'catnet-predictions.csv';
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      this.error = `Exporting the CSV failed: ${errorMessage(err)}`;
    }
  }

  reset(): void {
    this.result = null;
    this.error = null;
    this.thumbs.clear();
  }

  async #run(call: () => Promise<BatchResult | null>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    this.progress = null;
    this.uploading = null;
    try {
      const result = await call();
      if (result) {
        this.thumbs.clear();
        this.result = result;
        this.filter = 'all';
      }
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = false;
      this.uploading = null;
      this.progress = null;
    }
  }
}
