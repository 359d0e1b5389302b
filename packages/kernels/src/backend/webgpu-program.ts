/**
 * The small part of tfjs-backend-webgpu's internals this package relies on, typed here so the
 * package needs no import of it (the backend stays an optional peer): the backend's tensor map
 * and `runWebGPUProgram`, and the shape of an elementwise program over a flat output. Checked
 * against @tensorflow/tfjs-backend-webgpu 4.22 (backend_webgpu.js, webgpu_program.js).
 */

/** One entry of the backend's tensor map. */
export interface WebgpuTensorData {
  dtype: string;
  shape: number[];
  values?: ArrayLike<number> | null;
  resource?: unknown;
  refCount: number;
}

export interface WebgpuBackendInternals {
  tensorMap: { get(dataId: object): WebgpuTensorData | undefined; has(dataId: object): boolean };
  write(values: unknown, shape: number[], dtype: string): object;
  uploadToGPU(dataId: object): void;
  readSync(dataId: object): ArrayLike<number>;
  read(dataId: object): Promise<ArrayLike<number>>;
  disposeData(dataId: object, force?: boolean): boolean;
  runWebGPUProgram(
    program: FlatProgram,
    inputs: { dataId: object; shape: number[]; dtype: string }[],
    outputDtype: string,
    uniforms?: { type: 'float32' | 'int32' | 'uint32'; data: number[] }[],
    output?: { dataId: object; shape: number[]; dtype: string },
  ): { dataId: object; shape: number[]; dtype: string };
}

/** What `runWebGPUProgram` needs of a program whose thread `index` writes output element `index`. */
export interface FlatProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  /** Extra uniform fields, WGSL struct syntax (`value : f32,`); `size` is added by `size: true`. */
  uniforms?: string;
  workgroupSize: [number, number, number];
  size: boolean;
  getUserCode(): string;
}

const WORKGROUP = 64;

/**
 * A program of one thread per output element: `body` is WGSL run with `index : i32` (the flat
 * output index, already checked against uniforms.size) in scope, and each input readable as a
 * flat array by its name in `inputs` (`m[index]`). The backend compiles it once per key and
 * shapes, and splits a dispatch over 65535 workgroups itself.
 */
export function flatProgram(key: string, shape: number[], body: string, uniforms = '', helpers = '', inputs: string[] = []): FlatProgram {
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    variableNames: inputs,
    outputShape: shape,
    shaderKey: key,
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [Math.ceil(size / WORKGROUP), 1, 1],
    uniforms,
    workgroupSize: [WORKGROUP, 1, 1],
    size: true,
    getUserCode: () => `${helpers}
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${body}
        }
      }`,
  };
}
