// The model file's `metadata_props`: keys and value formats, written by export.ts and read by
// import.ts. Values are strings; structured values are JSON. Bump SCHEMA_VERSION on any change that an
// older catnet could misread.

import type { Model, NetworkConfig, ResizeMode, TrainingSummary } from '../nn/model.js';
import { IMAGE_SIZE, LEAKY_SLOPE } from '../nn/model.js';
import { formatLayers } from '../nn/spec.js';

export const SCHEMA_VERSION = 1;

export const KEY = {
  schemaVersion: 'catnet.schema_version',
  classNames: 'catnet.class_names',
  positiveClass: 'catnet.positive_class',
  threshold: 'catnet.threshold',
  resize: 'catnet.resize',
  preprocessing: 'catnet.preprocessing',
  network: 'catnet.network',
  training: 'catnet.training',
  appVersion: 'catnet.app_version',
} as const;

/** How an image becomes the `image` input; identical in the app, the CLI and for any other runtime. */
export function preprocessingDescription(resize: ResizeMode): Record<string, string | number> {
  return {
    input: 'image',
    layout: 'NHWC',
    dtype: 'uint8',
    size: IMAGE_SIZE,
    channels: 'RGB',
    resize,
    resizeMeaning:
      resize === 'cover'
        ? 'scale to cover 64x64, then centre crop'
        : resize === 'fill'
          ? 'stretch to 64x64 ignoring aspect ratio'
          : 'scale to fit inside 64x64, letterbox in black (0, 0, 0)',
    orientation: 'EXIF orientation applied before resizing',
    resampling: 'sharp (libvips) default: Lanczos 3; a 64x64 image is used unchanged',
    colour: 'sRGB, 8 bits per channel',
    alpha: 'transparency flattened onto white (255, 255, 255)',
    scaling: 'the graph divides by 255; feed raw 0..255 bytes',
  };
}

/** All metadata entries for a model, in a stable order. */
export function metadataEntries(model: Model, appVersion: string): Array<{ key: string; value: string }> {
  const { config, classNames, resize, threshold, summary } = model;
  return [
    { key: KEY.schemaVersion, value: String(SCHEMA_VERSION) },
    { key: KEY.classNames, value: JSON.stringify(classNames) },
    { key: KEY.positiveClass, value: classNames[0] },
    { key: KEY.threshold, value: String(threshold) },
    { key: KEY.resize, value: resize },
    { key: KEY.preprocessing, value: JSON.stringify(preprocessingDescription(resize)) },
    { key: KEY.network, value: networkDescription(config) },
    { key: KEY.training, value: JSON.stringify(summary) },
    { key: KEY.appVersion, value: appVersion },
  ];
}

/** The network as JSON; a convolutional body adds its specs and the layers text (`--layers`, e.g. c16,p,64). */
function networkDescription(config: NetworkConfig): string {
  const { layerDims, activations, features = [] } = config;
  if (features.length === 0) return JSON.stringify({ layerDims, activations, leakySlope: LEAKY_SLOPE });
  return JSON.stringify({ layers: formatLayers(config), features, layerDims, activations, leakySlope: LEAKY_SLOPE });
}

/** What import.ts reads back (the network itself comes from the graph, never from metadata). */
export interface MetadataFields {
  classNames?: [string, string];
  threshold?: number;
  resize?: ResizeMode;
  summary?: TrainingSummary;
}
