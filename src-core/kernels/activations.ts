// The course's activations: their names, and g(z) and g'(z) as scalar functions. The bottom of the
// engine: kernels, nn and onnx all name activations from here. Used by the reference kernels (which
// are the specification), by tests and by the docs.

/** Hidden-layer activations of the course; the output layer is always sigmoid. */
export type Activation = 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu';
export const ACTIVATIONS: readonly Activation[] = ['sigmoid', 'tanh', 'relu', 'leaky_relu'];

/** Slope of leaky ReLU for z < 0: g(z) = max(0.01 z, z). Also written into the ONNX graph. */
export const LEAKY_SLOPE = 0.01;

/**
 * g(z). sigmoid is written in the form that never overflows exp():
 * z >= 0: 1 / (1 + e^-z); z < 0: e^z / (1 + e^z).
 */
export function activationForward(kind: Activation, z: number): number {
  switch (kind) {
    case 'sigmoid': {
      if (z >= 0) return 1 / (1 + Math.exp(-z));
      const e = Math.exp(z);
      return e / (1 + e);
    }
    case 'tanh':
      return Math.tanh(z);
    case 'relu':
      return Math.max(z, 0);
    case 'leaky_relu':
      return z > 0 ? z : LEAKY_SLOPE * z;
  }
}

/**
 * g'(z), given z and a = g(z) (whichever is cheaper):
 * sigmoid a (1 - a); tanh 1 - a^2; relu 1 if z > 0 else 0; leaky relu 1 if z > 0 else LEAKY_SLOPE.
 * At z = 0 the (sub)gradient of relu and leaky relu is taken from the left (0 and LEAKY_SLOPE).
 */
export function activationDerivative(kind: Activation, z: number, a: number): number {
  switch (kind) {
    case 'sigmoid':
      return a * (1 - a);
    case 'tanh':
      return 1 - a * a;
    case 'relu':
      return z > 0 ? 1 : 0;
    case 'leaky_relu':
      return z > 0 ? 1 : LEAKY_SLOPE;
  }
}
