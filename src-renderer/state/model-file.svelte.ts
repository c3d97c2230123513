// Export the trained model as .onnx, and open an .onnx model to classify with it.

import type { ExportResult, ModelInfo } from '../../src-main/contract.js';
import type { AppState } from './app.svelte.js';

export class ModelFileState {
  exportPath = $state('');
  openPath = $state('');
  exported = $state.raw<ExportResult | null>(null);
  opened = $state.raw<ModelInfo | null>(null);
  busy = $state<'export' | 'open' | null>(null);
  /** "Cancelled" and similar quiet outcomes. */
  status = $state('');

  constructor(private readonly app: AppState) {}

  /** Path from the field, or the native save dialog (Electron) when the field is empty. */
  async export(): Promise<void> {
    const path = this.exportPath.trim() || undefined;
    this.busy = 'export';
    this.status = '';
    try {
      const result = await this.app.run('Exporting the model', () => this.app.api.exportModel(path));
      if (result === null) this.status = 'Export cancelled.';
      else if (result) this.exported = result;
    } finally {
      this.busy = null;
    }
  }

  async open(): Promise<void> {
    const path = this.openPath.trim() || undefined;
    this.busy = 'open';
    this.status = '';
    try {
      const model = await this.app.run('Opening the model', () => this.app.api.openModel(path));
      if (model === null) this.status = 'Open cancelled.';
      if (!model) return;
      this.opened = model;
      await this.app.refreshProject();
      void this.app.evaluation.refresh();
      const id = this.app.classify.lastImageId;
      if (id !== null) await this.app.classify.image(id, this.app.classify.subject);
    } finally {
      this.busy = null;
    }
  }

  reset(): void {
    this.exported = null;
    this.opened = null;
    this.status = '';
  }
}
