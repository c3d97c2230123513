// Section 4, Classify: the prediction for the image the user picked (a grid image, a file on disk,
// or a file dropped into the browser), with the 64x64 input the model saw.

import type { CatnetApi, Prediction } from '../../src-main/contract.js';

/** Largest file accepted for upload (the API takes 50 MB). */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

export class ClassifyState {
  prediction = $state.raw<Prediction | null>(null);
  /** What was classified, for the caption: a file name or "image #12 (training Cat)". */
  subject = $state('');
  busy = $state(false);
  /** Why the last classification failed (shown in the panel, not the global banner). */
  error = $state<string | null>(null);
  /** The grid image last classified, so a newly opened model can classify it again. */
  lastImageId = $state<number | null>(null);

  constructor(private readonly api: CatnetApi) {}

  async image(id: number, subject: string): Promise<void> {
    this.lastImageId = id;
    await this.#classify(subject, () => this.api.classifyImage(id));
  }

  /** Electron: native open dialog (path optional); null result = cancelled. */
  async file(path?: string): Promise<void> {
    this.lastImageId = null;
    await this.#classify(path ?? 'chosen file', () => this.api.classifyFile(path));
  }

  async upload(file: File): Promise<void> {
    this.lastImageId = null;
    if (file.size > MAX_UPLOAD_BYTES) {
      this.error = `${file.name} is ${Math.round(file.size / 1048576)} MB; the limit is 50 MB. Choose a smaller image.`;
      return;
    }
    await this.#classify(file.name, async () => this.api.classifyBytes(await toBase64(file), file.name));
  }

  async #classify(subject: string, call: () => Promise<Prediction | null>): Promise<void> {
    this.busy = true;
    this.error = null;
    this.prediction = null;
    try {
      const prediction = await call();
      if (prediction) {
        this.prediction = prediction;
        this.subject = subject;
      }
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    } finally {
      this.busy = false;
    }
  }

  reset(): void {
    this.prediction = null;
    this.subject = '';
    this.error = null;
    this.lastImageId = null;
  }
}

/** The file's bytes as base64 (without the data-URL prefix). */
async function toBase64(file: File): Promise<string> {
  const url = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () =>
      reject(new Error(`Could not read ${file.name}: ${reader.error?.message ?? 'unknown error'}`));
    reader.readAsDataURL(file);
  });
  return url.slice(url.indexOf(',') + 1);
}
