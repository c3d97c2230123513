// Child of the "killed during a model save" test: saves a model to argv[2] over and over, each time
// with every parameter equal to k / 1000 (k = 1, 2, ...), and prints "saved k" after each save.
// argv[3] = 'verify': the app's full save (export, onnxruntime verification, atomic write);
// 'write': export and atomic write only (more of the time is spent inside the write).

import { writeFileAtomic } from '../../src-core/fsio/atomic.js';
import { type Model, N_X } from '../../src-core/nn/model.js';
import { exportOnnx } from '../../src-core/onnx/export.js';
import { saveModel } from '../../src-core/onnx/model-file.js';

export const HIDDEN = 16;

function constantModel(k: number): Model {
  const c = k / 1000;
  return {
    config: { layerDims: [N_X, HIDDEN, 1], activations: ['relu', 'sigmoid'] },
    params: {
      W: [new Float32Array(HIDDEN * N_X).fill(c), new Float32Array(HIDDEN).fill(c)],
      b: [new Float32Array(HIDDEN).fill(c), new Float32Array(1).fill(c)],
    },
    classNames: ['cat', 'non-cat'],
    resize: 'cover',
    threshold: 0.5,
    summary: {},
  };
}

const [path, mode] = process.argv.slice(2);
const pixels = new Uint8Array(2 * N_X).fill(3);
for (let k = 1; ; k++) {
  const model = constantModel(k);
  if (mode === 'verify') await saveModel(path!, model, pixels, 2);
  else await writeFileAtomic(path!, exportOnnx(model));
  process.stdout.write(`saved ${k}\n`);
}
