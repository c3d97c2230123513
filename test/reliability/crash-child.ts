// The child process of the crash harness (test/helpers/crash-harness.ts): decodes images and loads
// models from untrusted bytes, one job per IPC message, and answers with the outcome. If a native
// decoder or onnxruntime crashes, only this process dies, and the harness reports the job as a bug.
// Not a test file: the harness bundles it with esbuild and forks it.

import { loadImageFile, preprocessImage } from '../../src-core/data/images.js';
import { importFolders } from '../../src-core/data/import.js';
import { ImageRejected, REASON_LABELS } from '../../src-core/data/reasons.js';
import { N_X } from '../../src-core/nn/model.js';
import { analyseOnnx } from '../../src-core/onnx/import.js';
import { OnnxClassifier } from '../../src-core/onnx/runtime.js';
import type { HarnessJob, HarnessOutcome } from '../helpers/crash-harness.js';

/** Two fixed pseudo-random images for running accepted models. */
function samplePixels(m: number): Uint8Array {
  const pixels = new Uint8Array(m * N_X);
  let s = 7;
  for (let i = 0; i < pixels.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    pixels[i] = s >>> 24;
  }
  return pixels;
}

async function runJob(job: HarnessJob): Promise<HarnessOutcome> {
  try {
    switch (job.kind) {
      case 'image':
      case 'image-file': {
        const vector =
          job.kind === 'image' ? await preprocessImage(Buffer.from(job.bytes)) : await loadImageFile(job.path);
        if (!(vector instanceof Uint8Array) || vector.length !== N_X)
          return { outcome: 'threw', name: 'BadVector', message: `vector of ${vector?.length} bytes` };
        return { outcome: 'accepted', detail: `${vector.length} bytes` };
      }
      case 'import-folder': {
        const { dataset, report } = await importFolders({ folders: [{ path: job.path, label: 1 }] });
        const bad = report.skipped.filter((f) => !(f.reason in REASON_LABELS) || !f.message);
        if (bad.length > 0 || dataset.m !== report.accepted)
          return { outcome: 'threw', name: 'BadReport', message: JSON.stringify(bad.slice(0, 3)) };
        return {
          outcome: 'accepted',
          detail: `${report.accepted} accepted, ${report.skipped.length} skipped`,
          files: report.accepted + report.skipped.length,
        };
      }
      case 'crash':
        // The harness's own test: a native-style death (the signal a segfaulting decoder gets).
        process.kill(process.pid, 'SIGSEGV');
        return { outcome: 'threw', name: 'NotKilled', message: 'SIGSEGV did not end the process' };
      case 'hang':
        await new Promise((resolve) => setTimeout(resolve, 3_600_000));
        return { outcome: 'threw', name: 'NotHung', message: 'woke up' };
      case 'onnx': {
        const analysis = analyseOnnx(job.bytes, 'fuzz.onnx');
        if (!job.run) return { outcome: 'accepted', detail: analysis.model.config.layerDims.join(',') };
        const classifier = await OnnxClassifier.create(job.bytes, 'fuzz.onnx');
        const p = await classifier.predict(samplePixels(2), 2);
        await classifier.release();
        return { outcome: 'accepted', detail: `p = ${Array.from(p).join(', ')}`, probabilities: Array.from(p) };
      }
    }
  } catch (error) {
    if (error instanceof ImageRejected) return { outcome: 'rejected', reason: error.reason, message: error.message };
    if (job.kind === 'onnx' && error instanceof Error && error.message.includes('fuzz.onnx'))
      return { outcome: 'rejected', reason: 'model', message: error.message };
    const e = error instanceof Error ? error : new Error(String(error));
    return { outcome: 'threw', name: e.name, message: e.message };
  }
}

process.on('message', (message: { id: number; job: HarnessJob }) => {
  void runJob(message.job).then((outcome) => process.send?.({ id: message.id, outcome }));
});
process.send?.({ ready: true });
