// Recognises a classifier in a (structurally checked) ONNX graph: the input image's preprocessing
// (Cast to float, scale by 1/255), an optional convolutional body (conv-chain.ts), flatten, then per
// layer a linear step (Gemm, or MatMul [+ Add]) and an activation, ending in Sigmoid with one unit =
// the probability. Nodes after
// that may only derive the label from the probability. Walks the nodes in their (topological) order
// and rejects anything that branches off or does something else, so onnxruntime and the engine compute
// the same function.

import type { Activation, FeatureSpec } from '../nn/model.js';
import { IMAGE_SIZE, LEAKY_SLOPE } from '../nn/model.js';
import { floatAttribute, intAttribute } from './attributes.js';
import { ConvBody } from './conv-chain.js';
import { type Derived, labelStep } from './label-branch.js';
import { ModelRejected } from './model-error.js';
import { DT, type OnnxTypes } from './schema.js';
import { int64ToNumber, readFloats, readInt64s } from './tensors.js';

export interface Layer {
  /** (n, nPrev) row-major, as the engine's W[l]. */
  W: Float32Array;
  b: Float32Array;
  n: number;
  nPrev: number;
  g: Activation;
}

export interface Chain {
  inputName: string;
  /** Set when the file fixes the batch dimension (e.g. 1): a runtime must feed exactly that many. */
  fixedBatch?: number;
  probabilityName: string;
  labelName?: string;
  layers: Layer[];
  /** The convolutional body before the dense layers (empty for a fully connected net). */
  features: FeatureSpec[];
  /** Per conv layer: filters (filters, c_in, k, k) and biases (filters), as the engine's convW / convB. */
  convW: Float32Array[];
  convB: Float32Array[];
  /** The constant the label branch compares the probability with, when there is one. */
  graphThreshold?: number;
}

const ACTIVATION_OF: Record<string, Activation> = {
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Relu: 'relu',
  LeakyRelu: 'leaky_relu',
};

type Tensor = OnnxTypes.ITensorProto;
type Pending = { W: Float32Array; b: Float32Array; n: number; nPrev: number; fromMatMul: boolean; hasBias: boolean };

export function recogniseChain(graph: OnnxTypes.IGraphProto, opset: number, file: string): Chain {
  const constants = new Map<string, Tensor>();
  for (const t of graph.initializer ?? []) constants.set(t.name ?? '', t);
  for (const n of graph.node ?? [])
    if (n.opType === 'Constant') constants.set(n.output?.[0] ?? '', constantValue(n, file));

  const inputs = (graph.input ?? []).filter((v) => !constants.has(v.name ?? ''));
  if (inputs.length !== 1)
    throw new Error(`${file}: the graph has ${inputs.length} inputs; catnet models take one image input.`);
  const input = inputs[0];
  const fixedBatch = checkInput(input, file);
  checkSingleAssignment(graph, file);
  const outputs = new Map((graph.output ?? []).map((o) => [o.name ?? '', o]));

  let cur = input.name ?? '';
  let cast = false;
  let scaled = false;
  let flat = false;
  const body = new ConvBody();
  let pending: Pending | undefined;
  const layers: Layer[] = [];
  let probabilityName: string | undefined;
  const derived = new Map<string, Derived>();
  let graphThreshold: number | undefined;

  for (const [i, node] of (graph.node ?? []).entries()) {
    const op = node.opType ?? '';
    if (op === 'Constant') continue;
    const where = `${file}: node ${i} "${node.name || op}" (${op})`;
    const ins = (node.input ?? []).filter((s) => s !== '');
    const outs = node.output ?? [];
    if (outs.length !== 1) throw new Error(`${where} has ${outs.length} outputs; expected 1.`);
    const other = () => {
      const rest = ins.filter((s) => s !== cur);
      const c = rest.length === 1 ? constants.get(rest[0]) : undefined;
      if (!c) throw new Error(`${where}: its second operand must be a constant.`);
      return readFloats(c, `${where} operand "${rest[0]}"`);
    };

    if (probabilityName !== undefined) {
      const t = labelStep(node, ins, derived, constants, opset, where);
      if (t !== undefined && graphThreshold !== undefined && t !== graphThreshold)
        throw new Error(`${where}: a second, different threshold (${t} and ${graphThreshold}).`);
      graphThreshold ??= t;
      continue;
    }

    if (!ins.includes(cur))
      throw new Error(`${where} does not continue the network from "${cur}"; branching graphs are not supported.`);
    const first = ['Div', 'Gemm', 'MatMul', 'Flatten', 'Reshape', 'Cast', 'Identity', 'Transpose', 'Conv', 'MaxPool'];
    if (first.includes(op) && ins[0] !== cur) throw new Error(`${where} must take "${cur}" as its first input.`);
    switch (op) {
      case 'Identity':
        break;
      case 'Cast': {
        const to = intAttribute(node, 'to');
        if (to !== DT.FLOAT || layers.length > 0 || pending || body.started)
          throw new Error(`${where}: only a cast of the image to float is supported.`);
        cast = true;
        break;
      }
      case 'Div':
      case 'Mul': {
        const { dims, values: c } = other();
        // A scalar (rank <= 1), so broadcasting keeps the image's shape.
        const scalar = dims.length <= 1 && c.length === 1;
        const ok = scalar && (op === 'Div' ? c[0] === 255 : Math.abs(c[0] - 1 / 255) < 1e-9);
        if (!ok || !cast || scaled || layers.length > 0 || pending || body.started)
          throw new Error(`${where}: only scaling the image by 1/255 (once, after the cast to float) is supported.`);
        scaled = true;
        break;
      }
      case 'Flatten': {
        const axis = intAttribute(node, 'axis') ?? 1;
        if ((axis !== 1 && axis !== -3) || flat)
          throw new Error(`${where}: only flattening the image at axis 1 is supported.`);
        checkFlattenable(body, where);
        flat = true;
        break;
      }
      case 'Transpose':
        if (flat) throw new Error(`${where}: a Transpose after the flatten is not supported.`);
        body.transpose(node, where);
        break;
      case 'Conv':
        if (!cast || !scaled || flat)
          throw new Error(`${where}: a Conv must follow the image preprocessing (cast to float, divide by 255).`);
        body.conv(node, ins, constants, where);
        break;
      case 'MaxPool':
        if (!cast || !scaled || flat)
          throw new Error(`${where}: a MaxPool must follow the image preprocessing (cast to float, divide by 255).`);
        body.pool(node, where);
        break;
      case 'Reshape': {
        const s = ins[1] ? constants.get(ins[1]) : undefined;
        const shape = s ? readInt64s(s, `${where} shape`).values : [];
        const allowZero = intAttribute(node, 'allowzero') ?? 0;
        const batchFirst = shape[0] === -1 || (shape[0] === 0 && allowZero === 0);
        if (flat || shape.length !== 2 || shape[1] !== body.flatSize || !batchFirst)
          throw new Error(
            `${where}: only reshaping the image or the feature maps to [N, ${body.flatSize}] is supported.`,
          );
        checkFlattenable(body, where);
        flat = true;
        break;
      }
      case 'Gemm':
      case 'MatMul': {
        if (!cast || !scaled || !flat || pending)
          throw new Error(
            `${where}: a layer must follow the image preprocessing (cast to float, divide by 255, flatten) or an activation.`,
          );
        const nPrev = layers.length === 0 ? body.flatSize : layers[layers.length - 1].n;
        pending =
          op === 'Gemm' ? gemmLayer(node, ins, constants, nPrev, where) : matMulLayer(ins, constants, nPrev, where);
        break;
      }
      case 'Add': {
        if (!pending || pending.hasBias) throw new Error(`${where}: an Add must follow a MatMul (the bias).`);
        const c = other();
        pending.b.set(biasVector(c, pending.n, 1, where));
        pending.hasBias = true;
        break;
      }
      case 'Relu':
      case 'Tanh':
      case 'Sigmoid':
      case 'LeakyRelu': {
        if (op === 'LeakyRelu') {
          const alpha = floatAttribute(node, 'alpha', where) ?? 0.01;
          if (Math.abs(alpha - LEAKY_SLOPE) > 1e-7)
            throw new Error(
              `${where}: LeakyRelu alpha ${Number(alpha.toPrecision(7))} is not supported (catnet uses ${LEAKY_SLOPE}).`,
            );
        }
        if (!flat && body.activate(ACTIVATION_OF[op])) break;
        if (!pending) throw new Error(`${where}: an activation must follow a Conv, Gemm or MatMul.`);
        layers.push({ W: pending.W, b: pending.b, n: pending.n, nPrev: pending.nPrev, g: ACTIVATION_OF[op] });
        pending = undefined;
        break;
      }
      default:
        throw new Error(`${where}: operator not supported at this point of the network.`);
    }
    cur = outs[0];
    if (outputs.has(cur)) {
      const last = layers[layers.length - 1];
      if (pending || !last || last.g !== 'sigmoid' || last.n !== 1)
        throw new Error(`${file}: the output "${cur}" is not a one-unit sigmoid layer (a probability).`);
      probabilityName = cur;
      derived.set(cur, { rank: 2, elemType: DT.FLOAT });
    }
  }
  if (probabilityName === undefined)
    throw new Error(`${file}: no graph output is the network's final sigmoid (the probability).`);
  let labelName: string | undefined;
  for (const [name, info] of outputs) {
    const d = derived.get(name);
    if (!d) throw new Error(`${file}: output "${name}" is not derived from the probability.`);
    // The declared type and rank (when given) must be what the nodes compute, or runtimes refuse the file.
    const tt = info.type?.tensorType;
    const rank = tt?.shape?.dim?.length;
    if (!tt || (tt.elemType && tt.elemType !== d.elemType) || (tt.shape && rank !== d.rank))
      throw new Error(`${file}: output "${name}" is declared as a different type or shape than its nodes compute.`);
    if (name !== probabilityName && d.elemType === DT.INT64 && d.rank === 1) labelName ??= name;
  }
  const { features, convW, convB } = body;
  return {
    inputName: input.name ?? '',
    fixedBatch,
    probabilityName,
    labelName,
    layers,
    features,
    convW,
    convB,
    graphThreshold,
  };
}

/**
 * The flatten must read the HWC image (the course's nets) or an activated conv body in NCHW; the
 * image merely transposed would unroll in CHW order, which no catnet network reads.
 */
function checkFlattenable(body: ConvBody, where: string): void {
  if (body.pending) throw new Error(`${where}: a Conv must be followed by its activation before the flatten.`);
  if (body.transposed && body.features.length === 0)
    throw new ModelRejected(
      'unsupported',
      `${where}: the image is transposed to NCHW but no Conv or MaxPool reads it.`,
    );
}

/** Largest fixed batch dimension accepted (a runtime pads the last batch up to it). */
const MAX_FIXED_BATCH = 4096;

/** The image input must be uint8 [N, 64, 64, 3]; returns N when the file fixes it. */
function checkInput(v: OnnxTypes.IValueInfoProto, file: string): number | undefined {
  const tt = v.type?.tensorType;
  if (!tt) throw new Error(`${file}: input "${v.name}" is not a tensor.`);
  const dims = (tt.shape?.dim ?? []).map((d) =>
    d.dimValue !== undefined && d.dimValue !== null
      ? String(int64ToNumber(d.dimValue, `${file}: input dimension`))
      : d.dimParam || '?',
  );
  const want = [IMAGE_SIZE, IMAGE_SIZE, 3].map(String);
  const batch = /^\d+$/.test(dims[0] ?? '') ? Number(dims[0]) : undefined;
  const batchOk = batch === undefined || (batch >= 1 && batch <= MAX_FIXED_BATCH);
  const shapeOk = dims.length === 4 && dims.slice(1).every((d, i) => d === want[i]) && batchOk;
  if (tt.elemType !== DT.UINT8 || !shapeOk)
    throw new Error(
      `${file}: input "${v.name}" is ${tt.elemType === DT.UINT8 ? 'uint8' : `type ${tt.elemType}`} [${dims.join(', ')}]; ` +
        `catnet models take uint8 [N, ${IMAGE_SIZE}, ${IMAGE_SIZE}, 3] (RGB bytes, HWC).`,
    );
  return batch;
}

/** Every value is defined once (inputs, initializers, node outputs) and node names are unique, as ONNX requires. */
function checkSingleAssignment(graph: OnnxTypes.IGraphProto, file: string): void {
  const defined = new Set<string>();
  const define = (name: string | null | undefined, what: string) => {
    if (!name) throw new Error(`${file}: ${what} has no name.`);
    if (defined.has(name)) throw new Error(`${file}: the value "${name}" is defined twice (${what}).`);
    defined.add(name);
  };
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  for (const v of graph.input ?? []) if (!initializers.has(v.name ?? '')) define(v.name, 'graph input');
  for (const t of graph.initializer ?? []) define(t.name, 'initializer');
  const nodeNames = new Set<string>();
  for (const [i, n] of (graph.node ?? []).entries()) {
    for (const o of n.output ?? []) define(o, `output of node ${i} "${n.name || n.opType}"`);
    if (n.name && nodeNames.has(n.name)) throw new Error(`${file}: two nodes are named "${n.name}".`);
    if (n.name) nodeNames.add(n.name);
  }
}

function gemmLayer(
  node: OnnxTypes.INodeProto,
  ins: string[],
  constants: Map<string, Tensor>,
  nPrev: number,
  where: string,
): Pending {
  if ((intAttribute(node, 'transA') ?? 0) !== 0) throw new Error(`${where}: Gemm with transA is not supported.`);
  const transB = (intAttribute(node, 'transB') ?? 0) !== 0;
  const alpha = floatAttribute(node, 'alpha', where) ?? 1;
  const beta = floatAttribute(node, 'beta', where) ?? 1;
  const B = weightMatrix(ins[1], constants, where);
  const [rows, cols] = B.dims;
  const n = transB ? rows : cols;
  if ((transB ? cols : rows) !== nPrev)
    throw new Error(`${where}: weights are ${rows} x ${cols}; the previous layer has ${nPrev} units.`);
  const W = transB ? B.values : transpose(B.values, rows, cols);
  if (alpha !== 1) for (let i = 0; i < W.length; i++) W[i] *= alpha;
  checkScaledFinite(W, 'alpha * weights', where);
  const b = new Float32Array(n);
  if (ins[2]) {
    const C = constants.get(ins[2]);
    if (!C) throw new Error(`${where}: the bias "${ins[2]}" must be a constant.`);
    b.set(biasVector(readFloats(C, `${where} bias`), n, beta, where));
    checkScaledFinite(b, 'beta * bias', where);
  }
  return { W, b, n, nPrev, fromMatMul: false, hasBias: ins[2] !== undefined };
}

/**
 * beta * bias as n values. Only shapes that broadcast along the units of Z [N, n] are accepted: [n],
 * [1, n], and one value ([], [1], [1, 1]); [n, 1] would broadcast along the examples instead.
 */
function biasVector(c: { dims: number[]; values: Float32Array }, n: number, beta: number, where: string): Float32Array {
  const { dims, values } = c;
  const last = dims.length === 0 ? 1 : dims[dims.length - 1];
  const ok = dims.length <= 2 && dims.slice(0, -1).every((d) => d === 1) && (last === n || last === 1);
  if (!ok) throw new Error(`${where}: a bias of shape [${dims.join(', ')}] does not fit ${n} units.`);
  const b = new Float32Array(n);
  for (let r = 0; r < n; r++) b[r] = beta * (values.length === 1 ? values[0] : values[r]);
  return b;
}

function matMulLayer(ins: string[], constants: Map<string, Tensor>, nPrev: number, where: string): Pending {
  const B = weightMatrix(ins[1], constants, where);
  const [rows, cols] = B.dims;
  if (rows !== nPrev)
    throw new Error(`${where}: weights are ${rows} x ${cols}; the previous layer has ${nPrev} units.`);
  return {
    W: transpose(B.values, rows, cols),
    b: new Float32Array(cols),
    n: cols,
    nPrev,
    fromMatMul: true,
    hasBias: false,
  };
}

function weightMatrix(name: string | undefined, constants: Map<string, Tensor>, where: string) {
  const t = name ? constants.get(name) : undefined;
  if (!t) throw new Error(`${where}: the weights "${name}" must be a constant (an initializer).`);
  const { dims, values } = readFloats(t, `${where} weights "${name}"`);
  if (dims.length !== 2 || dims[0] === 0 || dims[1] === 0)
    throw new Error(`${where}: weights "${name}" have shape [${dims.join(', ')}]; expected a matrix.`);
  return { dims, values };
}

/** B (rows, cols) row-major -> B^T (cols, rows) row-major. */
function transpose(B: Float32Array, rows: number, cols: number): Float32Array {
  const T = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) T[c * rows + r] = B[r * cols + c];
  return T;
}

/** alpha * W and beta * b overflow float32 for large enough factors: the engine would compute Inf/NaN. */
function checkScaledFinite(values: Float32Array, what: string, where: string): void {
  for (const v of values)
    if (!Number.isFinite(v))
      throw new ModelRejected(
        'not-finite',
        `${where}: ${what} is ${v} (float32 overflow); every float must be finite.`,
      );
}

/** A Constant node's value as a tensor (value, value_float(s), value_int(s)). */
function constantValue(node: OnnxTypes.INodeProto, file: string): Tensor {
  const a = node.attribute?.[0];
  if (!a || (node.attribute?.length ?? 0) !== 1)
    throw new Error(`${file}: Constant node "${node.name}" must have one value.`);
  switch (a.name) {
    case 'value':
      if (a.t) return a.t;
      break;
    case 'value_float':
      return { dims: [], dataType: DT.FLOAT, floatData: [a.f ?? 0] };
    case 'value_floats':
      return { dims: [a.floats?.length ?? 0], dataType: DT.FLOAT, floatData: a.floats ?? [] };
    case 'value_int':
      return { dims: [], dataType: DT.INT64, int64Data: [a.i ?? 0] };
    case 'value_ints':
      return { dims: [a.ints?.length ?? 0], dataType: DT.INT64, int64Data: a.ints ?? [] };
  }
  throw new Error(`${file}: Constant node "${node.name}" has an unsupported value "${a.name}".`);
}
