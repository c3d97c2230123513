// The error a model file is refused with: a message for people (naming the file and what to do) and
// a code for code (the UI and tests decide on codes, never on message text).

/**
 * - too-complex: more fields, values, nesting or computation than any classifier catnet reads needs
 *   (checked on the wire format, before decoding allocates anything);
 * - malformed: not a well-formed protobuf / ONNX structure;
 * - not-finite: a NaN or infinite float (a weight, an attribute, a scaled weight);
 * - unsupported: well formed, but not a network catnet can run exactly.
 */
export type ModelErrorCode = 'too-complex' | 'malformed' | 'not-finite' | 'unsupported';

export class ModelRejected extends Error {
  constructor(
    readonly code: ModelErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ModelRejected';
  }
}
