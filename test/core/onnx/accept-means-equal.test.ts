// Property: whatever graph importOnnx accepts, onnxruntime running the file and the engine running
// the imported model compute the same probabilities. Graphs come from random structural edits of
// catnet's own (dense and CNN) and a foreign-style file (nodes dropped, swapped, inputs rewired, attributes, data
// types and dims changed).
import fc from 'fast-check';
import * as ort from 'onnxruntime-node';
import { expect, it } from 'vitest';
import { predictProbabilities } from '../../../src-core/nn/predict.js';
import { exportOnnx } from '../../../src-core/onnx/export.js';
import { analyseOnnx } from '../../../src-core/onnx/import.js';
import type { OnnxTypes } from '../../../src-core/onnx/schema.js';
import { features, randomCnnModel } from '../../helpers/onnx-cnn.js';
import { editModel, foreignModel } from '../../helpers/onnx-graphs.js';
import { maxAbsDiff, randomModel, randomPixels } from '../../helpers/onnx-oracle.js';

const m = 4;
const X = randomPixels(m, 5);
const bases = [
  exportOnnx(randomModel([5, 3], 'tanh', 2, 6)),
  foreignModel(randomModel([4], 'leaky_relu', 3, 6)),
  exportOnnx(randomCnnModel(features('c3,p,c4k5,c2,p', 'relu'), [4], 'tanh', 4, 3)),
];

type Edit = { kind: number; a: number; b: number; v: number };
function apply(g: OnnxTypes.IGraphProto, e: Edit): void {
  const nodes = g.node!;
  const n = nodes[e.a % nodes.length];
  const names = [...nodes.flatMap((x) => x.output ?? []), ...(g.initializer ?? []).map((t) => t.name ?? '')];
  switch (e.kind) {
    case 0: // drop a node
      nodes.splice(e.a % nodes.length, 1);
      break;
    case 1: {
      // swap two nodes
      const j = e.b % nodes.length;
      [nodes[e.a % nodes.length], nodes[j]] = [nodes[j], n];
      break;
    }
    case 2: // rewire an input to another value
      if (n.input?.length) n.input[e.b % n.input.length] = names[e.v % names.length];
      break;
    case 3: // change an integer attribute (transB, axis, to, group) or one entry of a list (pads, strides, perm, ...)
      for (const at of n.attribute ?? []) {
        if (at.type === 2) at.i = e.v % 3;
        if (at.type === 7 && at.ints?.length) at.ints[e.b % at.ints.length] = e.v % 4;
      }
      break;
    case 4: // change the op of an activation, or of a conv-body node
      if (['Relu', 'Tanh', 'Sigmoid', 'LeakyRelu', 'Identity'].includes(n.opType ?? ''))
        n.opType = ['Relu', 'Tanh', 'Sigmoid', 'LeakyRelu', 'Identity'][e.v % 5];
      else if (['Conv', 'MaxPool', 'Transpose'].includes(n.opType ?? ''))
        n.opType = ['Conv', 'MaxPool', 'Transpose', 'Identity'][e.v % 4];
      break;
    case 5: // duplicate a node with a fresh output
      nodes.splice(e.b % (nodes.length + 1), 0, { ...n, output: [`dup${e.v}`] });
      break;
    case 6: {
      // change an initializer's data type (float, double, int64)
      const t = g.initializer?.[e.a % (g.initializer?.length || 1)];
      if (t) t.dataType = [1, 11, 7][e.v % 3];
      break;
    }
    case 7: {
      // transpose an initializer's declared dims
      const t = g.initializer?.[e.a % (g.initializer?.length || 1)];
      if (t?.dims) t.dims = [...t.dims].reverse();
      break;
    }
  }
}

it('every accepted edit runs identically in onnxruntime and the engine', async () => {
  let accepted = 0;
  let tried = 0;
  const edit = fc.record({ kind: fc.nat(7), a: fc.nat(50), b: fc.nat(50), v: fc.nat(1000) });
  await fc.assert(
    fc.asyncProperty(fc.nat(bases.length - 1), fc.array(edit, { minLength: 1, maxLength: 3 }), async (which, edits) => {
      tried++;
      const bytes = editModel(bases[which], (model) => {
        for (const e of edits) apply(model.graph!, e);
      });
      let analysis: ReturnType<typeof analyseOnnx>;
      try {
        analysis = analyseOnnx(bytes, 'edited.onnx');
      } catch {
        return; // refused: fine
      }
      accepted++;
      const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 4 });
      const input = new ort.Tensor('uint8', X, [m, 64, 64, 3]);
      const out = await session.run({ [analysis.inputName]: input });
      const P = out[analysis.probabilityName].data as Float32Array;
      expect(maxAbsDiff(P, predictProbabilities(analysis.model, X, m))).toBeLessThan(1e-5);
      await session.release();
    }),
    { numRuns: Number(process.env.EDITS_RUNS ?? 150), seed: Number(process.env.EDITS_SEED ?? 20261124) },
  );
  console.log(`graph edits: ${tried} tried, ${accepted} accepted, all accepted ones agree with onnxruntime`);
  expect(accepted).toBeGreaterThan(0);
});
