// ONNX bytes -> Model the engine can classify with and continue training. Pure (bytes in). Accepts
// catnet's own files and equivalent Gemm / MatMul+Add chains from other tools; the network always
// comes from the graph, the class names, threshold, resize mode and training summary from catnet.*
// metadata when present.

import { validateConfig } from '../nn/config.js';
import type { Model, ResizeMode, TrainingSummary } from '../nn/model.js';
import { type Chain, recogniseChain } from './chain.js';
import { largestPerImage } from './conv-shapes.js';
import { KEY, SCHEMA_VERSION } from './metadata.js';
import { ModelRejected } from './model-error.js';
import { parseOnnx } from './parse.js';
import { checkValueBound } from './value-bound.js';

/** Largest batch x values-per-image a file with a fixed batch size may ask for (256 MB of float32). */
const MAX_FIXED_BATCH_VALUES = 64 * 1024 * 1024;

export interface OnnxAnalysis {
  model: Model;
  /** Graph names a runtime must use (catnet's own: image, probability, label). */
  inputName: string;
  /** The batch size the file fixes, if any (catnet's own files leave it free: N). */
  fixedBatch?: number;
  probabilityName: string;
  labelName?: string;
  producer: string;
  metadata: Record<string, string>;
}

/** Throws an Error whose message names the file and the problem. */
export function importOnnx(bytes: Uint8Array, sourceName = 'the model file'): Model {
  return analyseOnnx(bytes, sourceName).model;
}

export function analyseOnnx(bytes: Uint8Array, sourceName = 'the model file'): OnnxAnalysis {
  const proto = parseOnnx(bytes, sourceName);
  const chain = recogniseChain(proto.graph!, defaultOpset(proto), sourceName);
  const metadata: Record<string, string> = {};
  for (const p of proto.metadataProps) metadata[p.key ?? ''] = p.value ?? '';
  const fields = readMetadata(metadata, sourceName);

  const graphT = chain.graphThreshold;
  if (graphT !== undefined && fields.threshold !== undefined && Math.abs(graphT - fields.threshold) > 1e-6)
    throw new Error(
      `${sourceName}: the graph labels at threshold ${graphT} but its metadata says ${fields.threshold}; ` +
        'the file was edited inconsistently.',
    );
  const threshold = fields.threshold ?? graphT ?? 0.5;
  if (!(threshold > 0 && threshold < 1))
    throw new Error(`${sourceName}: threshold ${threshold} is not between 0 and 1.`);
  const model = toModel(chain, fields, threshold);
  checkEngineRuns(model, sourceName);
  checkFixedBatch(model, chain.fixedBatch, sourceName);
  checkValueBound(model, sourceName);
  return {
    model,
    inputName: chain.inputName,
    fixedBatch: chain.fixedBatch,
    probabilityName: chain.probabilityName,
    labelName: chain.labelName,
    producer: `${proto.producerName || 'unknown'} ${proto.producerVersion || ''}`.trim(),
    metadata,
  };
}

/**
 * A convolutional net must be one the engine can run and train (its limits on filters, layers and
 * units); the course's fully connected nets keep opening whatever their size, as before.
 */
function checkEngineRuns(model: Model, file: string): void {
  if ((model.config.features ?? []).length === 0) return;
  try {
    validateConfig(model.config);
  } catch (e) {
    throw new ModelRejected('unsupported', `${file}: ${e instanceof Error ? e.message : String(e)}.`);
  }
}

/** A runtime must feed a fixed batch whole: its largest map times the batch must fit in memory. */
function checkFixedBatch(model: Model, fixedBatch: number | undefined, file: string): void {
  if (fixedBatch === undefined) return;
  const largest = largestPerImage(model.config);
  if (fixedBatch * largest > MAX_FIXED_BATCH_VALUES)
    throw new ModelRejected(
      'too-complex',
      `${file}: a fixed batch of ${fixedBatch} images with ${largest} values per image is more than ${MAX_FIXED_BATCH_VALUES} values at once; export it with a free (or smaller) batch size.`,
    );
}

function defaultOpset(proto: { opsetImport: Array<{ domain?: string | null; version?: unknown }> }): number {
  const o = proto.opsetImport.find((x) => !x.domain || x.domain === 'ai.onnx');
  return Number(o?.version ?? 0);
}

function toModel(chain: Chain, fields: ReturnType<typeof readMetadata>, threshold: number): Model {
  const n0 = chain.layers[0].nPrev;
  const layerDims = [n0, ...chain.layers.map((l) => l.n)];
  const activations = chain.layers.map((l) => l.g);
  const W = chain.layers.map((l) => l.W);
  const b = chain.layers.map((l) => l.b);
  // The course's nets keep their exact shape ({ layerDims, activations } / { W, b }); a body adds its own.
  const conv = chain.features.length > 0;
  return {
    config: conv ? { features: chain.features, layerDims, activations } : { layerDims, activations },
    params: conv ? { W, b, convW: chain.convW, convB: chain.convB } : { W, b },
    classNames: fields.classNames ?? ['positive', 'negative'],
    resize: fields.resize ?? 'cover',
    threshold,
    summary: fields.summary ?? {},
  };
}

/** catnet.* metadata, each value checked; absent keys stay undefined (models from other tools). */
function readMetadata(meta: Record<string, string>, file: string) {
  const bad = (key: string, why: string) => new Error(`${file}: metadata "${key}" ${why}.`);
  const version = meta[KEY.schemaVersion];
  if (version !== undefined && !(Number(version) >= 1))
    throw bad(KEY.schemaVersion, `is "${version}", not a version number`);
  if (Number(version) > SCHEMA_VERSION)
    throw new Error(`${file} was written by a newer catnet (model schema ${version}); update catnet to open it.`);

  let classNames: [string, string] | undefined;
  if (meta[KEY.classNames] !== undefined) {
    const v = parseJson(meta[KEY.classNames]);
    const ok =
      Array.isArray(v) && v.length === 2 && v.every((s) => typeof s === 'string' && s.length > 0 && s.length <= 200);
    if (!ok || v[0] === v[1]) throw bad(KEY.classNames, 'must be two different, non-empty class names');
    classNames = [v[0], v[1]];
  }
  let threshold: number | undefined;
  if (meta[KEY.threshold] !== undefined) {
    threshold = Number(meta[KEY.threshold]);
    if (!(threshold > 0 && threshold < 1)) throw bad(KEY.threshold, `is "${meta[KEY.threshold]}", not between 0 and 1`);
  }
  let resize: ResizeMode | undefined;
  if (meta[KEY.resize] !== undefined) {
    const r = meta[KEY.resize];
    if (r !== 'cover' && r !== 'fill' && r !== 'contain')
      throw bad(KEY.resize, `is "${r}"; expected cover, fill or contain`);
    resize = r;
  }
  let summary: TrainingSummary | undefined;
  if (meta[KEY.training] !== undefined) {
    const v = parseJson(meta[KEY.training]);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(KEY.training, 'is not a JSON object');
    summary = trainingSummary(v as Record<string, unknown>);
  }
  return { classNames, threshold, resize, summary };
}

const SUMMARY_NUMBERS = [
  'trainImages',
  'validationImages',
  'testImages',
  'trainAccuracy',
  'validationAccuracy',
  'testAccuracy',
  'finalCost',
  'iterations',
] as const;

/** Keeps only the known fields with the right types (the file is untrusted; the app displays these). */
function trainingSummary(v: Record<string, unknown>): TrainingSummary {
  const out: TrainingSummary = {};
  for (const k of SUMMARY_NUMBERS) if (typeof v[k] === 'number' && Number.isFinite(v[k])) out[k] = v[k];
  if (typeof v.date === 'string') out.date = v.date.slice(0, 100);
  const h = v.hyperparameters;
  if (typeof h === 'object' && h !== null && !Array.isArray(h)) {
    const kept: Record<string, string | number | boolean> = {};
    for (const [key, value] of Object.entries(h).slice(0, 100))
      if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string')
        kept[key.slice(0, 100)] = typeof value === 'string' ? value.slice(0, 1000) : value;
    out.hyperparameters = kept;
  }
  return out;
}

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
