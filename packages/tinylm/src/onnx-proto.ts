/**
 * A small protobuf writer for the subset of `onnx.proto` (proto2) an exported model needs: ModelProto,
 * GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto. Field numbers follow
 * https://github.com/onnx/onnx/blob/main/onnx/onnx.proto. Repeated scalars are written unpacked (the
 * proto2 default; every parser also accepts that form).
 */

/** ONNX `TensorProto.DataType` values used here. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7 } as const;
export type DataTypeId = (typeof DataType)[keyof typeof DataType];

/** ONNX `AttributeProto.AttributeType` values used here. */
const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, INTS: 7 } as const;

const WIRE_VARINT = 0;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

const textEncoder = new TextEncoder();

/** Accumulates one message's encoded fields as a list of byte chunks (large payloads are not copied). */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  get length(): number {
    return this.size;
  }

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  private varint(value: bigint): void {
    // int64 fields: negative values are written as their 64-bit two's complement (10 bytes).
    let v = BigInt.asUintN(64, value);
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.push(Uint8Array.from(out));
  }

  private tag(field: number, wire: number): void {
    this.varint(BigInt((field << 3) | wire));
  }

  int(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.varint(BigInt(value));
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_BYTES);
    this.varint(BigInt(value.length));
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, textEncoder.encode(value));
  }

  message(field: number, sub: ProtoWriter): this {
    this.tag(field, WIRE_BYTES);
    this.varint(BigInt(sub.size));
    for (const c of sub.chunks) this.push(c);
    return this;
  }

  /** The encoded message as one buffer. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  /** The chunks, in order (for streaming to a file without one big copy). */
  parts(): readonly Uint8Array[] {
    return this.chunks;
  }
}

/** An initializer or constant tensor. `data` is float32 or int64 values; stored as little-endian raw_data. */
export interface TensorSpec {
  name: string;
  dims: readonly number[];
  data: Float32Array | BigInt64Array | Int32Array;
}

function dataTypeOf(data: TensorSpec['data']): DataTypeId {
  if (data instanceof Float32Array) return DataType.FLOAT;
  if (data instanceof BigInt64Array) return DataType.INT64;
  return DataType.INT32;
}

/** Little-endian bytes of a typed array (a view when the platform is little-endian, as Node's are). */
function littleEndianBytes(data: TensorSpec['data']): Uint8Array {
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] === 1) return view;
  const out = new Uint8Array(data.byteLength);
  const width = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < data.byteLength; i += width) for (let j = 0; j < width; j++) out[i + j] = view[i + width - 1 - j] as number;
  return out;
}

/** TensorProto: dims=1, data_type=2, name=8, raw_data=9. */
export function tensorProto(t: TensorSpec): ProtoWriter {
  const expected = t.dims.reduce((a, b) => a * b, 1);
  if (expected !== t.data.length) throw new Error(`onnx: tensor ${t.name} has ${t.data.length} values for dims [${t.dims.join(', ')}]`);
  const w = new ProtoWriter();
  for (const d of t.dims) w.int(1, d);
  w.int(2, dataTypeOf(t.data));
  if (t.name) w.string(8, t.name);
  return w.bytes(9, littleEndianBytes(t.data));
}

export type AttributeValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'tensor'; value: TensorSpec };

/** AttributeProto: name=1, f=2, i=3, s=4, t=5, ints=8, type=20. */
function attributeProto(name: string, a: AttributeValue): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  switch (a.kind) {
    case 'float':
      return w.float(2, a.value).int(20, AttrType.FLOAT);
    case 'int':
      return w.int(3, a.value).int(20, AttrType.INT);
    case 'string':
      return w.string(4, a.value).int(20, AttrType.STRING);
    case 'tensor':
      return w.message(5, tensorProto(a.value)).int(20, AttrType.TENSOR);
    case 'ints':
      for (const v of a.value) w.int(8, v);
      return w.int(20, AttrType.INTS);
  }
}

export interface NodeSpec {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  attributes?: Readonly<Record<string, AttributeValue>>;
}

/** NodeProto: input=1, output=2, name=3, op_type=4, attribute=5. */
function nodeProto(n: NodeSpec): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name) w.string(3, n.name);
  w.string(4, n.op);
  for (const [key, value] of Object.entries(n.attributes ?? {})) w.message(5, attributeProto(key, value));
  return w;
}

/** A graph input or output: element type and dims (numbers are fixed sizes, strings symbolic names). */
export interface ValueInfoSpec {
  name: string;
  elemType: DataTypeId;
  dims: readonly (number | string)[];
}

/** ValueInfoProto{name=1, type=2} > TypeProto{tensor_type=1} > Tensor{elem_type=1, shape=2} > TensorShapeProto{dim=1} > Dimension{dim_value=1, dim_param=2}. */
function valueInfoProto(v: ValueInfoSpec): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims) shape.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
  const tensorType = new ProtoWriter().int(1, v.elemType).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

export interface ModelSpec {
  graphName: string;
  nodes: readonly NodeSpec[];
  initializers: readonly TensorSpec[];
  inputs: readonly ValueInfoSpec[];
  outputs: readonly ValueInfoSpec[];
  opset: number;
  irVersion: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
  metadata?: Readonly<Record<string, string>>;
}

/**
 * ModelProto: ir_version=1, producer_name=2, producer_version=3, graph=7, opset_import=8 (OperatorSetIdProto
 * {domain=1, version=2}), doc_string=6, metadata_props=14. GraphProto: node=1, name=2, initializer=5,
 * input=11, output=12.
 */
export function modelProto(m: ModelSpec): ProtoWriter {
  const graph = new ProtoWriter();
  for (const n of m.nodes) graph.message(1, nodeProto(n));
  graph.string(2, m.graphName);
  for (const t of m.initializers) graph.message(5, tensorProto(t));
  for (const i of m.inputs) graph.message(11, valueInfoProto(i));
  for (const o of m.outputs) graph.message(12, valueInfoProto(o));
  const model = new ProtoWriter().int(1, m.irVersion).string(2, m.producerName).string(3, m.producerVersion);
  if (m.docString) model.string(6, m.docString);
  model.message(7, graph);
  model.message(8, new ProtoWriter().string(1, '').int(2, m.opset));
  for (const [key, value] of Object.entries(m.metadata ?? {})) model.message(14, new ProtoWriter().string(1, key).string(2, value));
  return model;
}
