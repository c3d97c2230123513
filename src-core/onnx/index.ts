// The model file's public surface: export, import, verification, onnxruntime, files on disk.

export { type ExportOptions, exportOnnx } from './export.js';
export { analyseOnnx, importOnnx, type OnnxAnalysis } from './import.js';
export { KEY as METADATA_KEY, SCHEMA_VERSION } from './metadata.js';
export { loadClassifierFile, loadModelFile, readModelBytes, saveModel } from './model-file.js';
export { MAX_MODEL_BYTES } from './parse.js';
export { OnnxClassifier } from './runtime.js';
export { VERIFY_TOLERANCE, verifyOnnx } from './verify.js';
