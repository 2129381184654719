import onnxProto from 'onnx-proto';
import type { DetectorParameters } from './detector-fit.ts';
import { FEATURES_PER_METRIC } from './window-features.ts';

const { onnx } = onnxProto;
type Node = InstanceType<typeof onnx.NodeProto>;
type Tensor = InstanceType<typeof onnx.TensorProto>;

/** IR version 7 with operator set 13 (ONNX docs/Versioning.md): every operator below exists there as used. */
const IR_VERSION = 7;
const OPSET = 13;
export const DETECTOR_INPUT = 'windows';
export const DETECTOR_OUTPUT = 'score';

/**
 * The detector as an ONNX graph of plain operators (ONNX docs/Operators.md), computing window-features.ts and
 * the Mahalanobis score of detector-fit.ts:
 *
 *   newest    = Gather(windows, L−1, axis 1)                       [batch, M]
 *   earlier   = Slice(windows, 0..L−1 on axis 1)                   [batch, L−1, M]
 *   later     = Slice(windows, 1..L on axis 1)                     [batch, L−1, M]
 *   jump      = newest − ReduceMean(earlier, axis 1)
 *   roughness = Log(ReduceMean(Abs(later − earlier), axis 1) + floor)
 *   features  = Concat(newest, jump, roughness, axis 1)            [batch, 3M]
 *   score     = ReduceSum(Square(MatMul(features − mean, whitening)), axis 1)   [batch]
 *
 * The input is the runtime's: float32 [batch, L, M], already standardized by the config's scaling.
 */
export function exportDetector(parameters: DetectorParameters, description: string): Uint8Array {
  const length = parameters.windowLength;
  const metricCount = parameters.metrics.length;
  const width = FEATURES_PER_METRIC * metricCount;
  const initializers: Tensor[] = [
    int64Tensor('newest_index', [], [length - 1]),
    int64Tensor('axis_1', [1], [1]),
    int64Tensor('from_first', [1], [0]),
    int64Tensor('to_before_newest', [1], [length - 1]),
    int64Tensor('from_second', [1], [1]),
    int64Tensor('to_end', [1], [length]),
    floatTensor('roughness_floor', [metricCount], parameters.roughnessFloor),
    floatTensor('feature_mean', [width], parameters.featureMean),
    floatTensor('whitening', [width, width], parameters.whitening),
  ];
  const nodes: Node[] = [
    node('Gather', [DETECTOR_INPUT, 'newest_index'], ['newest'], { axis: 1 }),
    node('Slice', [DETECTOR_INPUT, 'from_first', 'to_before_newest', 'axis_1'], ['earlier']),
    node('Slice', [DETECTOR_INPUT, 'from_second', 'to_end', 'axis_1'], ['later']),
    node('ReduceMean', ['earlier'], ['earlier_mean'], { axes: [1], keepdims: 0 }),
    node('Sub', ['newest', 'earlier_mean'], ['jump']),
    node('Sub', ['later', 'earlier'], ['steps']),
    node('Abs', ['steps'], ['step_sizes']),
    node('ReduceMean', ['step_sizes'], ['mean_step'], { axes: [1], keepdims: 0 }),
    node('Add', ['mean_step', 'roughness_floor'], ['floored_step']),
    node('Log', ['floored_step'], ['roughness']),
    node('Concat', ['newest', 'jump', 'roughness'], ['features'], { axis: 1 }),
    node('Sub', ['features', 'feature_mean'], ['centered']),
    node('MatMul', ['centered', 'whitening'], ['whitened']),
    node('Mul', ['whitened', 'whitened'], ['squared']),
    node('ReduceSum', ['squared', 'axis_1'], [DETECTOR_OUTPUT], { keepdims: 0 }),
  ];
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'wasmote',
    docString: description,
    graph: {
      name: 'sensor_node_anomaly',
      node: nodes,
      initializer: initializers,
      input: [valueInfo(DETECTOR_INPUT, ['batch', length, metricCount])],
      output: [valueInfo(DETECTOR_OUTPUT, ['batch'])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

function node(opType: string, input: string[], output: string[], attributes: Record<string, number | number[]> = {}): Node {
  const { AttributeType } = onnx.AttributeProto;
  return onnx.NodeProto.create({
    opType,
    name: output[0],
    input,
    output,
    attribute: Object.entries(attributes).map(([name, value]) =>
      Array.isArray(value) ? { name, type: AttributeType.INTS, ints: value } : { name, type: AttributeType.INT, i: value },
    ),
  });
}

function floatTensor(name: string, dims: number[], values: readonly number[]): Tensor {
  const data = Float32Array.from(values);
  return onnx.TensorProto.create({
    name,
    dims,
    dataType: onnx.TensorProto.DataType.FLOAT,
    // raw_data is little-endian (onnx.proto, TensorProto.raw_data), as Float32Array is on every host Node runs on.
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  });
}

function int64Tensor(name: string, dims: number[], values: number[]): Tensor {
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.INT64, int64Data: values });
}

function valueInfo(name: string, shape: (number | string)[]) {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: shape.map((dimension) => (typeof dimension === 'string' ? { dimParam: dimension } : { dimValue: dimension })) },
      },
    },
  };
}
