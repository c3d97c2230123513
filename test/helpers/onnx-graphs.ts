// Hand-built ONNX models for import tests: catnet's own file edited (to make it malformed) and
// graphs written the way other tools write them (MatMul + Add, Gemm without transB, Reshape, Mul).

import type { Model } from '../../src-core/nn/model.js';
import { N_X } from '../../src-core/nn/model.js';
import { type OnnxTypes, onnx } from '../../src-core/onnx/schema.js';

/** Decodes catnet's bytes, lets `edit` change the message, encodes again. */
export function editModel(bytes: Uint8Array, edit: (m: OnnxTypes.ModelProto) => void): Uint8Array {
  const m = onnx.ModelProto.decode(Uint8Array.from(bytes)); // decode gives views into its input: edit a copy
  edit(m);
  return onnx.ModelProto.encode(m).finish();
}

function floats(name: string, dims: number[], values: Float32Array | number[]): OnnxTypes.ITensorProto {
  return { name, dims, dataType: 1, floatData: Array.from(values) };
}

/** B^T of a row-major (rows, cols) matrix. */
function transposed(W: Float32Array, rows: number, cols: number): Float32Array {
  const T = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) T[c * rows + r] = W[r * cols + c];
  return T;
}

const A = onnx.AttributeProto.AttributeType;

/**
 * The same network as `model`, as a PyTorch-style export would write it: Cast, Reshape to [-1, 12288],
 * Mul by 1/255 (order swapped with catnet's), then MatMul(W^T) + Add(b) for even layers and
 * Gemm(transB=0, W^T) for odd ones; only a `probability` output; no metadata; opset 17, IR 8;
 * `batch` names or fixes the batch dimension.
 */
export function foreignModel(model: Model, batch: number | string = 'batch'): Uint8Array {
  const { layerDims, activations } = model.config;
  const L = layerDims.length - 1;
  const initializer: OnnxTypes.ITensorProto[] = [
    { name: 'shape', dims: [2], dataType: 7, int64Data: [-1, N_X] },
    floats('inv255', [], [1 / 255]),
  ];
  const node: OnnxTypes.INodeProto[] = [
    { opType: 'Cast', input: ['input'], output: ['x0'], attribute: [{ name: 'to', type: A.INT, i: 1 }] },
    { opType: 'Reshape', input: ['x0', 'shape'], output: ['x1'] },
    { opType: 'Mul', input: ['inv255', 'x1'], output: ['h0'] },
  ];
  const opName = { sigmoid: 'Sigmoid', tanh: 'Tanh', relu: 'Relu', leaky_relu: 'LeakyRelu' } as const;
  for (let l = 1; l <= L; l++) {
    const n = layerDims[l];
    const nPrev = layerDims[l - 1];
    const WT = transposed(model.params.W[l - 1], n, nPrev);
    initializer.push(floats(`fc${l}.weight`, [nPrev, n], WT), floats(`fc${l}.bias`, [n], model.params.b[l - 1]));
    if (l % 2 === 0) {
      node.push({ opType: 'MatMul', input: [`h${l - 1}`, `fc${l}.weight`], output: [`mm${l}`] });
      node.push({ opType: 'Add', input: [`fc${l}.bias`, `mm${l}`], output: [`z${l}`] });
    } else {
      node.push({ opType: 'Gemm', input: [`h${l - 1}`, `fc${l}.weight`, `fc${l}.bias`], output: [`z${l}`] });
    }
    const g = activations[l - 1];
    const attribute = g === 'leaky_relu' ? [{ name: 'alpha', type: A.FLOAT, f: 0.01 }] : [];
    node.push({ opType: opName[g], input: [`z${l}`], output: [l === L ? 'output' : `h${l}`], attribute });
  }
  const tensor = (elemType: number, dims: Array<number | string>): OnnxTypes.ITypeProto => ({
    tensorType: {
      elemType,
      shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
    },
  });
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'pytorch-like',
    graph: {
      name: 'foreign',
      node,
      initializer,
      input: [{ name: 'input', type: tensor(2, [batch, 64, 64, 3]) }],
      output: [{ name: 'output', type: tensor(1, [batch, 1]) }],
    },
  }).finish();
}
