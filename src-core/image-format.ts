// The image format every part of catnet agrees on: 64x64 RGB, unrolled HWC into n_x = 12,288 bytes.
// data/ produces it, nn/ and onnx/ consume it; it lives here so none of them imports another for it.

/** Images are resized to this square, RGB, unrolled HWC: n_x = 64 * 64 * 3 = 12288. */
export const IMAGE_SIZE = 64;
export const IMAGE_CHANNELS = 3;
export const N_X = IMAGE_SIZE * IMAGE_SIZE * IMAGE_CHANNELS;

/** How an image of another aspect ratio becomes 64x64: centre crop, stretch, or letterbox. */
export type ResizeMode = 'cover' | 'fill' | 'contain';
