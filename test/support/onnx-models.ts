import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type Dimension = number | string;

interface TensorSpec {
  name: string;
  /** 'unknown': the model does not declare the shape. */
  shape: Dimension[] | 'unknown';
  /** onnx.TensorProto.DataType; FLOAT by default. */
  elemType?: number;
}

function valueInfo({ name, shape, elemType }: TensorSpec) {
  return {
    name,
    type: {
      tensorType: {
        elemType: elemType ?? onnx.TensorProto.DataType.FLOAT,
        ...(shape === 'unknown'
          ? {}
          : { shape: { dim: shape.map((dimension) => (typeof dimension === 'string' ? { dimParam: dimension } : { dimValue: dimension })) } }),
      },
    },
  };
}

/**
 * A small model for runtime tests: each window's score is the sum of its values (ReduceSum over axes 1 and 2),
 * or, with `classes`, class probabilities Softmax(sum over time · weights). Shapes and names are what the test
 * declares, so mismatches with a config can be built on purpose.
 */
export function testModel(options: {
  input?: Partial<TensorSpec>;
  output?: Partial<TensorSpec>;
  metrics?: number;
  classes?: number;
  extraInput?: boolean;
  /** The axes a score model sums over (default 1 and 2). */
  axes?: number[];
}): Uint8Array {
  const input: TensorSpec = { name: 'windows', shape: ['batch', 4, options.metrics ?? 2], ...options.input };
  const classes = options.classes;
  const output: TensorSpec = { name: 'score', shape: classes === undefined ? ['batch'] : ['batch', classes], ...options.output };
  const metrics = options.metrics ?? 2;
  const { AttributeType } = onnx.AttributeProto;
  const nodes =
    classes === undefined
      ? [{ opType: 'ReduceSum', input: [input.name, 'axes'], output: [output.name], attribute: [{ name: 'keepdims', type: AttributeType.INT, i: 0 }] }]
      : [
          { opType: 'ReduceSum', input: [input.name, 'time_axis'], output: ['sums'], attribute: [{ name: 'keepdims', type: AttributeType.INT, i: 0 }] },
          { opType: 'MatMul', input: ['sums', 'weights'], output: ['logits'] },
          { opType: 'Softmax', input: ['logits'], output: [output.name], attribute: [{ name: 'axis', type: AttributeType.INT, i: 1 }] },
        ];
  // Class c's logit: metric c's sum minus the others' (metric m counts for class m mod classes).
  const classCount = classes ?? 1;
  const weights = Float32Array.from({ length: metrics * classCount }, (_, k) => (Math.floor(k / classCount) % classCount === k % classCount ? 1 : -1));
  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'test',
      node: nodes,
      initializer: [
        { name: 'axes', dims: [(options.axes ?? [1, 2]).length], dataType: onnx.TensorProto.DataType.INT64, int64Data: options.axes ?? [1, 2] },
        { name: 'time_axis', dims: [1], dataType: onnx.TensorProto.DataType.INT64, int64Data: [1] },
        { name: 'weights', dims: [metrics, classCount], dataType: onnx.TensorProto.DataType.FLOAT, floatData: [...weights] },
      ],
      input: [valueInfo(input), ...(options.extraInput ? [valueInfo({ name: 'extra', shape: ['batch'] })] : [])],
      output: [valueInfo(output)],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
