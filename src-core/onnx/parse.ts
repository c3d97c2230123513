// Untrusted bytes -> a decoded ModelProto that is structurally safe: bounded size and counts, a
// supported IR version and opset, the default domain only, allow-listed operators, no subgraphs, no
// functions, no external or sparse data. Whether the graph is a network catnet understands is
// import.ts's question; this file only decides whether it is safe to look at.

import { ModelRejected } from './model-error.js';
import { type OnnxTypes, onnx } from './schema.js';
import { checkSelfContained } from './tensors.js';
import { scanOnnxWire } from './wire-scan.js';

/** Largest .onnx catnet reads: 256 MiB (a [12288, 4096, ...] network is about 200 MB). */
export const MAX_MODEL_BYTES = 256 * 1024 * 1024;
const MAX_NODES = 10_000;
const MAX_METADATA_ENTRIES = 1000;
const MAX_METADATA_CHARS = 1024 * 1024;

/** IR versions and default-domain opsets whose semantics catnet knows for the operators it allows. */
export const IR_RANGE = [3, 10] as const;
export const OPSET_RANGE = [7, 22] as const;

/** Operators that may appear anywhere, with the attributes each may carry; import.ts decides positions. */
export const ALLOWED_OPS = new Map<string, readonly string[]>([
  ['Cast', ['to', 'saturate']],
  ['Mul', []],
  ['Div', []],
  ['Flatten', ['axis']],
  ['Reshape', ['allowzero']],
  ['Gemm', ['alpha', 'beta', 'transA', 'transB']],
  ['MatMul', []],
  ['Add', []],
  ['Relu', []],
  ['LeakyRelu', ['alpha']],
  ['Tanh', []],
  ['Sigmoid', []],
  ['Greater', []],
  ['GreaterOrEqual', []],
  ['Squeeze', ['axes']],
  ['Identity', []],
  ['Transpose', ['perm']],
  ['Conv', ['kernel_shape', 'pads', 'strides', 'dilations', 'group', 'auto_pad']],
  ['MaxPool', ['kernel_shape', 'pads', 'strides', 'dilations', 'ceil_mode', 'auto_pad', 'storage_order']],
  ['Constant', ['value', 'value_float', 'value_floats', 'value_int', 'value_ints']],
]);

/** Decodes and checks; every error names the file and says what is wrong. */
export function parseOnnx(bytes: Uint8Array, file: string): OnnxTypes.ModelProto {
  if (bytes.length === 0) throw new Error(`${file} is empty; it is not an ONNX model.`);
  if (bytes.length > MAX_MODEL_BYTES)
    throw new Error(`${file} is ${bytes.length} bytes; catnet opens models up to ${MAX_MODEL_BYTES} bytes.`);
  // Counted on the wire first: decoding a hostile file allocates far more than its size.
  scanOnnxWire(bytes, file);
  let model: OnnxTypes.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new Error(`${file} is not a valid ONNX file (it is damaged, truncated or another format): ${reason(e)}.`);
  }
  const fail = (what: string) => new Error(`${file}: ${what}`);

  const ir = Number(model.irVersion);
  if (!ir) throw fail('no IR version: this is not an ONNX model (or the file is damaged).');
  if (ir < IR_RANGE[0] || ir > IR_RANGE[1])
    throw fail(`IR version ${ir} is not supported (catnet reads ${IR_RANGE[0]} to ${IR_RANGE[1]}).`);
  let opset: number | undefined;
  for (const o of model.opsetImport) {
    const v = Number(o.version);
    if (o.domain === '' || o.domain === 'ai.onnx') opset = v;
    else if (o.domain !== 'ai.onnx.ml') throw fail(`operator domain "${o.domain}" is not supported.`);
  }
  if (opset === undefined) throw fail('no opset for the default ONNX domain.');
  if (opset < OPSET_RANGE[0] || opset > OPSET_RANGE[1])
    throw fail(`opset ${opset} is not supported (catnet reads ${OPSET_RANGE[0]} to ${OPSET_RANGE[1]}).`);
  if (model.functions.length > 0) throw fail('model-local functions are not supported.');
  if (model.trainingInfo.length > 0) throw fail('training-info graphs are not supported.');

  const props = model.metadataProps;
  if (props.length > MAX_METADATA_ENTRIES) throw fail(`${props.length} metadata entries is too many.`);
  for (const p of props)
    if ((p.key?.length ?? 0) + (p.value?.length ?? 0) > MAX_METADATA_CHARS)
      throw fail(`metadata entry "${p.key?.slice(0, 60)}" is larger than ${MAX_METADATA_CHARS} characters.`);

  const graph = model.graph;
  if (!graph) throw fail('the model has no graph.');
  const nodes = graph.node ?? [];
  if (nodes.length === 0) throw fail('the graph has no nodes.');
  if (nodes.length > MAX_NODES) throw fail(`the graph has ${nodes.length} nodes (limit ${MAX_NODES}).`);
  if ((graph.sparseInitializer ?? []).length > 0) throw fail('sparse initializers are not supported.');
  for (const t of graph.initializer ?? []) checkSelfContained(t, `${file}: initializer "${t.name}"`);
  for (const [i, n] of nodes.entries()) checkNode(n, `${file}: node ${i} "${n.name || n.opType}"`);
  return model;
}

function checkNode(n: OnnxTypes.INodeProto, where: string): void {
  if (n.domain && n.domain !== 'ai.onnx') throw new Error(`${where}: operator domain "${n.domain}" is not supported.`);
  if (!ALLOWED_OPS.has(n.opType ?? ''))
    throw new Error(
      `${where}: operator "${n.opType}" is not supported; catnet reads fully connected and small ` +
        'convolutional networks (Conv, MaxPool, Gemm or MatMul+Add with Relu, LeakyRelu, Tanh, Sigmoid).',
    );
  const names = new Set<string>();
  for (const a of n.attribute ?? []) {
    const G = onnx.AttributeProto.AttributeType;
    if (a.g || (a.graphs?.length ?? 0) > 0 || a.type === G.GRAPH || a.type === G.GRAPHS)
      throw new Error(`${where}: attribute "${a.name}" holds a subgraph; subgraphs are not supported.`);
    if (a.sparseTensor || (a.sparseTensors?.length ?? 0) > 0)
      throw new Error(`${where}: attribute "${a.name}" holds a sparse tensor; not supported.`);
    // Every float attribute finite, whichever operator: NaN slips through closeness tests (|NaN - x| > tol is false).
    const floats = [...(a.f !== undefined && a.f !== null ? [a.f] : []), ...(a.floats ?? [])];
    if (floats.some((f) => !Number.isFinite(f)))
      throw new ModelRejected(
        'not-finite',
        `${where}: attribute "${a.name}" holds ${floats.find((f) => !Number.isFinite(f))}; every float in a model must be finite.`,
      );
    if (a.t) checkSelfContained(a.t, `${where}: attribute "${a.name}"`);
    for (const t of a.tensors ?? []) checkSelfContained(t, `${where}: attribute "${a.name}"`);
    if (!ALLOWED_OPS.get(n.opType ?? '')!.includes(a.name ?? '') || names.has(a.name ?? ''))
      throw new Error(`${where}: attribute "${a.name}" is unknown or repeated for ${n.opType}.`);
    names.add(a.name ?? '');
  }
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
