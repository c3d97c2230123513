// Models exported by PyTorch (Debian's python3-torch, torch.onnx.export) open in catnet, and the engine
// and onnxruntime reproduce PyTorch's own probabilities: an oracle written by someone else entirely.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { predictProbabilities } from '../../../src-core/nn/predict.js';
import { importOnnx } from '../../../src-core/onnx/import.js';
import { OnnxClassifier } from '../../../src-core/onnx/runtime.js';
import { onnx as onnxSchema } from '../../../src-core/onnx/schema.js';
import { maxAbsDiff, randomPixels } from '../../helpers/onnx-oracle.js';

function haveTorch(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch, onnx'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const torch = haveTorch();
if (!torch) console.warn('skipping the PyTorch interop test: /usr/bin/python3 cannot import torch and onnx');

const dir = mkdtempSync(join(tmpdir(), 'catnet-torch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Two styles: nn.Linear (exported as Gemm, transB=1) and x @ W + b (MatMul + Add), each activation once.
const SCRIPT = `
import json, sys, numpy, torch
out_dir, m = sys.argv[1], int(sys.argv[2])
X = torch.from_numpy(numpy.fromfile(out_dir + '/pixels.bin', dtype=numpy.uint8).reshape(m, 64, 64, 3))
torch.manual_seed(0)
acts = {'relu': torch.relu, 'tanh': torch.tanh, 'sigmoid': torch.sigmoid,
        'leaky_relu': lambda z: torch.nn.functional.leaky_relu(z, 0.01)}
class Linear(torch.nn.Module):
    def __init__(s, g):
        super().__init__(); s.g = acts[g]
        s.l1 = torch.nn.Linear(12288, 8); s.l2 = torch.nn.Linear(8, 4); s.l3 = torch.nn.Linear(4, 1)
    def forward(s, image):
        x = torch.flatten(image.float() / 255, 1)
        return torch.sigmoid(s.l3(s.g(s.l2(s.g(s.l1(x))))))
class MatMul(torch.nn.Module):
    def __init__(s, g):
        super().__init__(); s.g = acts[g]
        s.w1 = torch.nn.Parameter(torch.randn(12288, 8) * 0.05); s.b1 = torch.nn.Parameter(torch.randn(8))
        s.w2 = torch.nn.Parameter(torch.randn(8, 1)); s.b2 = torch.nn.Parameter(torch.randn(1))
    def forward(s, image):
        x = image.float().reshape(-1, 12288) * (1 / 255)
        return torch.sigmoid(s.g(x @ s.w1 + s.b1) @ s.w2 + s.b2)
result = {}
for style, cls, g in (('linear', Linear, 'relu'), ('linear', Linear, 'leaky_relu'),
                      ('matmul', MatMul, 'tanh'), ('matmul', MatMul, 'sigmoid')):
    net = cls(g).eval()
    name = f'{style}-{g}'
    torch.onnx.export(net, (X,), f'{out_dir}/{name}.onnx', input_names=['image'], output_names=['p'],
                      dynamic_axes={'image': {0: 'N'}, 'p': {0: 'N'}}, opset_version=13)
    with torch.no_grad():
        result[name] = net(X).reshape(-1).double().tolist()
print(json.dumps(result))
`;

it.skipIf(!torch)(
  'PyTorch exports (Gemm and MatMul+Add, each activation) import and predict like PyTorch',
  async () => {
    const m = 6;
    const X = randomPixels(m, 99);
    writeFileSync(join(dir, 'pixels.bin'), X);
    const out = execFileSync('/usr/bin/python3', ['-c', SCRIPT, dir, String(m)], { encoding: 'utf8' });
    const expected: Record<string, number[]> = JSON.parse(out.trim().split('\n').pop()!);
    expect(Object.keys(expected)).toHaveLength(4);
    let worst = 0;
    for (const [name, torchP] of Object.entries(expected)) {
      const bytes = new Uint8Array(readFileSync(join(dir, `${name}.onnx`)));
      const ops = (onnxSchema.ModelProto.decode(Uint8Array.from(bytes)).graph?.node ?? []).map((n) => n.opType);
      expect(ops).toContain(name.startsWith('matmul') ? 'MatMul' : 'Gemm');
      const model = importOnnx(bytes, `${name}.onnx`);
      expect(model.config.layerDims[0]).toBe(12288);
      const engine = predictProbabilities(model, X, m);
      const classifier = await OnnxClassifier.create(bytes, `${name}.onnx`);
      const onnx = await classifier.predict(X, m);
      await classifier.release();
      worst = Math.max(worst, maxAbsDiff(engine, torchP), maxAbsDiff(onnx, torchP));
      expect(maxAbsDiff(engine, torchP)).toBeLessThan(1e-5);
      expect(maxAbsDiff(onnx, torchP)).toBeLessThan(1e-5);
    }
    console.log(`PyTorch interop: 4 models, max |difference| vs PyTorch ${worst}`);
  },
);
