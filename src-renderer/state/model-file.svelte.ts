// Export the trained model as .onnx, and open an .onnx model to classify with it.

import type { CatnetApi, ExportResult, ModelInfo } from '../../src-main/contract.js';
import type { Run } from './errors.js';

export class ModelFileState {
  exportPath = $state('');
  openPath = $state('');
  exported = $state.raw<ExportResult | null>(null);
  opened = $state.raw<ModelInfo | null>(null);
  busy = $state<'export' | 'open' | null>(null);
  /** "Cancelled" and similar quiet outcomes. */
  status = $state('');

  /** `onOpened`: what the rest of the app does once another model is current (re-read, re-evaluate, ...). */
  constructor(
    private readonly api: CatnetApi,
    private readonly run: Run,
    private readonly onOpened: () => Promise<void>,
  ) {}

  /** Path from the field, or the native save dialog (Electron) when the field is empty. */
  async export(): Promise<void> {
    const path = this.exportPath.trim() || undefined;
    this.busy = 'export';
    this.status = '';
    try {
      const result = await this.run('Exporting the model', () => this.api.exportModel(path));
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
      const model = await this.run('Opening the model', () => this.api.openModel(path));
      if (model === null) this.status = 'Open cancelled.';
      if (!model) return;
      this.opened = model;
      await this.onOpened();
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
