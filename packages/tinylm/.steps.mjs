var __defProp = Object.defineProperty;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __esm = (fn, res) => function __init() {
  return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};

// src/adamw.ts
var adamw_exports = {};
__export(adamw_exports, {
  AdamW: () => AdamW,
  learningRateAt: () => learningRateAt
});
function learningRateAt(base, step, total, warmup, schedule) {
  if (warmup > 0 && step < warmup) return base * (step + 1) / warmup;
  if (schedule === "constant") return base;
  const span = Math.max(1, total - warmup);
  const progress = Math.min(1, (step - warmup) / span);
  if (schedule === "linear") return base * (1 - progress);
  return base * 0.5 * (1 + Math.cos(Math.PI * progress));
}
var AdamW;
var init_adamw = __esm({
  "src/adamw.ts"() {
    "use strict";
    AdamW = class {
      m;
      v;
      decayMask;
      t = 0;
      beta1;
      beta2;
      eps;
      weightDecay;
      maxGradNorm;
      constructor(specs2, size, opts = {}) {
        this.m = new Float32Array(size);
        this.v = new Float32Array(size);
        this.decayMask = new Uint8Array(size);
        for (const s of specs2) if (s.decay) this.decayMask.fill(1, s.offset, s.offset + s.size);
        this.beta1 = opts.beta1 ?? 0.9;
        this.beta2 = opts.beta2 ?? 0.999;
        this.eps = opts.eps ?? 1e-8;
        this.weightDecay = opts.weightDecay ?? 0;
        this.maxGradNorm = opts.maxGradNorm ?? 1;
      }
      /** Apply one update to `params` in place; returns the gradient norm before clipping. */
      step(params, grads2, lr) {
        let sq = 0;
        for (let i = 0; i < grads2.length; i++) sq += grads2[i] ** 2;
        const norm = Math.sqrt(sq);
        const scale = this.maxGradNorm > 0 && norm > this.maxGradNorm ? this.maxGradNorm / (norm + 1e-6) : 1;
        this.t++;
        const { beta1: b1, beta2: b2, eps, m, v, decayMask } = this;
        const c1 = 1 / (1 - b1 ** this.t);
        const c2 = 1 / (1 - b2 ** this.t);
        const decay = lr * this.weightDecay;
        for (let i = 0; i < params.length; i++) {
          const g = grads2[i] * scale;
          const mi = b1 * m[i] + (1 - b1) * g;
          const vi = b2 * v[i] + (1 - b2) * g * g;
          m[i] = mi;
          v[i] = vi;
          let p = params[i];
          if (decay !== 0 && decayMask[i] === 1) p -= decay * p;
          params[i] = p - lr * (mi * c1) / (Math.sqrt(vi * c2) + eps);
        }
        return norm;
      }
    };
  }
});

// ../../../../tmp/tl/steps.ts
import * as tf7 from "@tensorflow/tfjs-core";

// src/backend.ts
import { createRequire } from "node:module";
import * as path from "node:path";
import * as tf2 from "@tensorflow/tfjs-core";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

// src/gradients.ts
import * as tf from "@tensorflow/tfjs-core";

// ../../node_modules/@tensorflow/tfjs-core/dist/kernel_names.js
var Add = "Add";
var AddN = "AddN";
var BatchMatMul = "BatchMatMul";
var Cast = "Cast";
var Complex = "Complex";
var Concat = "Concat";
var RealDiv = "RealDiv";
var FloorDiv = "FloorDiv";
var Identity = "Identity";
var Imag = "Imag";
var Mean = "Mean";
var Multiply = "Multiply";
var Neg = "Neg";
var PadV2 = "PadV2";
var Real = "Real";
var Reshape = "Reshape";
var Slice = "Slice";
var Sigmoid = "Sigmoid";
var Softplus = "Softplus";
var Sum = "Sum";
var SplitV = "SplitV";
var Softmax = "Softmax";
var Sub = "Sub";
var Transpose = "Transpose";

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/broadcast_util.js
function getReductionAxes(inShape, outShape) {
  const result = [];
  for (let i = 0; i < outShape.length; i++) {
    const inDim = inShape[inShape.length - i - 1];
    const outAxis = outShape.length - i - 1;
    const outDim = outShape[outAxis];
    if (inDim == null || inDim === 1 && outDim > 1) {
      result.unshift(outAxis);
    }
  }
  return result;
}
function assertAndGetBroadcastShape(shapeA, shapeB) {
  const l = Math.max(shapeA.length, shapeB.length);
  const result = new Array(l);
  for (let i = 0; i < l; i++) {
    let a = shapeA[shapeA.length - i - 1];
    if (a == null) {
      a = 1;
    }
    let b = shapeB[shapeB.length - i - 1];
    if (b == null) {
      b = 1;
    }
    if (a === 1) {
      result[l - i - 1] = b;
    } else if (b === 1) {
      result[l - i - 1] = a;
    } else if (a !== b) {
      const errMsg = `Operands could not be broadcast together with shapes ${shapeA} and ${shapeB}.`;
      throw Error(errMsg);
    } else {
      result[l - i - 1] = a;
    }
  }
  return result;
}

// ../../node_modules/@tensorflow/tfjs-core/dist/backends/backend.js
var EPSILON_FLOAT32 = 1e-7;
var EPSILON_FLOAT16 = 1e-4;
var KernelBackend = class {
  refCount(dataId) {
    return notYetImplemented("refCount");
  }
  incRef(dataId) {
    return notYetImplemented("incRef");
  }
  timerAvailable() {
    return true;
  }
  time(f) {
    return notYetImplemented("time");
  }
  read(dataId) {
    return notYetImplemented("read");
  }
  readSync(dataId) {
    return notYetImplemented("readSync");
  }
  readToGPU(dataId, options) {
    return notYetImplemented("readToGPU");
  }
  numDataIds() {
    return notYetImplemented("numDataIds");
  }
  disposeData(dataId, force) {
    return notYetImplemented("disposeData");
  }
  write(values, shape, dtype) {
    return notYetImplemented("write");
  }
  move(dataId, values, shape, dtype, refCount) {
    return notYetImplemented("move");
  }
  createTensorFromGPUData(values, shape, dtype) {
    return notYetImplemented("createTensorFromGPUData");
  }
  memory() {
    return notYetImplemented("memory");
  }
  /** Returns the highest precision for floats in bits (e.g. 16 or 32) */
  floatPrecision() {
    return notYetImplemented("floatPrecision");
  }
  /** Returns the smallest representable number.  */
  epsilon() {
    return this.floatPrecision() === 32 ? EPSILON_FLOAT32 : EPSILON_FLOAT16;
  }
  dispose() {
    return notYetImplemented("dispose");
  }
};
function notYetImplemented(kernelName) {
  throw new Error(`'${kernelName}' not yet implemented or not found in the registry. This kernel may not be supported by the tfjs backend you have chosen`);
}

// ../../node_modules/@tensorflow/tfjs-core/dist/util_base.js
function assert(expr, msg) {
  if (!expr) {
    throw new Error(typeof msg === "string" ? msg : msg());
  }
}
function assertShapesMatch(shapeA, shapeB, errorMessagePrefix = "") {
  assert(arraysEqual(shapeA, shapeB), () => errorMessagePrefix + ` Shapes ${shapeA} and ${shapeB} must match`);
}
function sizeFromShape(shape) {
  if (shape.length === 0) {
    return 1;
  }
  let size = shape[0];
  for (let i = 1; i < shape.length; i++) {
    size *= shape[i];
  }
  return size;
}
function arraysEqual(n1, n2) {
  if (n1 === n2) {
    return true;
  }
  if (n1 == null || n2 == null) {
    return false;
  }
  if (n1.length !== n2.length) {
    return false;
  }
  for (let i = 0; i < n1.length; i++) {
    if (n1[i] !== n2[i]) {
      return false;
    }
  }
  return true;
}
function isInt(a) {
  return a % 1 === 0;
}
function rightPad(a, size) {
  if (size <= a.length) {
    return a;
  }
  return a + " ".repeat(size - a.length);
}
function parseAxisParam(axis, shape) {
  const rank = shape.length;
  axis = axis == null ? shape.map((s, i) => i) : [].concat(axis);
  assert(axis.every((ax) => ax >= -rank && ax < rank), () => `All values in axis param must be in range [-${rank}, ${rank}) but got axis ${axis}`);
  assert(axis.every((ax) => isInt(ax)), () => `All values in axis param must be integers but got axis ${axis}`);
  return axis.map((a) => a < 0 ? rank + a : a);
}
function checkConversionForErrors(vals, dtype) {
  for (let i = 0; i < vals.length; i++) {
    const num = vals[i];
    if (isNaN(num) || !isFinite(num)) {
      throw Error(`A tensor of type ${dtype} being uploaded contains ${num}.`);
    }
  }
}
function isValidDtype(dtype) {
  return dtype === "bool" || dtype === "complex64" || dtype === "float32" || dtype === "int32" || dtype === "string";
}
function bytesPerElement(dtype) {
  if (dtype === "float32" || dtype === "int32") {
    return 4;
  } else if (dtype === "complex64") {
    return 8;
  } else if (dtype === "bool") {
    return 1;
  } else {
    throw new Error(`Unknown dtype ${dtype}`);
  }
}
function bytesFromStringArray(arr) {
  if (arr == null) {
    return 0;
  }
  let bytes = 0;
  arr.forEach((x) => bytes += x.length);
  return bytes;
}
function isString(value) {
  return typeof value === "string" || value instanceof String;
}
function isBoolean(value) {
  return typeof value === "boolean";
}
function isNumber(value) {
  return typeof value === "number";
}
function inferDtype(values) {
  if (Array.isArray(values)) {
    return inferDtype(values[0]);
  }
  if (values instanceof Float32Array) {
    return "float32";
  } else if (values instanceof Int32Array || values instanceof Uint8Array || values instanceof Uint8ClampedArray) {
    return "int32";
  } else if (isNumber(values)) {
    return "float32";
  } else if (isString(values)) {
    return "string";
  } else if (isBoolean(values)) {
    return "bool";
  }
  return "float32";
}
function isFunction(f) {
  return !!(f && f.constructor && f.call && f.apply);
}
function computeStrides(shape) {
  const rank = shape.length;
  if (rank < 2) {
    return [];
  }
  const strides = new Array(rank - 1);
  strides[rank - 2] = shape[rank - 1];
  for (let i = rank - 3; i >= 0; --i) {
    strides[i] = strides[i + 1] * shape[i + 1];
  }
  return strides;
}
function createNestedArray(offset, shape, a, isComplex = false) {
  const ret = new Array();
  if (shape.length === 1) {
    const d = shape[0] * (isComplex ? 2 : 1);
    for (let i = 0; i < d; i++) {
      ret[i] = a[offset + i];
    }
  } else {
    const d = shape[0];
    const rest = shape.slice(1);
    const len = rest.reduce((acc, c) => acc * c) * (isComplex ? 2 : 1);
    for (let i = 0; i < d; i++) {
      ret[i] = createNestedArray(offset + i * len, rest, a, isComplex);
    }
  }
  return ret;
}
function toNestedArray(shape, a, isComplex = false) {
  if (shape.length === 0) {
    return a[0];
  }
  const size = shape.reduce((acc, c) => acc * c) * (isComplex ? 2 : 1);
  if (size === 0) {
    return [];
  }
  if (size !== a.length) {
    throw new Error(`[${shape}] does not match the input size ${a.length}${isComplex ? " for a complex tensor" : ""}.`);
  }
  return createNestedArray(0, shape, a, isComplex);
}
function makeOnesTypedArray(size, dtype) {
  const array = makeZerosTypedArray(size, dtype);
  for (let i = 0; i < array.length; i++) {
    array[i] = 1;
  }
  return array;
}
function makeZerosTypedArray(size, dtype) {
  if (dtype == null || dtype === "float32" || dtype === "complex64") {
    return new Float32Array(size);
  } else if (dtype === "int32") {
    return new Int32Array(size);
  } else if (dtype === "bool") {
    return new Uint8Array(size);
  } else {
    throw new Error(`Unknown data type ${dtype}`);
  }
}
function assertNonNegativeIntegerDimensions(shape) {
  shape.forEach((dimSize) => {
    assert(Number.isInteger(dimSize) && dimSize >= 0, () => `Tensor must have a shape comprised of positive integers but got shape [${shape}].`);
  });
}
function isPromise(object) {
  return object && object.then && typeof object.then === "function";
}

// ../../node_modules/@tensorflow/tfjs-core/dist/environment.js
var TENSORFLOWJS_FLAGS_PREFIX = "tfjsflags";
var Environment = class {
  // tslint:disable-next-line: no-any
  constructor(global2) {
    this.global = global2;
    this.flags = {};
    this.flagRegistry = {};
    this.urlFlags = {};
    this.getQueryParams = getQueryParams;
    this.populateURLFlags();
  }
  setPlatform(platformName, platform) {
    if (this.platform != null) {
      if (!(env().getBool("IS_TEST") || env().getBool("PROD"))) {
        console.warn(`Platform ${this.platformName} has already been set. Overwriting the platform with ${platformName}.`);
      }
    }
    this.platformName = platformName;
    this.platform = platform;
  }
  registerFlag(flagName, evaluationFn, setHook) {
    this.flagRegistry[flagName] = { evaluationFn, setHook };
    if (this.urlFlags[flagName] != null) {
      const flagValue = this.urlFlags[flagName];
      if (!(env().getBool("IS_TEST") || env().getBool("PROD"))) {
        console.warn(`Setting feature override from URL ${flagName}: ${flagValue}.`);
      }
      this.set(flagName, flagValue);
    }
  }
  async getAsync(flagName) {
    if (flagName in this.flags) {
      return this.flags[flagName];
    }
    this.flags[flagName] = await this.evaluateFlag(flagName);
    return this.flags[flagName];
  }
  get(flagName) {
    if (flagName in this.flags) {
      return this.flags[flagName];
    }
    const flagValue = this.evaluateFlag(flagName);
    if (isPromise(flagValue)) {
      throw new Error(`Flag ${flagName} cannot be synchronously evaluated. Please use getAsync() instead.`);
    }
    this.flags[flagName] = flagValue;
    return this.flags[flagName];
  }
  getNumber(flagName) {
    return this.get(flagName);
  }
  getBool(flagName) {
    return this.get(flagName);
  }
  getString(flagName) {
    return this.get(flagName);
  }
  getFlags() {
    return this.flags;
  }
  // For backwards compatibility.
  get features() {
    return this.flags;
  }
  set(flagName, value) {
    if (this.flagRegistry[flagName] == null) {
      throw new Error(`Cannot set flag ${flagName} as it has not been registered.`);
    }
    this.flags[flagName] = value;
    if (this.flagRegistry[flagName].setHook != null) {
      this.flagRegistry[flagName].setHook(value);
    }
  }
  evaluateFlag(flagName) {
    if (this.flagRegistry[flagName] == null) {
      throw new Error(`Cannot evaluate flag '${flagName}': no evaluation function found.`);
    }
    return this.flagRegistry[flagName].evaluationFn();
  }
  setFlags(flags) {
    this.flags = Object.assign({}, flags);
  }
  reset() {
    this.flags = {};
    this.urlFlags = {};
    this.populateURLFlags();
  }
  populateURLFlags() {
    if (typeof this.global === "undefined" || typeof this.global.location === "undefined" || typeof this.global.location.search === "undefined") {
      return;
    }
    const urlParams = this.getQueryParams(this.global.location.search);
    if (TENSORFLOWJS_FLAGS_PREFIX in urlParams) {
      const keyValues = urlParams[TENSORFLOWJS_FLAGS_PREFIX].split(",");
      keyValues.forEach((keyValue) => {
        const [key, value] = keyValue.split(":");
        this.urlFlags[key] = parseValue(key, value);
      });
    }
  }
};
function getQueryParams(queryString) {
  const params = {};
  queryString.replace(/[?&]([^=?&]+)(?:=([^&]*))?/g, (s, ...t) => {
    decodeParam(params, t[0], t[1]);
    return t.join("=");
  });
  return params;
}
function decodeParam(params, name, value) {
  params[decodeURIComponent(name)] = decodeURIComponent(value || "");
}
function parseValue(flagName, value) {
  const lowerCaseValue = value.toLowerCase();
  if (lowerCaseValue === "true" || lowerCaseValue === "false") {
    return lowerCaseValue === "true";
  } else if (`${+lowerCaseValue}` === lowerCaseValue) {
    return +lowerCaseValue;
  } else {
    return value;
  }
}
function env() {
  return ENV;
}
var ENV = null;
function setEnvironmentGlobal(environment) {
  ENV = environment;
}

// ../../node_modules/@tensorflow/tfjs-core/dist/global_util.js
var globalNameSpace;
function getGlobalNamespace() {
  if (globalNameSpace == null) {
    let ns;
    if (typeof window !== "undefined") {
      ns = window;
    } else if (typeof global !== "undefined") {
      ns = global;
    } else if (typeof process !== "undefined") {
      ns = process;
    } else if (typeof self !== "undefined") {
      ns = self;
    } else {
      throw new Error("Could not find a global object");
    }
    globalNameSpace = ns;
  }
  return globalNameSpace;
}
function getGlobalMap() {
  const ns = getGlobalNamespace();
  if (ns._tfGlobals == null) {
    ns._tfGlobals = /* @__PURE__ */ new Map();
  }
  return ns._tfGlobals;
}
function getGlobal(key, init) {
  const globalMap = getGlobalMap();
  if (globalMap.has(key)) {
    return globalMap.get(key);
  } else {
    const singleton = init();
    globalMap.set(key, singleton);
    return globalMap.get(key);
  }
}

// ../../node_modules/@tensorflow/tfjs-core/dist/log.js
function warn(...msg) {
  if (!(env().getBool("IS_TEST") || env().getBool("PROD"))) {
    console.warn(...msg);
  }
}

// ../../node_modules/@tensorflow/tfjs-core/dist/kernel_registry.js
var kernelRegistry = getGlobal("kernelRegistry", () => /* @__PURE__ */ new Map());
var gradRegistry = getGlobal("gradRegistry", () => /* @__PURE__ */ new Map());
function getKernel(kernelName, backendName) {
  const key = makeKey(kernelName, backendName);
  return kernelRegistry.get(key);
}
function getGradient(kernelName) {
  return gradRegistry.get(kernelName);
}
function getKernelsForBackend(backendName) {
  const it = kernelRegistry.entries();
  const result = [];
  while (true) {
    const { done, value } = it.next();
    if (done) {
      break;
    }
    const [key, config] = value;
    const [backend] = key.split("_");
    if (backend === backendName) {
      result.push(config);
    }
  }
  return result;
}
function makeKey(kernelName, backendName) {
  return `${backendName}_${kernelName}`;
}

// ../../node_modules/@tensorflow/tfjs-core/dist/platforms/is_typed_array_browser.js
function isTypedArrayBrowser(a) {
  return a instanceof Float32Array || a instanceof Int32Array || a instanceof Uint8Array || a instanceof Uint8ClampedArray;
}

// ../../node_modules/@tensorflow/tfjs-core/dist/util.js
function noConversionNeeded(a, dtype) {
  return a instanceof Float32Array && dtype === "float32" || a instanceof Int32Array && dtype === "int32" || a instanceof Uint8Array && dtype === "bool";
}
function toTypedArray(a, dtype) {
  if (dtype === "string") {
    throw new Error("Cannot convert a string[] to a TypedArray");
  }
  if (Array.isArray(a)) {
    a = flatten(a);
  }
  if (env().getBool("DEBUG")) {
    checkConversionForErrors(a, dtype);
  }
  if (noConversionNeeded(a, dtype)) {
    return a;
  }
  if (dtype == null || dtype === "float32" || dtype === "complex64") {
    return new Float32Array(a);
  } else if (dtype === "int32") {
    return new Int32Array(a);
  } else if (dtype === "bool") {
    const bool = new Uint8Array(a.length);
    for (let i = 0; i < bool.length; ++i) {
      if (Math.round(a[i]) !== 0) {
        bool[i] = 1;
      }
    }
    return bool;
  } else {
    throw new Error(`Unknown data type ${dtype}`);
  }
}
function now() {
  return env().platform.now();
}
function encodeString(s, encoding = "utf-8") {
  encoding = encoding || "utf-8";
  return env().platform.encode(s, encoding);
}
function decodeString(bytes, encoding = "utf-8") {
  encoding = encoding || "utf-8";
  return env().platform.decode(bytes, encoding);
}
function isTypedArray(a) {
  if (env().platform.isTypedArray != null) {
    return env().platform.isTypedArray(a);
  } else {
    return isTypedArrayBrowser(a);
  }
}
function flatten(arr, result = [], skipTypedArray = false) {
  if (result == null) {
    result = [];
  }
  if (typeof arr === "boolean" || typeof arr === "number" || typeof arr === "string" || isPromise(arr) || arr == null || isTypedArray(arr) && skipTypedArray) {
    result.push(arr);
  } else if (Array.isArray(arr) || isTypedArray(arr)) {
    for (let i = 0; i < arr.length; ++i) {
      flatten(arr[i], result, skipTypedArray);
    }
  } else {
    let maxIndex = -1;
    for (const key of Object.keys(arr)) {
      if (/^([1-9]+[0-9]*|0)$/.test(key)) {
        maxIndex = Math.max(maxIndex, Number(key));
      }
    }
    for (let i = 0; i <= maxIndex; i++) {
      flatten(arr[i], result, skipTypedArray);
    }
  }
  return result;
}

// ../../node_modules/@tensorflow/tfjs-core/dist/profiler.js
var Profiler = class {
  constructor(backendTimer, logger) {
    this.backendTimer = backendTimer;
    this.logger = logger;
    if (logger == null) {
      this.logger = new Logger();
    }
  }
  profileKernel(kernelName, inputs, f) {
    let outputs;
    const holdResultWrapperFn = () => {
      outputs = f();
    };
    let timer;
    const start = now();
    if (this.backendTimer.timerAvailable()) {
      timer = this.backendTimer.time(holdResultWrapperFn);
    } else {
      holdResultWrapperFn();
      for (const output of outputs) {
        output.dataSync();
      }
      timer = Promise.resolve({ kernelMs: now() - start });
    }
    if (env().getBool("CHECK_COMPUTATION_FOR_ERRORS")) {
      for (let i = 0; i < outputs.length; i++) {
        const output = outputs[i];
        output.data().then((tensorVals) => {
          checkComputationForErrors(tensorVals, output.dtype, kernelName);
        });
      }
    }
    const kernelProfile = {
      kernelName,
      outputs,
      inputs,
      timeMs: timer.then((timing) => timing.kernelMs),
      extraInfo: timer.then((timing) => timing.getExtraProfileInfo != null ? timing.getExtraProfileInfo() : "")
    };
    return kernelProfile;
  }
  logKernelProfile(kernelProfile) {
    const { kernelName, outputs, timeMs, inputs, extraInfo } = kernelProfile;
    outputs.forEach((result) => {
      Promise.all([result.data(), timeMs, extraInfo]).then((valueContainer) => {
        this.logger.logKernelProfile(kernelName, result, valueContainer[0], valueContainer[1], inputs, valueContainer[2]);
      });
    });
  }
};
function checkComputationForErrors(vals, dtype, kernelName) {
  if (dtype !== "float32") {
    return false;
  }
  for (let i = 0; i < vals.length; i++) {
    const num = vals[i];
    if (isNaN(num) || !isFinite(num)) {
      console.warn(`Found ${num} in the result of '${kernelName}'`);
      return true;
    }
  }
  return false;
}
var Logger = class {
  logKernelProfile(name, result, vals, timeMs, inputs, extraInfo) {
    const time2 = typeof timeMs === "number" ? rightPad(`${timeMs}ms`, 9) : timeMs["error"];
    const paddedName = rightPad(name, 25);
    const rank = result.rank;
    const size = result.size;
    const shape = rightPad(result.shape.toString(), 14);
    let inputShapesDescription = "";
    for (const name2 in inputs) {
      const input = inputs[name2];
      if (input != null) {
        const inputShape = input.shape || result.shape;
        const inputRank = inputShape.length;
        inputShapesDescription += `${name2}: ${inputRank}D ${inputRank > 0 ? inputShape : ""} `;
      }
    }
    console.log(`%c${paddedName}	%c${time2}	%c${rank}D ${shape}	%c${size}	%c${inputShapesDescription}	%c${extraInfo}`, "font-weight:bold", "color:red", "color:blue", "color: orange", "color: green", "color: steelblue");
  }
};

// ../../node_modules/@tensorflow/tfjs-core/dist/tape.js
function getFilteredNodesXToY(tape, xs, y) {
  const tensorsFromX = {};
  const nodesFromX = {};
  for (let i = 0; i < xs.length; i++) {
    tensorsFromX[xs[i].id] = true;
  }
  for (let i = 0; i < tape.length; i++) {
    const node = tape[i];
    const nodeInputs = node.inputs;
    for (const inputName in nodeInputs) {
      const input = nodeInputs[inputName];
      let anyInputFromX = false;
      for (let j = 0; j < xs.length; j++) {
        if (tensorsFromX[input.id]) {
          node.outputs.forEach((output) => tensorsFromX[output.id] = true);
          anyInputFromX = true;
          nodesFromX[node.id] = true;
          break;
        }
      }
      if (anyInputFromX) {
        break;
      }
    }
  }
  const tensorsLeadToY = {};
  tensorsLeadToY[y.id] = true;
  const nodesToY = {};
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    const nodeInputs = node.inputs;
    for (let j = 0; j < node.outputs.length; j++) {
      if (tensorsLeadToY[node.outputs[j].id]) {
        for (const inputName in nodeInputs) {
          tensorsLeadToY[nodeInputs[inputName].id] = true;
          nodesToY[node.id] = true;
        }
        break;
      }
    }
  }
  const filteredTape = [];
  for (let i = 0; i < tape.length; i++) {
    const node = tape[i];
    if (nodesFromX[node.id] && nodesToY[node.id]) {
      const prunedInputs = {};
      for (const inputName in node.inputs) {
        const nodeInput = node.inputs[inputName];
        if (tensorsFromX[nodeInput.id]) {
          prunedInputs[inputName] = nodeInput;
        }
      }
      const prunedNode = Object.assign({}, node);
      prunedNode.inputs = prunedInputs;
      prunedNode.outputs = node.outputs;
      filteredTape.push(prunedNode);
    }
  }
  return filteredTape;
}
function backpropagateGradients(tensorAccumulatedGradientMap, filteredTape, tidy3, add4) {
  for (let i = filteredTape.length - 1; i >= 0; i--) {
    const node = filteredTape[i];
    const dys = [];
    node.outputs.forEach((o) => {
      const gradTensor = tensorAccumulatedGradientMap[o.id];
      if (gradTensor != null) {
        dys.push(gradTensor);
      } else {
        dys.push(null);
      }
    });
    if (node.gradient == null) {
      throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
    }
    const inputGradients = node.gradient(dys);
    for (const inputName in node.inputs) {
      if (!(inputName in inputGradients)) {
        throw new Error(`Cannot backprop through input ${inputName}. Available gradients found: ${Object.keys(inputGradients)}.`);
      }
      const dx = tidy3(() => inputGradients[inputName]());
      if (dx.dtype !== "float32") {
        throw new Error(`Error in gradient for op ${node.kernelName}. The gradient of input ${inputName} must have 'float32' dtype, but has '${dx.dtype}'`);
      }
      const x = node.inputs[inputName];
      if (!arraysEqual(dx.shape, x.shape)) {
        throw new Error(`Error in gradient for op ${node.kernelName}. The gradient of input '${inputName}' has shape '${dx.shape}', which does not match the shape of the input '${x.shape}'`);
      }
      if (tensorAccumulatedGradientMap[x.id] == null) {
        tensorAccumulatedGradientMap[x.id] = dx;
      } else {
        const curGradient = tensorAccumulatedGradientMap[x.id];
        tensorAccumulatedGradientMap[x.id] = add4(curGradient, dx);
        curGradient.dispose();
      }
    }
  }
}

// ../../node_modules/@tensorflow/tfjs-core/dist/tensor_format.js
var FORMAT_LIMIT_NUM_VALS = 20;
var FORMAT_NUM_FIRST_LAST_VALS = 3;
var FORMAT_NUM_SIG_DIGITS = 7;
function tensorToString(vals, shape, dtype, verbose) {
  const strides = computeStrides(shape);
  const padPerCol = computeMaxSizePerColumn(vals, shape, dtype, strides);
  const rank = shape.length;
  const valsLines = subTensorToString(vals, shape, dtype, strides, padPerCol);
  const lines = ["Tensor"];
  if (verbose) {
    lines.push(`  dtype: ${dtype}`);
    lines.push(`  rank: ${rank}`);
    lines.push(`  shape: [${shape}]`);
    lines.push(`  values:`);
  }
  lines.push(valsLines.map((l) => "    " + l).join("\n"));
  return lines.join("\n");
}
function computeMaxSizePerColumn(vals, shape, dtype, strides) {
  const n = sizeFromShape(shape);
  const numCols = strides[strides.length - 1];
  const padPerCol = new Array(numCols).fill(0);
  const rank = shape.length;
  const valuesOrTuples = dtype === "complex64" ? createComplexTuples(vals) : vals;
  if (rank > 1) {
    for (let row = 0; row < n / numCols; row++) {
      const offset = row * numCols;
      for (let j = 0; j < numCols; j++) {
        padPerCol[j] = Math.max(padPerCol[j], valToString(valuesOrTuples[offset + j], 0, dtype).length);
      }
    }
  }
  return padPerCol;
}
function valToString(val, pad2, dtype) {
  let valStr;
  if (Array.isArray(val)) {
    valStr = `${parseFloat(val[0].toFixed(FORMAT_NUM_SIG_DIGITS))} + ${parseFloat(val[1].toFixed(FORMAT_NUM_SIG_DIGITS))}j`;
  } else if (isString(val)) {
    valStr = `'${val}'`;
  } else if (dtype === "bool") {
    valStr = boolNumToString(val);
  } else {
    valStr = parseFloat(val.toFixed(FORMAT_NUM_SIG_DIGITS)).toString();
  }
  return rightPad(valStr, pad2);
}
function boolNumToString(v) {
  return v === 0 ? "false" : "true";
}
function subTensorToString(vals, shape, dtype, strides, padPerCol, isLast = true) {
  const storagePerElement = dtype === "complex64" ? 2 : 1;
  const size = shape[0];
  const rank = shape.length;
  if (rank === 0) {
    if (dtype === "complex64") {
      const complexTuple = createComplexTuples(vals);
      return [valToString(complexTuple[0], 0, dtype)];
    }
    if (dtype === "bool") {
      return [boolNumToString(vals[0])];
    }
    return [vals[0].toString()];
  }
  if (rank === 1) {
    if (size > FORMAT_LIMIT_NUM_VALS) {
      const firstValsSize = FORMAT_NUM_FIRST_LAST_VALS * storagePerElement;
      let firstVals = Array.from(vals.slice(0, firstValsSize));
      let lastVals = Array.from(vals.slice((size - FORMAT_NUM_FIRST_LAST_VALS) * storagePerElement, size * storagePerElement));
      if (dtype === "complex64") {
        firstVals = createComplexTuples(firstVals);
        lastVals = createComplexTuples(lastVals);
      }
      return [
        "[" + firstVals.map((x, i) => valToString(x, padPerCol[i], dtype)).join(", ") + ", ..., " + lastVals.map((x, i) => valToString(x, padPerCol[size - FORMAT_NUM_FIRST_LAST_VALS + i], dtype)).join(", ") + "]"
      ];
    }
    const displayVals = dtype === "complex64" ? createComplexTuples(vals) : Array.from(vals);
    return [
      "[" + displayVals.map((x, i) => valToString(x, padPerCol[i], dtype)).join(", ") + "]"
    ];
  }
  const subshape = shape.slice(1);
  const substrides = strides.slice(1);
  const stride = strides[0] * storagePerElement;
  const lines = [];
  if (size > FORMAT_LIMIT_NUM_VALS) {
    for (let i = 0; i < FORMAT_NUM_FIRST_LAST_VALS; i++) {
      const start = i * stride;
      const end = start + stride;
      lines.push(...subTensorToString(
        vals.slice(start, end),
        subshape,
        dtype,
        substrides,
        padPerCol,
        false
        /* isLast */
      ));
    }
    lines.push("...");
    for (let i = size - FORMAT_NUM_FIRST_LAST_VALS; i < size; i++) {
      const start = i * stride;
      const end = start + stride;
      lines.push(...subTensorToString(
        vals.slice(start, end),
        subshape,
        dtype,
        substrides,
        padPerCol,
        i === size - 1
        /* isLast */
      ));
    }
  } else {
    for (let i = 0; i < size; i++) {
      const start = i * stride;
      const end = start + stride;
      lines.push(...subTensorToString(
        vals.slice(start, end),
        subshape,
        dtype,
        substrides,
        padPerCol,
        i === size - 1
        /* isLast */
      ));
    }
  }
  const sep2 = rank === 2 ? "," : "";
  lines[0] = "[" + (size > 0 ? lines[0] + sep2 : "");
  for (let i = 1; i < lines.length - 1; i++) {
    lines[i] = " " + lines[i] + sep2;
  }
  let newLineSep = ",\n";
  for (let i = 2; i < rank; i++) {
    newLineSep += "\n";
  }
  lines[lines.length - 1] = " " + lines[lines.length - 1] + "]" + (isLast ? "" : newLineSep);
  return lines;
}
function createComplexTuples(vals) {
  const complexTuples = [];
  for (let i = 0; i < vals.length; i += 2) {
    complexTuples.push([vals[i], vals[i + 1]]);
  }
  return complexTuples;
}

// ../../node_modules/@tensorflow/tfjs-core/dist/tensor.js
var trackerFn = null;
var opHandler = null;
var deprecationWarningFn = null;
function setTensorTracker(fn) {
  trackerFn = fn;
}
function setDeprecationWarningFn(fn) {
  deprecationWarningFn = fn;
}
var Tensor = class {
  constructor(shape, dtype, dataId, id) {
    this.kept = false;
    this.isDisposedInternal = false;
    this.shape = shape.slice();
    this.dtype = dtype || "float32";
    this.size = sizeFromShape(shape);
    this.strides = computeStrides(shape);
    this.dataId = dataId;
    this.id = id;
    this.rankType = this.rank < 5 ? this.rank.toString() : "higher";
  }
  get rank() {
    return this.shape.length;
  }
  /**
   * Returns a promise of `tf.TensorBuffer` that holds the underlying data.
   *
   * @doc {heading: 'Tensors', subheading: 'Classes'}
   */
  async buffer() {
    const vals = await this.data();
    return opHandler.buffer(this.shape, this.dtype, vals);
  }
  /**
   * Returns a `tf.TensorBuffer` that holds the underlying data.
   * @doc {heading: 'Tensors', subheading: 'Classes'}
   */
  bufferSync() {
    return opHandler.buffer(this.shape, this.dtype, this.dataSync());
  }
  /**
   * Returns the tensor data as a nested array. The transfer of data is done
   * asynchronously.
   *
   * @doc {heading: 'Tensors', subheading: 'Classes'}
   */
  async array() {
    const vals = await this.data();
    return toNestedArray(this.shape, vals, this.dtype === "complex64");
  }
  /**
   * Returns the tensor data as a nested array. The transfer of data is done
   * synchronously.
   *
   * @doc {heading: 'Tensors', subheading: 'Classes'}
   */
  arraySync() {
    return toNestedArray(this.shape, this.dataSync(), this.dtype === "complex64");
  }
  /**
   * Asynchronously downloads the values from the `tf.Tensor`. Returns a
   * promise of `TypedArray` that resolves when the computation has finished.
   *
   * @doc {heading: 'Tensors', subheading: 'Classes'}
   */
  async data() {
    this.throwIfDisposed();
    const data = trackerFn().read(this.dataId);
    if (this.dtype === "string") {
      const bytes = await data;
      try {
        return bytes.map((b) => decodeString(b));
      } catch (_a) {
        throw new Error("Failed to decode the string bytes into utf-8. To get the original bytes, call tensor.bytes().");
      }
    }
    return data;
  }
  /**
   * Copy the tensor's data to a new GPU resource. Comparing to the `dataSync()`
   * and `data()`, this method prevents data from being downloaded to CPU.
   *
   * For WebGL backend, the data will be stored on a densely packed texture.
   * This means that the texture will use the RGBA channels to store value.
   *
   * For WebGPU backend, the data will be stored on a buffer. There is no
   * parameter, so can not use a user-defined size to create the buffer.
   *
   * @param options:
   *     For WebGL,
   *         - customTexShape: Optional. If set, will use the user defined
   *     texture shape to create the texture.
   *
   * @returns For WebGL backend, a GPUData contains the new texture and
   *     its information.
   *     {
   *        tensorRef: The tensor that is associated with this texture,
   *        texture: WebGLTexture,
   *        texShape: [number, number] // [height, width]
   *     }
   *
   *     For WebGPU backend, a GPUData contains the new buffer.
   *     {
   *        tensorRef: The tensor that is associated with this buffer,
   *        buffer: GPUBuffer,
   *     }
   *
   *     Remember to dispose the GPUData after it is used by
   *     `res.tensorRef.dispose()`.
   *
   * @doc {heading: 'Tensors', subheading: 'Classes'}
   */
  dataToGPU(options) {
    this.throwIfDisposed();
    return trackerFn().readToGPU(this.dataId, options);
  }
  /**
   * Synchronously downloads the values from the `tf.Tensor`. This blocks the
   * UI thread until the values are ready, which can cause performance issues.
   *
   * @doc {heading: 'Tensors', subheading: 'Classes'}
   */
  dataSync() {
    this.throwIfDisposed();
    const data = trackerFn().readSync(this.dataId);
    if (this.dtype === "string") {
      try {
        return data.map((b) => decodeString(b));
      } catch (_a) {
        throw new Error("Failed to decode the string bytes into utf-8. To get the original bytes, call tensor.bytes().");
      }
    }
    return data;
  }
  /** Returns the underlying bytes of the tensor's data. */
  async bytes() {
    this.throwIfDisposed();
    const data = await trackerFn().read(this.dataId);
    if (this.dtype === "string") {
      return data;
    } else {
      return new Uint8Array(data.buffer);
    }
  }
  /**
   * Disposes `tf.Tensor` from memory.
   *
   * @doc {heading: 'Tensors', subheading: 'Classes'}
   */
  dispose() {
    if (this.isDisposed) {
      return;
    }
    if (this.kerasMask) {
      this.kerasMask.dispose();
    }
    trackerFn().disposeTensor(this);
    this.isDisposedInternal = true;
  }
  get isDisposed() {
    return this.isDisposedInternal;
  }
  throwIfDisposed() {
    if (this.isDisposed) {
      throw new Error(`Tensor is disposed.`);
    }
  }
  /**
   * Prints the `tf.Tensor`. See `tf.print` for details.
   *
   * @param verbose Whether to print verbose information about the tensor,
   *    including dtype and size.
   *
   * @doc {heading: 'Tensors', subheading: 'Classes'}
   */
  print(verbose = false) {
    return opHandler.print(this, verbose);
  }
  /**
   * Returns a copy of the tensor. See `tf.clone` for details.
   * @doc {heading: 'Tensors', subheading: 'Classes'}
   */
  clone() {
    this.throwIfDisposed();
    return opHandler.clone(this);
  }
  /**
   * Returns a human-readable description of the tensor. Useful for logging.
   *
   * @doc {heading: 'Tensors', subheading: 'Classes'}
   */
  toString(verbose = false) {
    const vals = this.dataSync();
    return tensorToString(vals, this.shape, this.dtype, verbose);
  }
  cast(dtype) {
    this.throwIfDisposed();
    return opHandler.cast(this, dtype);
  }
  variable(trainable = true, name, dtype) {
    this.throwIfDisposed();
    return trackerFn().makeVariable(this, trainable, name, dtype);
  }
};
Object.defineProperty(Tensor, Symbol.hasInstance, {
  value: (instance) => {
    return !!instance && instance.data != null && instance.dataSync != null && instance.throwIfDisposed != null;
  }
});
function getGlobalTensorClass() {
  return getGlobal("Tensor", () => {
    return Tensor;
  });
}
getGlobalTensorClass();
var Variable = class extends Tensor {
  constructor(initialValue, trainable, name, tensorId) {
    super(initialValue.shape, initialValue.dtype, initialValue.dataId, tensorId);
    this.trainable = trainable;
    this.name = name;
  }
  /**
   * Assign a new `tf.Tensor` to this variable. The new `tf.Tensor` must have
   * the same shape and dtype as the old `tf.Tensor`.
   *
   * @param newValue New tensor to be assigned to this variable.
   *
   * @doc {heading: 'Tensors', subheading: 'Classes'}
   */
  assign(newValue) {
    if (newValue.dtype !== this.dtype) {
      throw new Error(`dtype of the new value (${newValue.dtype}) and previous value (${this.dtype}) must match`);
    }
    if (!arraysEqual(newValue.shape, this.shape)) {
      throw new Error(`shape of the new value (${newValue.shape}) and previous value (${this.shape}) must match`);
    }
    trackerFn().disposeTensor(this);
    this.dataId = newValue.dataId;
    trackerFn().incRef(
      this,
      null
      /* backend */
    );
  }
  dispose() {
    trackerFn().disposeVariable(this);
    this.isDisposedInternal = true;
  }
};
Object.defineProperty(Variable, Symbol.hasInstance, {
  value: (instance) => {
    return instance instanceof Tensor && instance.assign != null && instance.assign instanceof Function;
  }
});

// ../../node_modules/@tensorflow/tfjs-core/dist/types.js
var Rank;
(function(Rank2) {
  Rank2["R0"] = "R0";
  Rank2["R1"] = "R1";
  Rank2["R2"] = "R2";
  Rank2["R3"] = "R3";
  Rank2["R4"] = "R4";
  Rank2["R5"] = "R5";
  Rank2["R6"] = "R6";
})(Rank || (Rank = {}));
var UpcastInt32AndMap;
(function(UpcastInt32AndMap2) {
  UpcastInt32AndMap2["float32"] = "float32";
  UpcastInt32AndMap2["int32"] = "int32";
  UpcastInt32AndMap2["bool"] = "int32";
  UpcastInt32AndMap2["complex64"] = "complex64";
})(UpcastInt32AndMap || (UpcastInt32AndMap = {}));
var UpcastBoolAndMap;
(function(UpcastBoolAndMap2) {
  UpcastBoolAndMap2["float32"] = "float32";
  UpcastBoolAndMap2["int32"] = "int32";
  UpcastBoolAndMap2["bool"] = "bool";
  UpcastBoolAndMap2["complex64"] = "complex64";
})(UpcastBoolAndMap || (UpcastBoolAndMap = {}));
var UpcastFloat32AndMap;
(function(UpcastFloat32AndMap2) {
  UpcastFloat32AndMap2["float32"] = "float32";
  UpcastFloat32AndMap2["int32"] = "float32";
  UpcastFloat32AndMap2["bool"] = "float32";
  UpcastFloat32AndMap2["complex64"] = "complex64";
})(UpcastFloat32AndMap || (UpcastFloat32AndMap = {}));
var UpcastComplex64AndMap;
(function(UpcastComplex64AndMap2) {
  UpcastComplex64AndMap2["float32"] = "complex64";
  UpcastComplex64AndMap2["int32"] = "complex64";
  UpcastComplex64AndMap2["bool"] = "complex64";
  UpcastComplex64AndMap2["complex64"] = "complex64";
})(UpcastComplex64AndMap || (UpcastComplex64AndMap = {}));
var upcastTypeMap = {
  "float32": UpcastFloat32AndMap,
  "int32": UpcastInt32AndMap,
  "bool": UpcastBoolAndMap,
  "complex64": UpcastComplex64AndMap
};
function upcastType(typeA, typeB) {
  if (typeA === "string" || typeB === "string") {
    if (typeA === "string" && typeB === "string") {
      return "string";
    }
    throw new Error(`Can not upcast ${typeA} with ${typeB}`);
  }
  return upcastTypeMap[typeA][typeB];
}
function isWebGLData(values) {
  return values != null && typeof values === "object" && "texture" in values && values.texture instanceof WebGLTexture;
}
function isWebGPUData(values) {
  return typeof GPUBuffer !== "undefined" && values != null && typeof values === "object" && "buffer" in values && values.buffer instanceof GPUBuffer;
}

// ../../node_modules/@tensorflow/tfjs-core/dist/tensor_util.js
function makeTypesMatch(a, b) {
  if (a.dtype === b.dtype) {
    return [a, b];
  }
  const dtype = upcastType(a.dtype, b.dtype);
  return [a.cast(dtype), b.cast(dtype)];
}
function getTensorsInContainer(result) {
  const list = [];
  const seen = /* @__PURE__ */ new Set();
  walkTensorContainer(result, list, seen);
  return list;
}
function walkTensorContainer(container, list, seen) {
  if (container == null) {
    return;
  }
  if (container instanceof Tensor) {
    list.push(container);
    return;
  }
  if (!isIterable(container)) {
    return;
  }
  const iterable = container;
  for (const k in iterable) {
    const val = iterable[k];
    if (!seen.has(val)) {
      seen.add(val);
      walkTensorContainer(val, list, seen);
    }
  }
}
function isIterable(obj) {
  return Array.isArray(obj) || typeof obj === "object";
}

// ../../node_modules/@tensorflow/tfjs-core/dist/engine.js
function isRegisteredKernelInvocation(kernelInvocation) {
  return kernelInvocation.kernelName != null;
}
var EngineState = class {
  constructor() {
    this.registeredVariables = {};
    this.nextTapeNodeId = 0;
    this.numBytes = 0;
    this.numTensors = 0;
    this.numStringTensors = 0;
    this.numDataBuffers = 0;
    this.gradientDepth = 0;
    this.kernelDepth = 0;
    this.scopeStack = [];
    this.numDataMovesStack = [];
    this.nextScopeId = 0;
    this.tensorInfo = /* @__PURE__ */ new WeakMap();
    this.profiling = false;
    this.activeProfile = {
      newBytes: 0,
      newTensors: 0,
      peakBytes: 0,
      kernels: [],
      result: null,
      get kernelNames() {
        return Array.from(new Set(this.kernels.map((k) => k.name)));
      }
    };
  }
  dispose() {
    for (const variableName in this.registeredVariables) {
      this.registeredVariables[variableName].dispose();
    }
  }
};
var Engine = class _Engine {
  constructor(ENV2) {
    this.ENV = ENV2;
    this.registry = {};
    this.registryFactory = {};
    this.pendingBackendInitId = 0;
    this.state = new EngineState();
  }
  async ready() {
    if (this.pendingBackendInit != null) {
      return this.pendingBackendInit.then(() => {
      });
    }
    if (this.backendInstance != null) {
      return;
    }
    const sortedBackends = this.getSortedBackends();
    for (let i = 0; i < sortedBackends.length; i++) {
      const backendName = sortedBackends[i];
      const success = await this.initializeBackend(backendName).success;
      if (success) {
        await this.setBackend(backendName);
        return;
      }
    }
    throw new Error(`Could not initialize any backends, all backend initializations failed.`);
  }
  get backend() {
    if (this.pendingBackendInit != null) {
      throw new Error(`Backend '${this.backendName}' has not yet been initialized. Make sure to await tf.ready() or await tf.setBackend() before calling other methods`);
    }
    if (this.backendInstance == null) {
      const { name, asyncInit } = this.initializeBackendsAndReturnBest();
      if (asyncInit) {
        throw new Error(`The highest priority backend '${name}' has not yet been initialized. Make sure to await tf.ready() or await tf.setBackend() before calling other methods`);
      }
      this.setBackend(name);
    }
    return this.backendInstance;
  }
  backendNames() {
    return Object.keys(this.registryFactory);
  }
  findBackend(backendName) {
    if (!(backendName in this.registry)) {
      if (backendName in this.registryFactory) {
        const { asyncInit } = this.initializeBackend(backendName);
        if (asyncInit) {
          return null;
        }
      } else {
        return null;
      }
    }
    return this.registry[backendName];
  }
  findBackendFactory(backendName) {
    if (!(backendName in this.registryFactory)) {
      return null;
    }
    return this.registryFactory[backendName].factory;
  }
  registerBackend(backendName, factory, priority = 1) {
    if (backendName in this.registryFactory) {
      warn(`${backendName} backend was already registered. Reusing existing backend factory.`);
      return false;
    }
    this.registryFactory[backendName] = { factory, priority };
    return true;
  }
  async setBackend(backendName) {
    if (this.registryFactory[backendName] == null) {
      throw new Error(`Backend name '${backendName}' not found in registry`);
    }
    this.backendName = backendName;
    if (this.registry[backendName] == null) {
      this.backendInstance = null;
      const { success, asyncInit } = this.initializeBackend(backendName);
      const result = asyncInit ? await success : success;
      if (!result) {
        return false;
      }
    }
    this.backendInstance = this.registry[backendName];
    this.setupRegisteredKernels();
    this.profiler = new Profiler(this.backendInstance);
    return true;
  }
  setupRegisteredKernels() {
    const kernels = getKernelsForBackend(this.backendName);
    kernels.forEach((kernel) => {
      if (kernel.setupFunc != null) {
        kernel.setupFunc(this.backendInstance);
      }
    });
  }
  disposeRegisteredKernels(backendName) {
    const kernels = getKernelsForBackend(backendName);
    kernels.forEach((kernel) => {
      if (kernel.disposeFunc != null) {
        kernel.disposeFunc(this.registry[backendName]);
      }
    });
  }
  /**
   * Initializes a backend by looking up the backend name in the factory
   * registry and calling the factory method. Returns a boolean representing
   * whether the initialization of the backend succeeded. Throws an error if
   * there is no backend in the factory registry.
   */
  initializeBackend(backendName) {
    const registryFactoryEntry = this.registryFactory[backendName];
    if (registryFactoryEntry == null) {
      throw new Error(`Cannot initialize backend ${backendName}, no registration found.`);
    }
    try {
      const backend = registryFactoryEntry.factory();
      if (backend && !(backend instanceof KernelBackend) && typeof backend.then === "function") {
        const promiseId = ++this.pendingBackendInitId;
        const success = backend.then((backendInstance) => {
          if (promiseId < this.pendingBackendInitId) {
            return false;
          }
          this.registry[backendName] = backendInstance;
          this.pendingBackendInit = null;
          return true;
        }).catch((err) => {
          if (promiseId < this.pendingBackendInitId) {
            return false;
          }
          this.pendingBackendInit = null;
          warn(`Initialization of backend ${backendName} failed`);
          warn(err.stack || err.message);
          return false;
        });
        this.pendingBackendInit = success;
        return { success, asyncInit: true };
      } else {
        this.registry[backendName] = backend;
        return { success: true, asyncInit: false };
      }
    } catch (err) {
      warn(`Initialization of backend ${backendName} failed`);
      warn(err.stack || err.message);
      return { success: false, asyncInit: false };
    }
  }
  removeBackend(backendName) {
    if (!(backendName in this.registryFactory)) {
      throw new Error(`${backendName} backend not found in registry`);
    }
    if (this.backendName === backendName && this.pendingBackendInit != null) {
      this.pendingBackendInitId++;
    }
    if (backendName in this.registry) {
      this.disposeRegisteredKernels(backendName);
      this.registry[backendName].dispose();
      delete this.registry[backendName];
    }
    delete this.registryFactory[backendName];
    if (this.backendName === backendName) {
      this.pendingBackendInit = null;
      this.backendName = null;
      this.backendInstance = null;
    }
  }
  getSortedBackends() {
    if (Object.keys(this.registryFactory).length === 0) {
      throw new Error("No backend found in registry.");
    }
    return Object.keys(this.registryFactory).sort((a, b) => {
      return this.registryFactory[b].priority - this.registryFactory[a].priority;
    });
  }
  initializeBackendsAndReturnBest() {
    const sortedBackends = this.getSortedBackends();
    for (let i = 0; i < sortedBackends.length; i++) {
      const backendName = sortedBackends[i];
      const { success, asyncInit } = this.initializeBackend(backendName);
      if (asyncInit || success) {
        return { name: backendName, asyncInit };
      }
    }
    throw new Error(`Could not initialize any backends, all backend initializations failed.`);
  }
  moveData(backend, dataId) {
    const info = this.state.tensorInfo.get(dataId);
    const srcBackend = info.backend;
    const values = this.readSync(dataId);
    const refCount = srcBackend.refCount(dataId);
    srcBackend.disposeData(dataId, true);
    info.backend = backend;
    backend.move(dataId, values, info.shape, info.dtype, refCount);
    if (this.shouldCheckForMemLeaks()) {
      this.state.numDataMovesStack[this.state.numDataMovesStack.length - 1]++;
    }
  }
  tidy(nameOrFn, fn) {
    let name = null;
    if (fn == null) {
      if (typeof nameOrFn !== "function") {
        throw new Error("Please provide a function to tidy()");
      }
      fn = nameOrFn;
    } else {
      if (typeof nameOrFn !== "string" && !(nameOrFn instanceof String)) {
        throw new Error("When calling with two arguments, the first argument to tidy() must be a string");
      }
      if (typeof fn !== "function") {
        throw new Error("When calling with two arguments, the 2nd argument to tidy() must be a function");
      }
      name = nameOrFn;
    }
    let result;
    return this.scopedRun(() => this.startScope(name), () => this.endScope(result), () => {
      result = fn();
      if (result instanceof Promise) {
        console.error("Cannot return a Promise inside of tidy.");
      }
      return result;
    });
  }
  scopedRun(start, end, f) {
    start();
    try {
      const res = f();
      end();
      return res;
    } catch (ex) {
      end();
      throw ex;
    }
  }
  nextTensorId() {
    return _Engine.nextTensorId++;
  }
  nextVariableId() {
    return _Engine.nextVariableId++;
  }
  /**
   * This method is called instead of the public-facing tensor.clone() when
   * saving a tensor for backwards pass. It makes sure to add the clone
   * operation to the tape regardless of being called inside a kernel
   * execution.
   */
  clone(x) {
    const y = ENGINE.runKernel(Identity, { x });
    const inputs = { x };
    const grad = (dy) => ({
      x: () => {
        const dtype = "float32";
        const gradInputs = { x: dy };
        const attrs = { dtype };
        return ENGINE.runKernel(
          Cast,
          gradInputs,
          // tslint:disable-next-line: no-unnecessary-type-assertion
          attrs
        );
      }
    });
    const saved = [];
    this.addTapeNode(this.state.activeScope.name, inputs, [y], grad, saved, {});
    return y;
  }
  /**
   * Execute a kernel with the given name and return the output tensor.
   *
   * @param kernelName The name of the kernel to execute.
   * @param inputs A map of input names to tensors.
   * @param attrs A map of attribute names to their values. An attribute is a
   *     primitive (non-tensor) input to the kernel.
   * @param inputsToSave A list of tensors, inputs to save for the backprop
   *     computation.
   * @param outputsToSave A list of booleans, specifying which output to save
   *     for the backprop computation. These are booleans since the output
   * tensors are not visible to the user.
   */
  runKernel(kernelName, inputs, attrs) {
    if (this.backendName == null) {
      this.backend;
    }
    const hasKernel = getKernel(kernelName, this.backendName) != null;
    if (!hasKernel) {
      throw new Error(`Kernel '${kernelName}' not registered for backend '${this.backendName}'`);
    }
    return this.runKernelFunc({ kernelName, inputs, attrs });
  }
  shouldCheckForMemLeaks() {
    return this.ENV.getBool("IS_TEST");
  }
  checkKernelForMemLeak(kernelName, numDataIdsBefore, outInfos) {
    const numDataIdsAfter = this.backend.numDataIds();
    let numOutputDataIds = 0;
    outInfos.forEach((info) => {
      numOutputDataIds += info.dtype === "complex64" ? 3 : 1;
    });
    const numMoves = this.state.numDataMovesStack[this.state.numDataMovesStack.length - 1];
    const dataIdsLeaked = numDataIdsAfter - numDataIdsBefore - numOutputDataIds - numMoves;
    if (dataIdsLeaked > 0) {
      throw new Error(`Backend '${this.backendName}' has an internal memory leak (${dataIdsLeaked} data ids) after running '${kernelName}'`);
    }
  }
  /**
   * Internal helper method to execute a kernel Func
   *
   * Use `runKernel` to execute kernels from outside of engine.
   */
  runKernelFunc(kernelParams) {
    let outputs;
    let saved = [];
    const isTapeOn = this.isTapeOn();
    const startingBytecount = this.state.numBytes;
    const startingNumTensors = this.state.numTensors;
    if (this.shouldCheckForMemLeaks()) {
      this.state.numDataMovesStack.push(0);
    }
    let kernelFunc;
    if (this.backendName == null) {
      this.backend;
    }
    let out;
    const kernelOrScopeName = isRegisteredKernelInvocation(kernelParams) ? kernelParams.kernelName : this.state.activeScope != null ? this.state.activeScope.name : "";
    if (isRegisteredKernelInvocation(kernelParams)) {
      const { kernelName, inputs: inputs2, attrs: attrs2 } = kernelParams;
      if (this.backendName == null) {
        this.backend;
      }
      const kernel = getKernel(kernelName, this.backendName);
      assert(kernel != null, () => `Cannot find registered kernel '${kernelName}' for backend '${this.backendName}'`);
      kernelFunc = () => {
        const numDataIdsBefore = this.backend.numDataIds();
        out = kernel.kernelFunc({ inputs: inputs2, attrs: attrs2, backend: this.backend });
        const outInfos = Array.isArray(out) ? out : [out];
        if (this.shouldCheckForMemLeaks()) {
          this.checkKernelForMemLeak(kernelName, numDataIdsBefore, outInfos);
        }
        const outTensors = outInfos.map((outInfo) => {
          if (outInfo.rank != null) {
            return outInfo;
          }
          return this.makeTensorFromTensorInfo(outInfo);
        });
        if (isTapeOn) {
          const tensorsToSave = this.getTensorsForGradient(kernelName, inputs2, outTensors);
          saved = this.saveTensorsForBackwardMode(tensorsToSave);
        }
        return outTensors;
      };
    } else {
      const { forwardFunc } = kernelParams;
      const saveFunc = (tensors) => {
        if (!isTapeOn) {
          return;
        }
        saved = tensors.map((tensor2) => this.keep(this.clone(tensor2)));
      };
      kernelFunc = () => {
        const numDataIdsBefore = this.backend.numDataIds();
        out = this.tidy(() => forwardFunc(this.backend, saveFunc));
        const outs = Array.isArray(out) ? out : [out];
        if (this.shouldCheckForMemLeaks()) {
          this.checkKernelForMemLeak(kernelOrScopeName, numDataIdsBefore, outs);
        }
        return outs;
      };
    }
    const { inputs, attrs } = kernelParams;
    const backwardsFunc = isRegisteredKernelInvocation(kernelParams) ? null : kernelParams.backwardsFunc;
    let kernelProfile;
    this.scopedRun(
      // Stop recording to a tape when running a kernel.
      () => this.state.kernelDepth++,
      () => this.state.kernelDepth--,
      () => {
        if (!this.ENV.getBool("DEBUG") && !this.state.profiling) {
          outputs = kernelFunc();
        } else {
          kernelProfile = this.profiler.profileKernel(kernelOrScopeName, inputs, () => kernelFunc());
          if (this.ENV.getBool("DEBUG")) {
            this.profiler.logKernelProfile(kernelProfile);
          }
          outputs = kernelProfile.outputs;
        }
      }
    );
    if (isTapeOn) {
      this.addTapeNode(kernelOrScopeName, inputs, outputs, backwardsFunc, saved, attrs);
    }
    if (this.state.profiling) {
      this.state.activeProfile.kernels.push({
        name: kernelOrScopeName,
        bytesAdded: this.state.numBytes - startingBytecount,
        totalBytesSnapshot: this.state.numBytes,
        tensorsAdded: this.state.numTensors - startingNumTensors,
        totalTensorsSnapshot: this.state.numTensors,
        inputShapes: Object.keys(inputs).map((key) => inputs[key] != null ? inputs[key].shape : null),
        outputShapes: outputs.map((item) => item.shape),
        kernelTimeMs: kernelProfile.timeMs,
        extraInfo: kernelProfile.extraInfo
      });
    }
    return Array.isArray(out) ? outputs : outputs[0];
  }
  /**
   * Saves tensors used in forward mode for use in backward mode.
   *
   * @param tensors the list of tensors to save.
   */
  saveTensorsForBackwardMode(tensors) {
    const saved = tensors.map((tensor2) => this.keep(this.clone(tensor2)));
    return saved;
  }
  /**
   * Returns a list of tensors to save for a given gradient calculation.
   *
   * @param kernelName name of kernel to look up gradient for.
   * @param inputs a map of input tensors.
   * @param outputs an array of output tensors from forward mode of kernel.
   */
  getTensorsForGradient(kernelName, inputs, outputs) {
    const gradConfig = getGradient(kernelName);
    if (gradConfig != null) {
      const inputsToSave = gradConfig.inputsToSave || [];
      const outputsToSave = gradConfig.outputsToSave || [];
      let inputTensorsToSave;
      if (gradConfig.saveAllInputs) {
        assert(Array.isArray(inputs), () => "saveAllInputs is true, expected inputs to be an array.");
        inputTensorsToSave = Object.keys(inputs).map((key) => inputs[key]);
      } else {
        inputTensorsToSave = inputsToSave.map((inputName) => inputs[inputName]);
      }
      const outputTensorsToSave = outputs.filter((_, i) => outputsToSave[i]);
      return inputTensorsToSave.concat(outputTensorsToSave);
    }
    return [];
  }
  /**
   * Internal method used by public APIs for tensor creation. Makes a new
   * tensor with the provided shape, dtype and values. It always
   * creates a new data id and writes the values to the underlying backend.
   */
  makeTensor(values, shape, dtype, backend) {
    if (values == null) {
      throw new Error("Values passed to engine.makeTensor() are null");
    }
    dtype = dtype || "float32";
    backend = backend || this.backend;
    let backendVals = values;
    if (dtype === "string" && isString(values[0])) {
      backendVals = values.map((d) => encodeString(d));
    }
    const dataId = backend.write(backendVals, shape, dtype);
    const t = new Tensor(shape, dtype, dataId, this.nextTensorId());
    this.trackTensor(t, backend);
    if (dtype === "string") {
      const info = this.state.tensorInfo.get(dataId);
      const newBytes = bytesFromStringArray(backendVals);
      this.state.numBytes += newBytes - info.bytes;
      info.bytes = newBytes;
    }
    return t;
  }
  /**
   * Internal method used by backends. Makes a new tensor
   * that is a wrapper around an existing data id. It doesn't create
   * a new data id, only increments the ref count used in memory tracking.
   * @deprecated
   */
  makeTensorFromDataId(dataId, shape, dtype, backend) {
    dtype = dtype || "float32";
    const tensorInfo = { dataId, shape, dtype };
    return this.makeTensorFromTensorInfo(tensorInfo, backend);
  }
  /**
   * Internal method used by backends. Makes a new tensor that is a wrapper
   * around an existing data id in TensorInfo. It doesn't create a new data id,
   * only increments the ref count used in memory tracking.
   */
  makeTensorFromTensorInfo(tensorInfo, backend) {
    const { dataId, shape, dtype } = tensorInfo;
    const t = new Tensor(shape, dtype, dataId, this.nextTensorId());
    this.trackTensor(t, backend);
    return t;
  }
  makeVariable(initialValue, trainable = true, name, dtype) {
    name = name || this.nextVariableId().toString();
    if (dtype != null && dtype !== initialValue.dtype) {
      initialValue = initialValue.cast(dtype);
    }
    const v = new Variable(initialValue, trainable, name, this.nextTensorId());
    if (this.state.registeredVariables[v.name] != null) {
      throw new Error(`Variable with name ${v.name} was already registered`);
    }
    this.state.registeredVariables[v.name] = v;
    this.incRef(v, this.backend);
    return v;
  }
  trackTensor(a, backend) {
    this.state.numTensors++;
    if (a.dtype === "string") {
      this.state.numStringTensors++;
    }
    let bytes = 0;
    if (a.dtype !== "complex64" && a.dtype !== "string") {
      bytes = a.size * bytesPerElement(a.dtype);
    }
    this.state.numBytes += bytes;
    if (!this.state.tensorInfo.has(a.dataId)) {
      this.state.numDataBuffers++;
      this.state.tensorInfo.set(a.dataId, {
        backend: backend || this.backend,
        dtype: a.dtype,
        shape: a.shape,
        bytes
      });
    }
    if (!(a instanceof Variable)) {
      this.track(a);
    }
  }
  // Track the tensor by dataId and increase the refCount for the dataId in the
  // backend.
  // TODO(pyu10055): This is currently used by makeVariable method, to increase
  // refCount on the backend for the dataId. It can potentially be replaced with
  // Identity op indead of calling backend directly.
  incRef(a, backend) {
    this.trackTensor(a, backend);
    this.backend.incRef(a.dataId);
  }
  removeDataId(dataId, backend) {
    if (this.state.tensorInfo.has(dataId) && this.state.tensorInfo.get(dataId).backend === backend) {
      this.state.tensorInfo.delete(dataId);
      this.state.numDataBuffers--;
    }
  }
  disposeTensor(a) {
    if (!this.state.tensorInfo.has(a.dataId)) {
      return;
    }
    const info = this.state.tensorInfo.get(a.dataId);
    this.state.numTensors--;
    if (a.dtype === "string") {
      this.state.numStringTensors--;
      this.state.numBytes -= info.bytes;
    }
    if (a.dtype !== "complex64" && a.dtype !== "string") {
      const bytes = a.size * bytesPerElement(a.dtype);
      this.state.numBytes -= bytes;
    }
    if (info.backend.disposeData(a.dataId)) {
      this.removeDataId(a.dataId, info.backend);
    }
  }
  disposeVariables() {
    for (const varName in this.state.registeredVariables) {
      const v = this.state.registeredVariables[varName];
      this.disposeVariable(v);
    }
  }
  disposeVariable(v) {
    this.disposeTensor(v);
    if (this.state.registeredVariables[v.name] != null) {
      delete this.state.registeredVariables[v.name];
    }
  }
  memory() {
    const info = this.backend.memory();
    info.numTensors = this.state.numTensors;
    info.numDataBuffers = this.state.numDataBuffers;
    info.numBytes = this.state.numBytes;
    if (this.state.numStringTensors > 0) {
      info.unreliable = true;
      if (info.reasons == null) {
        info.reasons = [];
      }
      info.reasons.push("Memory usage by string tensors is approximate (2 bytes per character)");
    }
    return info;
  }
  async profile(query) {
    this.state.profiling = true;
    const startBytes = this.state.numBytes;
    const startNumTensors = this.state.numTensors;
    this.state.activeProfile.kernels = [];
    this.state.activeProfile.result = await query();
    this.state.profiling = false;
    this.state.activeProfile.peakBytes = Math.max(...this.state.activeProfile.kernels.map((d) => d.totalBytesSnapshot));
    this.state.activeProfile.newBytes = this.state.numBytes - startBytes;
    this.state.activeProfile.newTensors = this.state.numTensors - startNumTensors;
    for (const kernel of this.state.activeProfile.kernels) {
      kernel.kernelTimeMs = await kernel.kernelTimeMs;
      kernel.extraInfo = await kernel.extraInfo;
    }
    return this.state.activeProfile;
  }
  isTapeOn() {
    return this.state.gradientDepth > 0 && this.state.kernelDepth === 0;
  }
  addTapeNode(kernelName, inputs, outputs, gradientsFunc, saved, attrs) {
    const tapeNode = { id: this.state.nextTapeNodeId++, kernelName, inputs, outputs, saved };
    const gradConfig = getGradient(kernelName);
    if (gradConfig != null) {
      gradientsFunc = gradConfig.gradFunc;
    }
    if (gradientsFunc != null) {
      tapeNode.gradient = (dys) => {
        dys = dys.map((dy, i) => {
          if (dy == null) {
            const output = outputs[i];
            const vals = makeZerosTypedArray(output.size, output.dtype);
            return this.makeTensor(vals, output.shape, output.dtype);
          }
          return dy;
        });
        return gradientsFunc(dys.length > 1 ? dys : dys[0], saved, attrs);
      };
    }
    this.state.activeTape.push(tapeNode);
  }
  keep(result) {
    result.kept = true;
    return result;
  }
  startTape() {
    if (this.state.gradientDepth === 0) {
      this.state.activeTape = [];
    }
    this.state.gradientDepth++;
  }
  endTape() {
    this.state.gradientDepth--;
  }
  /**
   * Start a scope. Use this with endScope() to achieve the same functionality
   * as scope() without the need for a function closure.
   */
  startScope(name) {
    const scopeInfo = {
      track: [],
      name: "unnamed scope",
      id: this.state.nextScopeId++
    };
    if (name) {
      scopeInfo.name = name;
    }
    this.state.scopeStack.push(scopeInfo);
    this.state.activeScope = scopeInfo;
  }
  /**
   * End a scope. Use this with startScope() to achieve the same functionality
   * as scope() without the need for a function closure.
   */
  endScope(result) {
    const tensorsToTrackInParent = getTensorsInContainer(result);
    const tensorsToTrackInParentSet = new Set(tensorsToTrackInParent.map((t) => t.id));
    for (let i = 0; i < this.state.activeScope.track.length; i++) {
      const tensor2 = this.state.activeScope.track[i];
      if (!tensor2.kept && !tensorsToTrackInParentSet.has(tensor2.id)) {
        tensor2.dispose();
      }
    }
    const oldScope = this.state.scopeStack.pop();
    this.state.activeScope = this.state.scopeStack.length === 0 ? null : this.state.scopeStack[this.state.scopeStack.length - 1];
    tensorsToTrackInParent.forEach((tensor2) => {
      if (!tensor2.kept && tensor2.scopeId === oldScope.id) {
        this.track(tensor2);
      }
    });
  }
  /**
   * Returns gradients of `f` with respect to each of the `xs`. The gradients
   * returned are of the same length as `xs`, but some might be null if `f`
   * was not a function of that `x`. It also takes optional dy to multiply the
   * gradient, which defaults to `1`.
   */
  gradients(f, xs, dy, allowNoGradients = false) {
    assert(xs.length > 0, () => "gradients() received an empty list of xs.");
    if (dy != null && dy.dtype !== "float32") {
      throw new Error(`dy must have 'float32' dtype, but has '${dy.dtype}'`);
    }
    const y = this.scopedRun(() => this.startTape(), () => this.endTape(), () => this.tidy("forward", f));
    assert(y instanceof Tensor, () => "The result y returned by f() must be a tensor.");
    const filteredTape = getFilteredNodesXToY(this.state.activeTape, xs, y);
    if (!allowNoGradients && filteredTape.length === 0 && xs.length > 0) {
      throw new Error("Cannot compute gradient of y=f(x) with respect to x. Make sure that the f you passed encloses all operations that lead from x to y.");
    }
    return this.tidy("backward", () => {
      const accumulatedGradientMap = {};
      accumulatedGradientMap[y.id] = dy == null ? ones(y.shape) : dy;
      backpropagateGradients(
        accumulatedGradientMap,
        filteredTape,
        // Pass the tidy function to avoid circular dep with `tape.ts`.
        (f2) => this.tidy(f2),
        // Pass an add function to avoide a circular dep with `tape.ts`.
        add
      );
      const grads2 = xs.map((x) => accumulatedGradientMap[x.id]);
      if (this.state.gradientDepth === 0) {
        this.state.activeTape.forEach((node) => {
          for (const tensor2 of node.saved) {
            tensor2.dispose();
          }
        });
        this.state.activeTape = null;
      }
      return { value: y, grads: grads2 };
    });
  }
  customGrad(f) {
    assert(isFunction(f), () => "The f passed in customGrad(f) must be a function.");
    return (...inputs) => {
      assert(inputs.every((t) => t instanceof Tensor), () => "The args passed in customGrad(f)(x1, x2,...) must all be tensors");
      let res;
      const inputMap = {};
      inputs.forEach((input, i) => {
        inputMap[i] = input;
      });
      const forwardFunc = (_, save) => {
        res = f(...[...inputs, save]);
        assert(res.value instanceof Tensor, () => "The function f passed in customGrad(f) must return an object where `obj.value` is a tensor");
        assert(isFunction(res.gradFunc), () => "The function f passed in customGrad(f) must return an object where `obj.gradFunc` is a function.");
        return res.value;
      };
      const backwardsFunc = (dy, saved) => {
        const gradRes = res.gradFunc(dy, saved);
        const grads2 = Array.isArray(gradRes) ? gradRes : [gradRes];
        assert(grads2.length === inputs.length, () => "The function f passed in customGrad(f) must return an object where `obj.gradFunc` is a function that returns the same number of tensors as inputs passed to f(...).");
        assert(grads2.every((t) => t instanceof Tensor), () => "The function f passed in customGrad(f) must return an object where `obj.gradFunc` is a function that returns a list of only tensors.");
        const gradMap = {};
        grads2.forEach((grad, i) => {
          gradMap[i] = () => grad;
        });
        return gradMap;
      };
      return this.runKernelFunc({
        forwardFunc,
        backwardsFunc,
        inputs: inputMap
      });
    };
  }
  readSync(dataId) {
    const info = this.state.tensorInfo.get(dataId);
    return info.backend.readSync(dataId);
  }
  read(dataId) {
    const info = this.state.tensorInfo.get(dataId);
    return info.backend.read(dataId);
  }
  readToGPU(dataId, options) {
    const info = this.state.tensorInfo.get(dataId);
    return info.backend.readToGPU(dataId, options);
  }
  async time(query) {
    const start = now();
    const timingInfo = await this.backend.time(query);
    timingInfo.wallMs = now() - start;
    return timingInfo;
  }
  /**
   * Tracks a Tensor in the current scope to be automatically cleaned up
   * when the current scope ends, and returns the value.
   *
   * @param result The Tensor to track in the current scope.
   */
  track(result) {
    if (this.state.activeScope != null) {
      result.scopeId = this.state.activeScope.id;
      this.state.activeScope.track.push(result);
    }
    return result;
  }
  get registeredVariables() {
    return this.state.registeredVariables;
  }
  /**
   * Resets the engine state. Removes all backends but does not remove
   * registered backend factories.
   */
  reset() {
    this.pendingBackendInitId++;
    this.state.dispose();
    this.ENV.reset();
    this.state = new EngineState();
    for (const backendName in this.registry) {
      this.disposeRegisteredKernels(backendName);
      this.registry[backendName].dispose();
      delete this.registry[backendName];
    }
    this.backendName = null;
    this.backendInstance = null;
    this.pendingBackendInit = null;
  }
};
Engine.nextTensorId = 0;
Engine.nextVariableId = 0;
function ones(shape) {
  const values = makeOnesTypedArray(sizeFromShape(shape), "float32");
  return ENGINE.makeTensor(values, shape, "float32");
}
function getOrMakeEngine() {
  const ns = getGlobalNamespace();
  if (ns._tfengine == null) {
    const environment = new Environment(ns);
    ns._tfengine = new Engine(environment);
  }
  setEnvironmentGlobal(ns._tfengine.ENV);
  setTensorTracker(() => ns._tfengine);
  return ns._tfengine;
}
var ENGINE = getOrMakeEngine();
function add(a, b) {
  const inputs = { a, b };
  return ENGINE.runKernel(Add, inputs);
}

// ../../node_modules/@tensorflow/tfjs-core/dist/tensor_util_env.js
function inferShape(val, dtype) {
  let firstElem = val;
  if (isTypedArray(val)) {
    return dtype === "string" ? [] : [val.length];
  }
  if (isWebGLData(val)) {
    const usedChannels = val.channels || "RGBA";
    return [val.height, val.width * usedChannels.length];
  } else if (isWebGPUData(val)) {
    return [val.buffer.size / (dtype == null ? 4 : bytesPerElement(dtype))];
  }
  if (!Array.isArray(val)) {
    return [];
  }
  const shape = [];
  while (Array.isArray(firstElem) || isTypedArray(firstElem) && dtype !== "string") {
    shape.push(firstElem.length);
    firstElem = firstElem[0];
  }
  if (Array.isArray(val) && env().getBool("TENSORLIKE_CHECK_SHAPE_CONSISTENCY")) {
    deepAssertShapeConsistency(val, shape, []);
  }
  return shape;
}
function deepAssertShapeConsistency(val, shape, indices) {
  indices = indices || [];
  if (!Array.isArray(val) && !isTypedArray(val)) {
    assert(shape.length === 0, () => `Element arr[${indices.join("][")}] is a primitive, but should be an array/TypedArray of ${shape[0]} elements`);
    return;
  }
  assert(shape.length > 0, () => `Element arr[${indices.join("][")}] should be a primitive, but is an array of ${val.length} elements`);
  assert(val.length === shape[0], () => `Element arr[${indices.join("][")}] should have ${shape[0]} elements, but has ${val.length} elements`);
  const subShape = shape.slice(1);
  for (let i = 0; i < val.length; ++i) {
    deepAssertShapeConsistency(val[i], subShape, indices.concat(i));
  }
}
function assertDtype(expectedDtype, actualDType, argName, functionName) {
  if (expectedDtype === "string_or_numeric") {
    return;
  }
  if (expectedDtype == null) {
    throw new Error(`Expected dtype cannot be null.`);
  }
  if (expectedDtype !== "numeric" && expectedDtype !== actualDType || expectedDtype === "numeric" && actualDType === "string") {
    throw new Error(`Argument '${argName}' passed to '${functionName}' must be ${expectedDtype} tensor, but got ${actualDType} tensor`);
  }
}
function convertToTensor(x, argName, functionName, parseAsDtype = "numeric") {
  if (x instanceof getGlobalTensorClass()) {
    assertDtype(parseAsDtype, x.dtype, argName, functionName);
    return x;
  }
  let inferredDtype = inferDtype(x);
  if (inferredDtype !== "string" && ["bool", "int32", "float32"].indexOf(parseAsDtype) >= 0) {
    inferredDtype = parseAsDtype;
  }
  assertDtype(parseAsDtype, inferredDtype, argName, functionName);
  if (x == null || !isTypedArray(x) && !Array.isArray(x) && typeof x !== "number" && typeof x !== "boolean" && typeof x !== "string") {
    const type = x == null ? "null" : x.constructor.name;
    throw new Error(`Argument '${argName}' passed to '${functionName}' must be a Tensor or TensorLike, but got '${type}'`);
  }
  const inferredShape = inferShape(x, inferredDtype);
  if (!isTypedArray(x) && !Array.isArray(x)) {
    x = [x];
  }
  const skipTypedArray = true;
  const values = inferredDtype !== "string" ? toTypedArray(x, inferredDtype) : flatten(x, [], skipTypedArray);
  return ENGINE.makeTensor(values, inferredShape, inferredDtype);
}
function convertToTensorArray(arg, argName, functionName, parseAsDtype = "numeric") {
  if (!Array.isArray(arg)) {
    throw new Error(`Argument ${argName} passed to ${functionName} must be a \`Tensor[]\` or \`TensorLike[]\``);
  }
  const tensors = arg;
  return tensors.map((t, i) => convertToTensor(t, `${argName}[${i}]`, functionName, parseAsDtype));
}

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/operation.js
var OP_SCOPE_SUFFIX = "__op";
function op(f) {
  const keys = Object.keys(f);
  if (keys.length !== 1) {
    throw new Error(`Please provide an object with a single key (operation name) mapping to a function. Got an object with ${keys.length} keys.`);
  }
  let opName = keys[0];
  const fn = f[opName];
  if (opName.endsWith("_")) {
    opName = opName.substring(0, opName.length - 1);
  }
  opName = opName + OP_SCOPE_SUFFIX;
  const f2 = (...args) => {
    ENGINE.startScope(opName);
    try {
      const result = fn(...args);
      if (isPromise(result)) {
        console.error("Cannot return a Promise inside of tidy.");
      }
      ENGINE.endScope(result);
      return result;
    } catch (ex) {
      ENGINE.endScope(null);
      throw ex;
    }
  };
  Object.defineProperty(f2, "name", { value: opName, configurable: true });
  return f2;
}

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/reshape.js
function reshape_(x, shape) {
  const $x = convertToTensor(x, "x", "reshape", "string_or_numeric");
  const inputs = { x: $x };
  const attrs = { shape };
  return ENGINE.runKernel(Reshape, inputs, attrs);
}
var reshape = /* @__PURE__ */ op({ reshape_ });

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/cast.js
function cast_(x, dtype) {
  const $x = convertToTensor(x, "x", "cast");
  if (!isValidDtype(dtype)) {
    throw new Error(`Failed to cast to unknown dtype ${dtype}`);
  }
  if (dtype === "string" && $x.dtype !== "string" || dtype !== "string" && $x.dtype === "string") {
    throw new Error("Only strings can be casted to strings");
  }
  const inputs = { x: $x };
  const attrs = { dtype };
  return ENGINE.runKernel(Cast, inputs, attrs);
}
var cast = /* @__PURE__ */ op({ cast_ });

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/sum.js
function sum_(x, axis = null, keepDims = false) {
  let $x = convertToTensor(x, "x", "sum");
  if ($x.dtype === "bool") {
    $x = cast($x, "int32");
  }
  const inputs = { x: $x };
  const attrs = { axis, keepDims };
  return ENGINE.runKernel(Sum, inputs, attrs);
}
var sum = /* @__PURE__ */ op({ sum_ });

// ../../node_modules/@tensorflow/tfjs-core/dist/gradients/Add_grad.js
var addGradConfig = {
  kernelName: Add,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, saved) => {
    const [a, b] = saved;
    const outShape = assertAndGetBroadcastShape(a.shape, b.shape);
    const derA = () => {
      let res = dy;
      const reduceAxes = getReductionAxes(a.shape, outShape);
      if (reduceAxes.length > 0) {
        res = sum(res, reduceAxes);
      }
      return reshape(res, a.shape);
    };
    const derB = () => {
      let res = dy;
      const reduceAxes = getReductionAxes(b.shape, outShape);
      if (reduceAxes.length > 0) {
        res = sum(res, reduceAxes);
      }
      return reshape(res, b.shape);
    };
    return { a: derA, b: derB };
  }
};

// ../../node_modules/@tensorflow/tfjs-core/dist/gradients/AddN_grad.js
var addNGradConfig = {
  kernelName: AddN,
  saveAllInputs: true,
  gradFunc: (dy, saved) => {
    const ders = {};
    saved.forEach((_, i) => {
      ders[i] = () => dy.clone();
    });
    return ders;
  }
};

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/mat_mul.js
function matMul_(a, b, transposeA = false, transposeB = false) {
  let $a = convertToTensor(a, "a", "matMul");
  let $b = convertToTensor(b, "b", "matMul");
  [$a, $b] = makeTypesMatch($a, $b);
  const inputs = { a: $a, b: $b };
  const attrs = { transposeA, transposeB };
  return ENGINE.runKernel(BatchMatMul, inputs, attrs);
}
var matMul = /* @__PURE__ */ op({ matMul_ });

// ../../node_modules/@tensorflow/tfjs-core/dist/gradients/BatchMatMul_grad.js
var batchMatMulGradConfig = {
  kernelName: BatchMatMul,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, saved, attrs) => {
    const [a, b] = saved;
    const { transposeA, transposeB } = attrs;
    if (!transposeA && !transposeB) {
      return {
        a: () => matMul(dy, b, false, true),
        b: () => matMul(a, dy, true, false)
      };
    } else if (!transposeA && transposeB) {
      return {
        a: () => matMul(dy, b, false, false),
        b: () => matMul(dy, a, true, false)
      };
    } else if (transposeA && !transposeB) {
      return {
        a: () => matMul(b, dy, false, true),
        b: () => matMul(a, dy, false, false)
      };
    } else {
      return {
        a: () => matMul(b, dy, true, true),
        b: () => matMul(dy, a, true, true)
      };
    }
  }
};

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/split.js
function split_(x, numOrSizeSplits, axis = 0) {
  const $x = convertToTensor(x, "x", "split");
  const inputs = { x: $x };
  const attr = { numOrSizeSplits, axis };
  return ENGINE.runKernel(SplitV, inputs, attr);
}
var split = /* @__PURE__ */ op({ split_ });

// ../../node_modules/@tensorflow/tfjs-core/dist/gradients/Concat_grad.js
var concatGradConfig = {
  kernelName: Concat,
  saveAllInputs: true,
  gradFunc: (dy, saved, attrs) => {
    const shapes = saved.map((t) => t.shape);
    const { axis } = attrs;
    const $axis = parseAxisParam(axis, saved[0].shape)[0];
    const sizeSplits = shapes.map((s) => s[$axis]);
    const derTensors = split(dy, sizeSplits, $axis);
    return derTensors.map((t) => () => t);
  }
};

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/floorDiv.js
function floorDiv_(a, b) {
  let $a = convertToTensor(a, "a", "floorDiv");
  let $b = convertToTensor(b, "b", "floorDiv");
  [$a, $b] = makeTypesMatch($a, $b);
  const inputs = { a: $a, b: $b };
  return ENGINE.runKernel(FloorDiv, inputs);
}
var floorDiv = /* @__PURE__ */ op({ floorDiv_ });

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/div.js
function div_(a, b) {
  let $a = convertToTensor(a, "a", "div");
  let $b = convertToTensor(b, "b", "div");
  [$a, $b] = makeTypesMatch($a, $b);
  if ($a.dtype === "int32" && $b.dtype === "int32") {
    return floorDiv($a, $b);
  }
  const inputs = { a: $a, b: $b };
  const attrs = {};
  return ENGINE.runKernel(RealDiv, inputs, attrs);
}
var div = /* @__PURE__ */ op({ div_ });

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/mul.js
function mul_(a, b) {
  let $a = convertToTensor(a, "a", "mul");
  let $b = convertToTensor(b, "b", "mul");
  [$a, $b] = makeTypesMatch($a, $b);
  const inputs = { a: $a, b: $b };
  return ENGINE.runKernel(Multiply, inputs);
}
var mul = /* @__PURE__ */ op({ mul_ });

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/neg.js
function neg_(x) {
  const $x = convertToTensor(x, "x", "neg");
  const inputs = { x: $x };
  return ENGINE.runKernel(Neg, inputs);
}
var neg = /* @__PURE__ */ op({ neg_ });

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/square.js
function square_(x) {
  const $x = convertToTensor(x, "x", "square");
  const attrs = {};
  return ENGINE.runKernel("Square", { x: $x }, attrs);
}
var square = /* @__PURE__ */ op({ square_ });

// ../../node_modules/@tensorflow/tfjs-core/dist/gradients/RealDiv_grad.js
var divGradConfig = {
  kernelName: RealDiv,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, saved) => {
    const [a, b] = saved;
    const outShape = assertAndGetBroadcastShape(a.shape, b.shape);
    const derA = () => {
      const res = div(dy, cast(b, "float32"));
      const reduceAxes = getReductionAxes(a.shape, outShape);
      if (reduceAxes.length > 0) {
        return reshape(sum(res, reduceAxes), a.shape);
      }
      return res;
    };
    const derB = () => {
      let res = mul(dy, cast(a, "float32"));
      const reduceAxes = getReductionAxes(b.shape, outShape);
      if (reduceAxes.length > 0) {
        res = reshape(sum(res, reduceAxes), b.shape);
      }
      const tmp = square(b);
      return neg(div(res, cast(tmp, "float32")));
    };
    return { a: derA, b: derB };
  }
};

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/axis_util.js
function computeOutAndReduceShapes(aShape, axes) {
  const outShape = [];
  const rank = aShape.length;
  for (let dim = 0; dim < rank; dim++) {
    if (axes.indexOf(dim) === -1) {
      outShape.push(aShape[dim]);
    }
  }
  const reduceShape = axes.map((dim) => aShape[dim]);
  return [outShape, reduceShape];
}
function getUndoAxesPermutation(axes) {
  return axes.map((axis, i) => [i, axis]).sort((a, b) => a[1] - b[1]).map((x) => x[0]);
}

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/complex.js
function complex_(real2, imag2) {
  const $real = convertToTensor(real2, "real", "complex");
  const $imag = convertToTensor(imag2, "imag", "complex");
  assertShapesMatch($real.shape, $imag.shape, `real and imag shapes, ${$real.shape} and ${$imag.shape}, must match in call to tf.complex().`);
  const inputs = { real: $real, imag: $imag };
  return ENGINE.runKernel(Complex, inputs);
}
var complex = /* @__PURE__ */ op({ complex_ });

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/zeros.js
function zeros(shape, dtype = "float32") {
  assertNonNegativeIntegerDimensions(shape);
  if (dtype === "complex64") {
    const real2 = zeros(shape, "float32");
    const imag2 = zeros(shape, "float32");
    return complex(real2, imag2);
  }
  const values = makeZerosTypedArray(sizeFromShape(shape), dtype);
  return ENGINE.makeTensor(values, shape, dtype);
}

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/ones.js
function ones2(shape, dtype = "float32") {
  assertNonNegativeIntegerDimensions(shape);
  if (dtype === "complex64") {
    const real2 = ones2(shape, "float32");
    const imag2 = zeros(shape, "float32");
    return complex(real2, imag2);
  }
  const values = makeOnesTypedArray(sizeFromShape(shape), dtype);
  return ENGINE.makeTensor(values, shape, dtype);
}

// ../../node_modules/@tensorflow/tfjs-core/dist/gradients/Mean_grad.js
var meanGradConfig = {
  kernelName: Mean,
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const { axis } = attrs;
    const axes = parseAxisParam(axis, x.shape);
    const shapes = computeOutAndReduceShapes(x.shape, axes);
    const reduceShape = shapes[1];
    const reduceSize = sizeFromShape(reduceShape);
    const derX = () => {
      const expandedDyShape = x.shape.slice();
      axes.forEach((axis2) => {
        expandedDyShape[axis2] = 1;
      });
      const expandedDy = reshape(dy, expandedDyShape);
      const res = div(mul(expandedDy, ones2(x.shape, "float32")), reduceSize);
      return res;
    };
    return { x: derX };
  }
};

// ../../node_modules/@tensorflow/tfjs-core/dist/gradients/Multiply_grad.js
var multiplyGradConfig = {
  kernelName: Multiply,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, saved) => {
    const [a, b] = saved;
    const outShape = assertAndGetBroadcastShape(a.shape, b.shape);
    const derA = () => {
      const res = mul(dy, cast(b, "float32"));
      const reduceAxes = getReductionAxes(a.shape, outShape);
      if (reduceAxes.length > 0) {
        return reshape(sum(res, reduceAxes), a.shape);
      }
      return res;
    };
    const derB = () => {
      const res = mul(dy, cast(a, "float32"));
      const reduceAxes = getReductionAxes(b.shape, outShape);
      if (reduceAxes.length > 0) {
        return reshape(sum(res, reduceAxes), b.shape);
      }
      return res;
    };
    return { a: derA, b: derB };
  }
};

// ../../node_modules/@tensorflow/tfjs-core/dist/gradients/Neg_grad.js
var negGradConfig = {
  kernelName: Neg,
  gradFunc: (dy) => {
    return { x: () => neg(dy) };
  }
};

// ../../node_modules/@tensorflow/tfjs-core/dist/gradients/Reshape_grad.js
var reshapeGradConfig = {
  kernelName: Reshape,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    const [x] = saved;
    return { x: () => reshape(dy, x.shape) };
  }
};

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/tensor_ops_util.js
function makeTensor(values, shape, inferredShape, dtype) {
  if (dtype == null) {
    dtype = inferDtype(values);
  } else if (dtype === "complex64") {
    throw new Error(`Cannot construct a complex64 tensor directly. Please use tf.complex(real, imag).`);
  }
  if (isWebGPUData(values) || isWebGLData(values)) {
    if (dtype !== "float32" && dtype !== "int32") {
      throw new Error(`Creating tensor from GPU data only supports 'float32'|'int32' dtype, while the dtype is ${dtype}.`);
    }
    return ENGINE.backend.createTensorFromGPUData(values, shape || inferredShape, dtype);
  }
  if (!isTypedArray(values) && !Array.isArray(values) && typeof values !== "number" && typeof values !== "boolean" && typeof values !== "string") {
    throw new Error("values passed to tensor(values) must be a number/boolean/string or an array of numbers/booleans/strings, or a TypedArray");
  }
  if (shape != null) {
    assertNonNegativeIntegerDimensions(shape);
    const providedSize = sizeFromShape(shape);
    const inferredSize = sizeFromShape(inferredShape);
    assert(providedSize === inferredSize, () => `Based on the provided shape, [${shape}], the tensor should have ${providedSize} values but has ${inferredSize}`);
    for (let i = 0; i < inferredShape.length; ++i) {
      const inferred = inferredShape[i];
      const flatDimsDontMatch = i === inferredShape.length - 1 ? inferred !== sizeFromShape(shape.slice(i)) : true;
      assert(inferredShape[i] === shape[i] || !flatDimsDontMatch, () => `Error creating a new Tensor. Inferred shape (${inferredShape}) does not match the provided shape (${shape}). `);
    }
  }
  if (!isTypedArray(values) && !Array.isArray(values)) {
    values = [values];
  }
  shape = shape || inferredShape;
  values = dtype !== "string" ? toTypedArray(values, dtype) : flatten(values, [], true);
  return ENGINE.makeTensor(values, shape, dtype);
}

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/scalar.js
function scalar(value, dtype) {
  if ((isTypedArray(value) && dtype !== "string" || Array.isArray(value)) && dtype !== "complex64") {
    throw new Error("Error creating a new Scalar: value must be a primitive (number|boolean|string)");
  }
  if (dtype === "string" && isTypedArray(value) && !(value instanceof Uint8Array)) {
    throw new Error("When making a scalar from encoded string, the value must be `Uint8Array`.");
  }
  const shape = [];
  const inferredShape = [];
  return makeTensor(value, shape, inferredShape, dtype);
}

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/sub.js
function sub_(a, b) {
  let $a = convertToTensor(a, "a", "sub");
  let $b = convertToTensor(b, "b", "sub");
  [$a, $b] = makeTypesMatch($a, $b);
  const inputs = { a: $a, b: $b };
  return ENGINE.runKernel(Sub, inputs);
}
var sub = /* @__PURE__ */ op({ sub_ });

// ../../node_modules/@tensorflow/tfjs-core/dist/gradients/Sigmoid_grad.js
var sigmoidGradConfig = {
  kernelName: Sigmoid,
  outputsToSave: [true],
  gradFunc: (dy, saved) => {
    const [y] = saved;
    return { x: () => mul(dy, mul(y, sub(scalar(1), y))) };
  }
};

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/pad.js
function pad_(x, paddings, constantValue = 0) {
  const $x = convertToTensor(x, "x", "pad");
  if ($x.rank === 0) {
    throw new Error("pad(scalar) is not defined. Pass non-scalar to pad");
  }
  const attrs = { paddings, constantValue };
  const inputs = { x: $x };
  return ENGINE.runKernel(PadV2, inputs, attrs);
}
var pad = /* @__PURE__ */ op({ pad_ });

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/slice_util.js
function parseSliceParams(x, begin, size) {
  let begin_;
  const xRank = x.shape.length;
  if (typeof begin === "number") {
    begin_ = [begin, ...new Array(xRank - 1).fill(0)];
  } else if (begin.length < xRank) {
    begin_ = begin.concat(new Array(xRank - begin.length).fill(0));
  } else {
    begin_ = begin.slice();
  }
  begin_.forEach((d) => {
    assert(d !== -1, () => "slice() does not support negative begin indexing.");
  });
  let size_;
  if (size == null) {
    size_ = new Array(xRank).fill(-1);
  } else if (typeof size === "number") {
    size_ = [size, ...new Array(xRank - 1).fill(-1)];
  } else if (size.length < xRank) {
    size_ = size.concat(new Array(xRank - size.length).fill(-1));
  } else {
    size_ = size;
  }
  size_ = size_.map((d, i) => {
    if (d >= 0) {
      return d;
    } else {
      assert(d === -1, () => `Negative size values should be exactly -1 but got ${d} for the slice() size at index ${i}.`);
      return x.shape[i] - begin_[i];
    }
  });
  return [begin_, size_];
}

// ../../node_modules/@tensorflow/tfjs-core/dist/gradients/Slice_grad.js
var sliceGradConfig = {
  kernelName: Slice,
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const { begin, size } = attrs;
    const inputShape = x.shape;
    const [begin_, size_] = parseSliceParams(x, begin, size);
    const paddings = [];
    for (let i = 0; i < dy.rank; i++) {
      paddings.push([begin_[i], inputShape[i] - begin_[i] - size_[i]]);
    }
    return { x: () => pad(dy, paddings) };
  }
};

// ../../node_modules/@tensorflow/tfjs-core/dist/gradients/Softmax_grad.js
var softmaxGradConfig = {
  kernelName: Softmax,
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [y] = saved;
    const { dim } = attrs;
    const keepDims = true;
    const dyTimesY = mul(dy, y);
    return {
      logits: () => sub(dyTimesY, mul(sum(dyTimesY, [dim], keepDims), y))
    };
  }
};

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/sigmoid.js
function sigmoid_(x) {
  const $x = convertToTensor(x, "x", "sigmoid", "float32");
  const inputs = { x: $x };
  return ENGINE.runKernel(Sigmoid, inputs);
}
var sigmoid = /* @__PURE__ */ op({ sigmoid_ });

// ../../node_modules/@tensorflow/tfjs-core/dist/gradients/Softplus_grad.js
var softplusGradConfig = {
  kernelName: Softplus,
  inputsToSave: ["x"],
  gradFunc: (dy, saved) => {
    const [x] = saved;
    return { x: () => mul(dy, sigmoid(x)) };
  }
};

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/clone.js
function clone_(x) {
  const $x = convertToTensor(x, "x", "clone", "string_or_numeric");
  const inputs = { x: $x };
  return ENGINE.runKernel(Identity, inputs);
}
var clone = /* @__PURE__ */ op({ clone_ });

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/concat.js
function concat_(tensors, axis = 0) {
  assert(tensors.length >= 1, () => "Pass at least one tensor to concat");
  const $tensors = convertToTensorArray(tensors, "tensors", "concat", "string_or_numeric");
  if ($tensors[0].dtype === "complex64") {
    $tensors.forEach((tensor2) => {
      if (tensor2.dtype !== "complex64") {
        throw new Error(`Cannot concatenate complex64 tensors with a tensor
          with dtype ${tensor2.dtype}. `);
      }
    });
  }
  if ($tensors.length === 1) {
    return clone($tensors[0]);
  }
  const inputs = $tensors;
  const attr = { axis };
  return ENGINE.runKernel(Concat, inputs, attr);
}
var concat = /* @__PURE__ */ op({ concat_ });

// ../../node_modules/@tensorflow/tfjs-core/dist/gradients/SplitV_grad.js
var splitVGradConfig = {
  kernelName: SplitV,
  gradFunc: (dy, saved, attrs) => {
    const { axis } = attrs;
    return { x: () => concat(dy, axis) };
  }
};

// ../../node_modules/@tensorflow/tfjs-core/dist/gradients/Sub_grad.js
var subGradConfig = {
  kernelName: Sub,
  inputsToSave: ["a", "b"],
  gradFunc: (dy, saved) => {
    const [a, b] = saved;
    const outShape = assertAndGetBroadcastShape(a.shape, b.shape);
    const derA = () => {
      let res = dy;
      const reduceAxes = getReductionAxes(a.shape, outShape);
      if (reduceAxes.length > 0) {
        res = sum(res, reduceAxes);
      }
      return reshape(res, a.shape);
    };
    const derB = () => {
      let res = dy;
      const reduceAxes = getReductionAxes(b.shape, outShape);
      if (reduceAxes.length > 0) {
        res = sum(res, reduceAxes);
      }
      return reshape(neg(res), b.shape);
    };
    return { a: derA, b: derB };
  }
};

// ../../node_modules/@tensorflow/tfjs-core/dist/gradients/Sum_grad.js
var sumGradConfig = {
  kernelName: Sum,
  inputsToSave: ["x"],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const expandedDyShape = x.shape.slice();
    const { axis } = attrs;
    const axes = parseAxisParam(axis, x.shape);
    axes.forEach((axis2) => {
      expandedDyShape[axis2] = 1;
    });
    const expandedDy = reshape(dy, expandedDyShape);
    const derX = mul(expandedDy, ones2(x.shape, "float32"));
    return { x: () => derX };
  }
};

// ../../node_modules/@tensorflow/tfjs-core/dist/globals.js
function deprecationWarn(msg) {
  if (env().getBool("DEPRECATION_WARNINGS_ENABLED")) {
    console.warn(msg + " You can disable deprecation warnings with tf.disableDeprecationWarnings().");
  }
}
setDeprecationWarningFn(deprecationWarn);
function tidy(nameOrFn, fn) {
  return ENGINE.tidy(nameOrFn, fn);
}

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/imag.js
function imag_(input) {
  const $input = convertToTensor(input, "input", "imag");
  const inputs = { input: $input };
  return ENGINE.runKernel(Imag, inputs);
}
var imag = /* @__PURE__ */ op({ imag_ });

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/real.js
function real_(input) {
  const $input = convertToTensor(input, "input", "real");
  const inputs = { input: $input };
  return ENGINE.runKernel(Real, inputs);
}
var real = /* @__PURE__ */ op({ real_ });

// ../../node_modules/@tensorflow/tfjs-core/dist/ops/transpose.js
function transpose_(x, perm, conjugate) {
  const $x = convertToTensor(x, "x", "transpose");
  if (perm == null) {
    perm = $x.shape.map((s, i) => i).reverse();
  }
  assert($x.rank === perm.length, () => `Error in transpose: rank of input ${$x.rank} must match length of perm ${perm}.`);
  perm.forEach((axis) => {
    assert(axis >= 0 && axis < $x.rank, () => `All entries in 'perm' must be between 0 and ${$x.rank - 1} but got ${perm}`);
  });
  if ($x.rank <= 1) {
    return $x.clone();
  }
  const inputs = { x: $x };
  const attrs = { perm };
  if ($x.dtype === "complex64") {
    return tidy(() => {
      let $real = real($x);
      let $imag = imag($x);
      $real = ENGINE.runKernel(Transpose, { x: $real }, attrs);
      $imag = ENGINE.runKernel(Transpose, { x: $imag }, attrs);
      if (conjugate) {
        $imag = neg($imag);
      }
      return complex($real, $imag);
    });
  }
  return ENGINE.runKernel(Transpose, inputs, attrs);
}
var transpose = /* @__PURE__ */ op({ transpose_ });

// ../../node_modules/@tensorflow/tfjs-core/dist/gradients/Transpose_grad.js
var transposeGradConfig = {
  kernelName: Transpose,
  gradFunc: (dy, saved, attrs) => {
    const transposeAttrs = attrs;
    const { perm } = transposeAttrs;
    const undoPerm = getUndoAxesPermutation(perm);
    return { x: () => transpose(dy, undoPerm) };
  }
};

// src/gradients.ts
var configs = [
  addGradConfig,
  addNGradConfig,
  batchMatMulGradConfig,
  concatGradConfig,
  divGradConfig,
  meanGradConfig,
  multiplyGradConfig,
  negGradConfig,
  reshapeGradConfig,
  sigmoidGradConfig,
  sliceGradConfig,
  softmaxGradConfig,
  softplusGradConfig,
  splitVGradConfig,
  subGradConfig,
  sumGradConfig,
  transposeGradConfig
];
var registered = false;
function registerGradients() {
  if (registered) return;
  registered = true;
  for (const config of configs) {
    if (tf.getGradient(config.kernelName) === void 0) tf.registerGradient(config);
  }
}

// src/backend.ts
var ready2;
function wasmBinaryDir() {
  const require2 = createRequire(import.meta.url);
  const pkg = require2.resolve("@tensorflow/tfjs-backend-wasm/package.json");
  return path.join(path.dirname(pkg), "dist") + path.sep;
}
function initBackend() {
  registerGradients();
  ready2 ??= (async () => {
    if (tf2.getBackend() === "wasm") return;
    const dir = wasmBinaryDir();
    setWasmPaths(dir);
    const ok = await tf2.setBackend("wasm");
    if (!ok) throw new Error(`tinylm: could not initialise the tfjs wasm backend from ${dir}`);
    await tf2.ready();
  })().catch((error) => {
    ready2 = void 0;
    throw error;
  });
  return ready2;
}

// src/config.ts
import { z } from "zod";

// src/validate.ts
function formatIssues(issues) {
  return issues.map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`).join("; ");
}

// src/config.ts
var DEFAULT_SIZES = {
  nPositions: 128,
  nEmbd: 64,
  nLayer: 2,
  nHead: 4,
  layerNormEpsilon: 1e-5,
  initializerRange: 0.02
};
var positiveInt = z.number().int().positive();
var hfConfigSchema = z.looseObject({
  model_type: z.literal("gpt2"),
  vocab_size: positiveInt,
  n_positions: positiveInt,
  n_embd: positiveInt,
  n_layer: positiveInt,
  n_head: positiveInt,
  n_inner: positiveInt.nullable().optional(),
  activation_function: z.enum(["gelu_new", "gelu_pytorch_tanh"]).default("gelu_new"),
  layer_norm_epsilon: z.number().positive().default(1e-5),
  initializer_range: z.number().positive().default(0.02),
  bos_token_id: z.number().int().nonnegative(),
  eos_token_id: z.number().int().nonnegative(),
  pad_token_id: z.number().int().nonnegative().nullable().optional(),
  tie_word_embeddings: z.literal(true, { message: "only tied input/output embeddings are supported" }).default(true),
  scale_attn_weights: z.literal(true, { message: "only scaled attention is supported" }).default(true),
  scale_attn_by_inverse_layer_idx: z.literal(false, { message: "scale_attn_by_inverse_layer_idx is not supported" }).default(false)
});
function checkConfig(config, where) {
  const problems = [];
  if (config.nEmbd % config.nHead !== 0) problems.push(`n_embd (${config.nEmbd}) must be divisible by n_head (${config.nHead})`);
  for (const [key, id] of [
    ["bos_token_id", config.bosTokenId],
    ["eos_token_id", config.eosTokenId],
    ["pad_token_id", config.padTokenId]
  ]) {
    if (id >= config.vocabSize) problems.push(`${key} (${id}) must be < vocab_size (${config.vocabSize})`);
  }
  if (problems.length > 0) throw new Error(`${where}: ${problems.join("; ")}`);
  return config;
}
function parseHFConfig(text, file = "config.json") {
  let raw;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: invalid JSON (${error.message})`);
  }
  const parsed = hfConfigSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file}: ${formatIssues(parsed.error.issues)}`);
  const c = parsed.data;
  return checkConfig(
    {
      vocabSize: c.vocab_size,
      nPositions: c.n_positions,
      nEmbd: c.n_embd,
      nLayer: c.n_layer,
      nHead: c.n_head,
      nInner: c.n_inner ?? 4 * c.n_embd,
      layerNormEpsilon: c.layer_norm_epsilon,
      initializerRange: c.initializer_range,
      bosTokenId: c.bos_token_id,
      eosTokenId: c.eos_token_id,
      padTokenId: c.pad_token_id ?? c.eos_token_id
    },
    file
  );
}
function toHFConfig(config) {
  return {
    activation_function: "gelu_new",
    architectures: ["GPT2LMHeadModel"],
    attn_pdrop: 0,
    bos_token_id: config.bosTokenId,
    embd_pdrop: 0,
    eos_token_id: config.eosTokenId,
    initializer_range: config.initializerRange,
    layer_norm_epsilon: config.layerNormEpsilon,
    model_type: "gpt2",
    n_ctx: config.nPositions,
    n_embd: config.nEmbd,
    n_head: config.nHead,
    n_inner: config.nInner,
    n_layer: config.nLayer,
    n_positions: config.nPositions,
    pad_token_id: config.padTokenId,
    reorder_and_upcast_attn: false,
    resid_pdrop: 0,
    scale_attn_by_inverse_layer_idx: false,
    scale_attn_weights: true,
    summary_activation: null,
    summary_first_dropout: 0.1,
    summary_proj_to_labels: true,
    summary_type: "cls_index",
    summary_use_proj: true,
    tie_word_embeddings: true,
    torch_dtype: "float32",
    use_cache: true,
    vocab_size: config.vocabSize
  };
}
function toGenerationConfig(config) {
  return {
    bos_token_id: config.bosTokenId,
    eos_token_id: config.eosTokenId,
    pad_token_id: config.padTokenId,
    do_sample: false
  };
}

// src/io.ts
import { randomBytes as randomBytes2 } from "node:crypto";
import { mkdir, readFile as readFile2, rename as rename3, rm, stat as stat2, writeFile, open as open4 } from "node:fs/promises";
import * as path2 from "node:path";

// ../safetensors/src/errors.ts
var SafetensorsError = class _SafetensorsError extends Error {
  code;
  path;
  tensor;
  /** The rule broken, without the file and tensor prefix. */
  rule;
  constructor(code, rule, options = {}) {
    const where = [];
    if (options.path !== void 0) where.push(options.path);
    if (options.tensor !== void 0) where.push(`tensor ${JSON.stringify(options.tensor)}`);
    const prefix = where.length > 0 ? `${where.join(": ")}: ` : "";
    super(`${prefix}${rule} [${code}]`, options.cause === void 0 ? void 0 : { cause: options.cause });
    this.name = "SafetensorsError";
    this.code = code;
    this.path = options.path;
    this.tensor = options.tensor;
    this.rule = rule;
  }
  /** A copy of this error attributed to `path` (used when a pure parser's error meets its file). */
  withPath(path3) {
    return new _SafetensorsError(this.code, this.rule, { path: path3, tensor: this.tensor, cause: this.cause });
  }
};

// ../safetensors/src/dtype.ts
var DTYPES = [
  "BOOL",
  "F4",
  "F6_E2M3",
  "F6_E3M2",
  "U8",
  "I8",
  "F8_E5M2",
  "F8_E4M3",
  "F8_E8M0",
  "I16",
  "U16",
  "F16",
  "BF16",
  "I32",
  "U32",
  "F32",
  "C64",
  "F64",
  "I64",
  "U64"
];
var BITS = {
  BOOL: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  C64: 64,
  F64: 64,
  I64: 64,
  U64: 64
};
var DTYPE_SET = new Set(DTYPES);
function isDtype(value) {
  return typeof value === "string" && DTYPE_SET.has(value);
}
function dtypeRank(dtype) {
  return DTYPES.indexOf(dtype);
}
function elementCount(shape) {
  let n = 1n;
  for (const d of shape) n *= BigInt(d);
  return n;
}
function tensorByteLength(dtype, shape) {
  const bits = elementCount(shape) * BigInt(BITS[dtype]);
  if (bits % 8n !== 0n) {
    return {
      code: "MISALIGNED_SIZE",
      rule: `${dtype} tensor of shape [${shape.join(", ")}] has ${bits} bits, not a whole number of bytes`
    };
  }
  const bytes = bits / 8n;
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) {
    return { code: "SIZE_MISMATCH", rule: `shape [${shape.join(", ")}] overflows the largest safe byte size` };
  }
  return Number(bytes);
}
function requireByteLength(dtype, shape, tensor2, path3) {
  const size = tensorByteLength(dtype, shape);
  if (typeof size !== "number") throw new SafetensorsError(size.code, size.rule, { tensor: tensor2, path: path3 });
  return size;
}
function shapeProblem(shape) {
  if (!Array.isArray(shape)) return "shape must be an array of non-negative integers";
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0) {
      return `shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`;
    }
  }
  return void 0;
}

// ../safetensors/src/float.ts
var scratch = new DataView(new ArrayBuffer(4));
function f32BitsToF16Bits(b) {
  const sign = b >>> 16 & 32768;
  const exp2 = b >>> 23 & 255;
  const mant = b & 8388607;
  if (exp2 === 255) {
    if (mant === 0) return sign | 31744;
    return sign | 32256 | mant >>> 13;
  }
  const e = exp2 - 112;
  if (e >= 31) return sign | 31744;
  if (e <= 0) {
    if (e < -10) return sign;
    const full = mant | 8388608;
    const shift = 14 - e;
    const half = 1 << shift - 1;
    const rem2 = full & (1 << shift) - 1;
    let r2 = full >>> shift;
    if (rem2 > half || rem2 === half && (r2 & 1) === 1) r2 += 1;
    return sign | r2;
  }
  let r = e << 10 | mant >>> 13;
  const rem = mant & 8191;
  if (rem > 4096 || rem === 4096 && (r & 1) === 1) r += 1;
  return sign | r;
}
function f16BitsToFloat32(h) {
  const sign = (h & 32768) !== 0 ? -1 : 1;
  const exp2 = h >>> 10 & 31;
  const mant = h & 1023;
  if (exp2 === 0) return sign * mant * 2 ** -24;
  if (exp2 === 31) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mant) * 2 ** (exp2 - 25);
}
function f32BitsToBf16Bits(b) {
  if ((b & 2139095040) === 2139095040 && (b & 8388607) !== 0) {
    return (b >>> 16 | 64) & 65535;
  }
  const lsb = b >>> 16 & 1;
  return Math.floor(((b >>> 0) + 32767 + lsb) / 65536) & 65535;
}
function f8e4m3BitsToFloat32(v) {
  const sign = (v & 128) !== 0 ? -1 : 1;
  const exp2 = v >>> 3 & 15;
  const mant = v & 7;
  if (exp2 === 15 && mant === 7) return NaN;
  if (exp2 === 0) return sign * mant * 2 ** -9;
  return sign * (8 + mant) * 2 ** (exp2 - 10);
}
function f8e5m2BitsToFloat32(v) {
  return f16BitsToFloat32((v & 255) << 8);
}
function f8e8m0BitsToFloat32(v) {
  const e = v & 255;
  return e === 255 ? NaN : Math.fround(2 ** (e - 127));
}

// ../safetensors/src/convert.ts
var HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
function swapInPlace(bytes, size) {
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}
function view(bytes, Ctor, size) {
  const n = Math.floor(bytes.byteLength / size);
  if (HOST_LITTLE_ENDIAN && bytes.byteOffset % size === 0) return new Ctor(bytes.buffer, bytes.byteOffset, n);
  const copy = bytes.slice(0, n * size);
  if (!HOST_LITTLE_ENDIAN) swapInPlace(copy, size);
  return new Ctor(copy.buffer, 0, n);
}
function toTypedArray2(bytes, dtype) {
  switch (dtype) {
    case "F64":
      return view(bytes, Float64Array, 8);
    case "F32":
    case "C64":
      return view(bytes, Float32Array, 4);
    case "F16":
    case "BF16":
    case "U16":
      return view(bytes, Uint16Array, 2);
    case "I64":
      return view(bytes, BigInt64Array, 8);
    case "U64":
      return view(bytes, BigUint64Array, 8);
    case "I32":
      return view(bytes, Int32Array, 4);
    case "U32":
      return view(bytes, Uint32Array, 4);
    case "I16":
      return view(bytes, Int16Array, 2);
    case "I8":
      return view(bytes, Int8Array, 1);
    default:
      return bytes;
  }
}
var f16Table;
function byteTable(decode) {
  const t = new Float32Array(256);
  for (let i = 0; i < 256; i++) t[i] = decode(i);
  return t;
}
function mapThrough(codes, table) {
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = table[codes[i]];
  return out;
}
function decodeToFloat32(bytes, dtype, tensor2) {
  switch (dtype) {
    case "F32":
      return view(bytes, Float32Array, 4);
    case "F64":
      return Float32Array.from(view(bytes, Float64Array, 8));
    case "F16": {
      if (f16Table === void 0) {
        f16Table = new Float32Array(65536);
        for (let i = 0; i < 65536; i++) f16Table[i] = f16BitsToFloat32(i);
      }
      return mapThrough(view(bytes, Uint16Array, 2), f16Table);
    }
    case "BF16": {
      const src = view(bytes, Uint16Array, 2);
      const out = new Uint32Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = src[i] << 16;
      return new Float32Array(out.buffer);
    }
    case "F8_E4M3":
      return mapThrough(bytes, byteTable(f8e4m3BitsToFloat32));
    case "F8_E5M2":
      return mapThrough(bytes, byteTable(f8e5m2BitsToFloat32));
    case "F8_E8M0":
      return mapThrough(bytes, byteTable(f8e8m0BitsToFloat32));
    case "BOOL":
      return Float32Array.from(bytes, (v) => v === 0 ? 0 : 1);
    case "U8":
    case "I8":
    case "I16":
    case "U16":
    case "I32":
    case "U32": {
      const typed = toTypedArray2(bytes, dtype);
      return Float32Array.from(typed);
    }
    case "I64":
    case "U64": {
      const typed = toTypedArray2(bytes, dtype);
      const out = new Float32Array(typed.length);
      for (let i = 0; i < typed.length; i++) out[i] = Number(typed[i]);
      return out;
    }
    default:
      throw new SafetensorsError("DTYPE_MISMATCH", `cannot convert ${dtype} to float32; read the raw bytes`, { tensor: tensor2 });
  }
}
function encodeFromFloat32(values, dtype, tensor2) {
  const f32 = values instanceof Float32Array ? values : Float32Array.from(values);
  switch (dtype) {
    case "F32":
      return littleEndianBytes(f32);
    case "F64":
      return littleEndianBytes(Float64Array.from(f32));
    case "F16":
    case "BF16": {
      const bits = f32.byteOffset % 4 === 0 ? new Uint32Array(f32.buffer, f32.byteOffset, f32.length) : new Uint32Array(f32.slice().buffer);
      const out = new Uint16Array(f32.length);
      const encode = dtype === "F16" ? f32BitsToF16Bits : f32BitsToBf16Bits;
      for (let i = 0; i < bits.length; i++) out[i] = encode(bits[i]);
      return littleEndianBytes(out);
    }
    default:
      throw new SafetensorsError("DTYPE_MISMATCH", `cannot encode float32 values as ${dtype}`, { tensor: tensor2 });
  }
}
function littleEndianBytes(array) {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  const size = "BYTES_PER_ELEMENT" in array ? Number(array.BYTES_PER_ELEMENT) : 1;
  if (HOST_LITTLE_ENDIAN || size === 1) return bytes;
  const copy = bytes.slice();
  swapInPlace(copy, size);
  return copy;
}

// ../safetensors/src/json-keys.ts
function findDuplicateKey(text) {
  const stack = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== 34) j += text.charCodeAt(j) === 92 ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top !== void 0 && top.kind === "object" && top.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1));
        if (top.keys.has(key)) return { path: pathOf(stack), key };
        top.keys.add(key);
        top.current = key;
        top.expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (c === 123) stack.push({ kind: "object", keys: /* @__PURE__ */ new Set(), expectKey: true, current: "" });
    else if (c === 91) stack.push({ kind: "array", index: 0 });
    else if (c === 125 || c === 93) stack.pop();
    else if (c === 44) {
      const top = stack[stack.length - 1];
      if (top?.kind === "object") top.expectKey = true;
      else if (top?.kind === "array") top.index += 1;
    }
    i += 1;
  }
  return void 0;
}
function pathOf(stack) {
  return stack.slice(0, -1).map((f) => f.kind === "object" ? f.current : String(f.index));
}

// ../safetensors/src/header.ts
var MAX_HEADER_SIZE = 1e8;
var HEADER_LENGTH_BYTES = 8;
var METADATA_KEY = "__metadata__";
function readHeaderLength(prefix, fileSize) {
  if (fileSize < HEADER_LENGTH_BYTES || prefix.byteLength < HEADER_LENGTH_BYTES) {
    throw new SafetensorsError("FILE_TOO_SHORT", `file has ${fileSize} bytes, fewer than the 8-byte header length`);
  }
  const n = new DataView(prefix.buffer, prefix.byteOffset, HEADER_LENGTH_BYTES).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_SIZE)) {
    throw new SafetensorsError("HEADER_TOO_LARGE", `header length ${n} exceeds the ${MAX_HEADER_SIZE}-byte limit`);
  }
  const length = Number(n);
  if (HEADER_LENGTH_BYTES + length > fileSize) {
    throw new SafetensorsError(
      "HEADER_TRUNCATED",
      `header length ${length} needs ${HEADER_LENGTH_BYTES + length} bytes but the file has ${fileSize}`
    );
  }
  return length;
}
var utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
function isPlainObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function parseHeaderBytes(bytes) {
  let text;
  try {
    text = utf8.decode(bytes);
  } catch (cause) {
    throw new SafetensorsError("INVALID_UTF8", "header is not valid UTF-8", { cause });
  }
  if (!text.startsWith("{")) {
    throw new SafetensorsError("INVALID_HEADER_START", `header must start with "{", starts with ${JSON.stringify(text.slice(0, 8))}`);
  }
  let json;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new SafetensorsError("INVALID_JSON", `header is not valid JSON (${cause.message})`, { cause });
  }
  if (!isPlainObject(json)) throw new SafetensorsError("HEADER_NOT_OBJECT", "header JSON must be an object");
  rejectDuplicates(text);
  const metadata = parseMetadata(json[METADATA_KEY]);
  const tensors = [];
  for (const [name, value] of Object.entries(json)) {
    if (name !== METADATA_KEY) tensors.push(parseTensorEntry(name, value));
  }
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const t of tensors) {
    if (t.begin > expected) {
      throw new SafetensorsError(
        "OFFSET_GAP",
        `data starts at ${t.begin} but the previous tensor ends at ${expected}: the byte buffer must have no gaps`,
        { tensor: t.name }
      );
    }
    if (t.begin < expected) {
      throw new SafetensorsError(
        "OFFSET_OVERLAP",
        `data starts at ${t.begin}, inside the previous tensor which ends at ${expected}`,
        { tensor: t.name }
      );
    }
    expected = t.end;
  }
  return { headerLength: bytes.byteLength, metadata, tensors, dataLength: expected };
}
function rejectDuplicates(text) {
  const dup = findDuplicateKey(text);
  if (dup === void 0) return;
  const [first] = dup.path;
  if (first === void 0) {
    if (dup.key === METADATA_KEY) throw new SafetensorsError("INVALID_METADATA", `"${METADATA_KEY}" appears twice`);
    throw new SafetensorsError("DUPLICATE_TENSOR", "tensor name appears twice in the header", { tensor: dup.key });
  }
  if (first === METADATA_KEY) {
    throw new SafetensorsError("INVALID_METADATA", `metadata key ${JSON.stringify(dup.key)} appears twice`);
  }
  throw new SafetensorsError("INVALID_TENSOR_INFO", `field ${JSON.stringify(dup.key)} appears twice`, { tensor: first });
}
function parseMetadata(value) {
  if (value === void 0 || value === null) return void 0;
  if (!isPlainObject(value)) {
    throw new SafetensorsError("INVALID_METADATA", `"${METADATA_KEY}" must be an object of string values`);
  }
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") {
      throw new SafetensorsError("INVALID_METADATA", `metadata value of ${JSON.stringify(k)} must be a string, got ${JSON.stringify(v)}`);
    }
  }
  return Object.fromEntries(Object.entries(value));
}
function parseTensorEntry(name, value) {
  const fail = (code, rule) => {
    throw new SafetensorsError(code, rule, { tensor: name });
  };
  if (!isPlainObject(value)) return fail("INVALID_TENSOR_INFO", "entry must be an object with dtype, shape and data_offsets");
  const { dtype, shape, data_offsets: offsets } = value;
  if (dtype === void 0 || shape === void 0 || offsets === void 0) {
    return fail("INVALID_TENSOR_INFO", "entry must have dtype, shape and data_offsets");
  }
  if (!isDtype(dtype)) return fail("UNKNOWN_DTYPE", `unknown dtype ${JSON.stringify(dtype)}`);
  const shapeRule = shapeProblem(shape);
  if (shapeRule !== void 0) return fail("INVALID_SHAPE", shapeRule);
  const dims = [...shape];
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => typeof o === "number" && Number.isSafeInteger(o) && o >= 0)) {
    return fail("INVALID_OFFSETS", `data_offsets must be two non-negative integers [begin, end], got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets;
  if (begin > end) return fail("INVALID_OFFSETS", `data_offsets [${begin}, ${end}] has begin > end`);
  const size = tensorByteLength(dtype, dims);
  if (typeof size !== "number") throw new SafetensorsError(size.code, size.rule, { tensor: name });
  if (end - begin !== size) {
    throw new SafetensorsError(
      "SIZE_MISMATCH",
      `data_offsets [${begin}, ${end}] span ${end - begin} bytes but ${dtype} x [${dims.join(", ")}] needs ${size}`,
      { tensor: name }
    );
  }
  return { name, dtype, shape: dims, byteLength: size, begin, end };
}
function checkDataLength(header, fileSize) {
  const available = fileSize - HEADER_LENGTH_BYTES - header.headerLength;
  if (available > header.dataLength) {
    throw new SafetensorsError(
      "TRAILING_BYTES",
      `byte buffer has ${available} bytes but the tensors end at ${header.dataLength}: ${available - header.dataLength} trailing bytes`
    );
  }
  if (available < header.dataLength) {
    const last = header.tensors[header.tensors.length - 1];
    throw new SafetensorsError(
      "DATA_TRUNCATED",
      `tensors end at byte ${header.dataLength} of the buffer but the file holds only ${available} buffer bytes`,
      { tensor: last?.name }
    );
  }
}

// ../safetensors/src/layout.ts
var utf82 = new TextEncoder();
function compareUtf8(a, b) {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
function planLayout(specs2, options = {}) {
  const seen = /* @__PURE__ */ new Set();
  for (const spec of specs2) {
    if (typeof spec.name !== "string") throw new SafetensorsError("INVALID_NAME", "tensor name must be a string");
    if (spec.name === METADATA_KEY) {
      throw new SafetensorsError("INVALID_NAME", `"${METADATA_KEY}" is reserved and cannot name a tensor`, { tensor: spec.name });
    }
    if (seen.has(spec.name)) throw new SafetensorsError("DUPLICATE_TENSOR", "tensor name listed twice", { tensor: spec.name });
    seen.add(spec.name);
    if (!isDtype(spec.dtype)) {
      throw new SafetensorsError("UNKNOWN_DTYPE", `unknown dtype ${JSON.stringify(spec.dtype)}`, { tensor: spec.name });
    }
    const rule = shapeProblem(spec.shape);
    if (rule !== void 0) throw new SafetensorsError("INVALID_SHAPE", rule, { tensor: spec.name });
  }
  const metadata = options.metadata;
  if (metadata !== void 0) {
    if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
      throw new SafetensorsError("INVALID_METADATA", "metadata must be an object of string values");
    }
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string") {
        throw new SafetensorsError("INVALID_METADATA", `metadata value of ${JSON.stringify(k)} must be a string`);
      }
    }
  }
  const ordered = [...specs2];
  if (options.order === "reference") {
    ordered.sort((a, b) => dtypeRank(b.dtype) - dtypeRank(a.dtype) || compareUtf8(a.name, b.name));
  }
  let offset = 0;
  const entries = ordered.map((spec) => {
    const byteLength = requireByteLength(spec.dtype, spec.shape, spec.name);
    const entry = { name: spec.name, dtype: spec.dtype, shape: [...spec.shape], byteLength, begin: offset, end: offset + byteLength };
    offset += byteLength;
    return entry;
  });
  if (offset > Number.MAX_SAFE_INTEGER) throw new SafetensorsError("SIZE_MISMATCH", "total tensor size overflows a safe integer");
  const parts = [];
  let jsonBytes = 2;
  const add4 = (part) => {
    jsonBytes += Buffer.byteLength(part, "utf8") + (parts.length > 0 ? 1 : 0);
    if (jsonBytes > MAX_HEADER_SIZE) {
      throw new SafetensorsError("HEADER_TOO_LARGE", `header would exceed the ${MAX_HEADER_SIZE}-byte limit`);
    }
    parts.push(part);
  };
  if (metadata !== void 0) {
    const pairs = Object.entries(metadata).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    add4(`${JSON.stringify(METADATA_KEY)}:{${pairs.join(",")}}`);
  }
  for (const e of entries) {
    add4(`${JSON.stringify(e.name)}:{"dtype":${JSON.stringify(e.dtype)},"shape":[${e.shape.join(",")}],"data_offsets":[${e.begin},${e.end}]}`);
  }
  const json = utf82.encode(`{${parts.join(",")}}`);
  const n = Math.ceil(json.byteLength / 8) * 8;
  if (n > MAX_HEADER_SIZE) {
    throw new SafetensorsError("HEADER_TOO_LARGE", `header would be ${n} bytes, over the ${MAX_HEADER_SIZE}-byte limit`);
  }
  const prefix = new Uint8Array(HEADER_LENGTH_BYTES + n).fill(32);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(n), true);
  prefix.set(json, HEADER_LENGTH_BYTES);
  return { prefix, entries, dataLength: offset, fileLength: prefix.byteLength + offset };
}

// ../safetensors/src/reader.ts
import { open as open2 } from "node:fs/promises";

// ../safetensors/src/io.ts
import { randomBytes } from "node:crypto";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname as dirname2, join as join2 } from "node:path";
var MAX_IO_CHUNK = 1 << 30;
function tempPathFor(target) {
  return join2(dirname2(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`);
}
async function writeAll(fh, bytes, position) {
  let done = 0;
  while (done < bytes.byteLength) {
    const length = Math.min(bytes.byteLength - done, MAX_IO_CHUNK);
    const { bytesWritten } = await fh.write(bytes, done, length, position + done);
    if (bytesWritten <= 0) throw new SafetensorsError("IO_ERROR", `write made no progress at byte ${position + done}`);
    done += bytesWritten;
  }
}
async function readExactly(fh, into, position, path3, tensor2) {
  let done = 0;
  while (done < into.byteLength) {
    const length = Math.min(into.byteLength - done, MAX_IO_CHUNK);
    const { bytesRead } = await fh.read(into, done, length, position + done);
    if (bytesRead === 0) {
      throw new SafetensorsError("DATA_TRUNCATED", `file ended at byte ${position + done}, expected ${into.byteLength - done} more bytes`, {
        path: path3,
        tensor: tensor2
      });
    }
    done += bytesRead;
  }
}
async function fsyncDir(dir) {
  let fh;
  try {
    fh = await open(dir, "r");
    await fh.sync();
  } catch (error) {
    const code = error.code;
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL" && code !== "EBADF") throw error;
  } finally {
    await fh?.close();
  }
}
async function io(path3, what, op2) {
  try {
    return await op2();
  } catch (cause) {
    if (cause instanceof SafetensorsError) throw cause;
    const code = cause.code ?? "unknown";
    throw new SafetensorsError("IO_ERROR", `${what} failed (${code}): ${cause.message}`, { path: path3, cause });
  }
}

// ../safetensors/src/reader.ts
var TensorReaderBase = class {
  async readFloat32(name) {
    const { dtype } = this.info(name);
    try {
      return decodeToFloat32(await this.readBytes(name), dtype, name);
    } catch (error) {
      throw error instanceof SafetensorsError && error.path === void 0 ? error.withPath(this.label) : error;
    }
  }
  async readTyped(name) {
    return toTypedArray2(await this.readBytes(name), this.info(name).dtype);
  }
  async readInt32(name) {
    this.requireDtype(name, "I32");
    return toTypedArray2(await this.readBytes(name), "I32");
  }
  async readBigInt64(name) {
    this.requireDtype(name, "I64");
    return toTypedArray2(await this.readBytes(name), "I64");
  }
  requireDtype(name, dtype) {
    const actual = this.info(name).dtype;
    if (actual !== dtype) {
      throw new SafetensorsError("DTYPE_MISMATCH", `tensor is ${actual}, not ${dtype}`, { path: this.label, tensor: name });
    }
  }
};
var SafetensorsFile = class _SafetensorsFile extends TensorReaderBase {
  path;
  /** The validated header (tensors in byte-buffer order). */
  header;
  /** Size of the file in bytes. */
  fileSize;
  /** Absolute file offset where the byte buffer starts (8 + N). */
  dataOffset;
  label;
  handle;
  byName;
  closed = false;
  readCount = 0;
  constructor(path3, handle, header, fileSize, bytesRead) {
    super();
    this.path = path3;
    this.label = path3;
    this.handle = handle;
    this.header = header;
    this.fileSize = fileSize;
    this.dataOffset = HEADER_LENGTH_BYTES + header.headerLength;
    this.byName = new Map(header.tensors.map((t) => [t.name, t]));
    this.readCount = bytesRead;
  }
  /** Opens `path` and validates its framing, header and length against every rule of the format. */
  static async open(path3) {
    const handle = await io(path3, "open", () => open2(path3, "r"));
    try {
      const { size } = await io(path3, "stat", () => handle.stat());
      const prefix = new Uint8Array(Math.min(size, HEADER_LENGTH_BYTES));
      await io(path3, "read", () => readExactly(handle, prefix, 0, path3));
      const n = readHeaderLength(prefix, size);
      const headerBytes = new Uint8Array(n);
      await io(path3, "read", () => readExactly(handle, headerBytes, HEADER_LENGTH_BYTES, path3));
      const header = parseHeaderBytes(headerBytes);
      checkDataLength(header, size);
      return new _SafetensorsFile(path3, handle, header, size, prefix.byteLength + n);
    } catch (error) {
      await handle.close();
      throw error instanceof SafetensorsError && error.path === void 0 ? error.withPath(path3) : error;
    }
  }
  /** Bytes read from the file so far, header included (to check that reads stay per-tensor). */
  get bytesRead() {
    return this.readCount;
  }
  names() {
    return this.header.tensors.map((t) => t.name);
  }
  has(name) {
    return this.byName.has(name);
  }
  /** A tensor's entry with its offsets in the byte buffer. */
  entry(name) {
    const e = this.byName.get(name);
    if (e === void 0) throw new SafetensorsError("TENSOR_NOT_FOUND", "no such tensor in this file", { path: this.path, tensor: name });
    return { ...e, shape: [...e.shape] };
  }
  info(name) {
    const { dtype, shape, byteLength } = this.entry(name);
    return { dtype, shape, byteLength };
  }
  metadata() {
    return this.header.metadata === void 0 ? void 0 : { ...this.header.metadata };
  }
  async readBytes(name) {
    const e = this.entry(name);
    return this.readAt(name, this.dataOffset + e.begin, e.byteLength);
  }
  async readByteRange(name, start, end) {
    const e = this.entry(name);
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || start > end || end > e.byteLength) {
      throw new SafetensorsError("INVALID_ARGUMENT", `byte range [${start}, ${end}) is outside [0, ${e.byteLength}]`, {
        path: this.path,
        tensor: name
      });
    }
    return this.readAt(name, this.dataOffset + e.begin + start, end - start);
  }
  async close() {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
  async readAt(name, position, length) {
    if (this.closed) throw new SafetensorsError("CLOSED", "file is closed", { path: this.path, tensor: name });
    const out = new Uint8Array(length);
    await io(this.path, "read", () => readExactly(this.handle, out, position, this.path, name));
    this.readCount += length;
    return out;
  }
};

// ../safetensors/src/writer.ts
import { open as open3, rename as rename2, unlink as unlink2 } from "node:fs/promises";
import { dirname as dirname3 } from "node:path";
var SafetensorsWriter = class _SafetensorsWriter {
  path;
  tempPath;
  layout;
  handle;
  index = 0;
  position;
  state = "open";
  busy = false;
  constructor(path3, tempPath, layout, handle) {
    this.path = path3;
    this.tempPath = tempPath;
    this.layout = layout;
    this.handle = handle;
    this.position = layout.prefix.byteLength;
  }
  /** Validates the plan, creates the temporary file and writes the header. */
  static async create(path3, plan) {
    let layout;
    try {
      layout = planLayout(plan.tensors, plan);
    } catch (error) {
      throw error instanceof SafetensorsError ? error.withPath(path3) : error;
    }
    const tempPath = tempPathFor(path3);
    const handle = await io(tempPath, "create temporary file", () => open3(tempPath, "wx"));
    try {
      await io(tempPath, "write header", () => writeAll(handle, layout.prefix, 0));
    } catch (error) {
      await handle.close();
      await unlink2(tempPath).catch(() => void 0);
      throw error;
    }
    return new _SafetensorsWriter(path3, tempPath, layout, handle);
  }
  /** The name of the tensor expected next, or undefined when all are written. */
  get nextTensor() {
    return this.layout.entries[this.index]?.name;
  }
  /** Number of tensors written so far. */
  get writtenCount() {
    return this.index;
  }
  /** Writes the next tensor's bytes; WRITE_ORDER if `name` is not next, WRITE_SIZE_MISMATCH if the size is wrong. */
  async write(name, data) {
    await this.run(async () => {
      const entry = this.expect(name);
      if (!(data instanceof Uint8Array)) {
        throw this.error("INVALID_ARGUMENT", "tensor data must be a Uint8Array of little-endian bytes", name);
      }
      if (data.byteLength !== entry.byteLength) {
        throw this.error("WRITE_SIZE_MISMATCH", `got ${data.byteLength} bytes, the plan needs ${entry.byteLength}`, name);
      }
      await this.append(data, name);
      this.index += 1;
    });
  }
  /** Writes the next tensor from float32 values, encoded to its planned dtype (F32, F64, F16, BF16). */
  async writeFloat32(name, values) {
    const entry = this.layout.entries[this.index];
    const dtype = entry?.name === name ? entry.dtype : void 0;
    if (dtype === void 0) {
      await this.write(name, new Uint8Array(0));
      return;
    }
    let bytes;
    try {
      bytes = encodeFromFloat32(values, dtype, name);
    } catch (error) {
      throw error instanceof SafetensorsError ? error.withPath(this.path) : error;
    }
    await this.write(name, bytes);
  }
  /**
   * Writes the next tensor from a sequence of byte chunks (for tensors too large to hold at once). If the
   * chunks add up to the wrong size the writer fails (WRITE_SIZE_MISMATCH) and only abort() is left.
   */
  async writeChunks(name, chunks) {
    await this.run(async () => {
      const entry = this.expect(name);
      let total = 0;
      try {
        for await (const chunk of chunks) {
          total += chunk.byteLength;
          if (total > entry.byteLength) {
            throw this.error("WRITE_SIZE_MISMATCH", `chunks exceed the planned ${entry.byteLength} bytes`, name);
          }
          await this.append(chunk, name);
        }
        if (total !== entry.byteLength) {
          throw this.error("WRITE_SIZE_MISMATCH", `chunks add up to ${total} bytes, the plan needs ${entry.byteLength}`, name);
        }
      } catch (error) {
        this.state = "failed";
        throw error;
      }
      this.index += 1;
    });
  }
  /** Checks every tensor was written, fsyncs, renames over the target atomically and fsyncs the folder. */
  async finish() {
    await this.run(async () => {
      if (this.index < this.layout.entries.length) {
        throw this.error("WRITE_INCOMPLETE", `${this.layout.entries.length - this.index} tensor(s) not written yet`, this.nextTensor);
      }
      try {
        await io(this.tempPath, "fsync", () => this.handle.sync());
        await io(this.tempPath, "close", () => this.handle.close());
        await io(this.path, "rename", () => rename2(this.tempPath, this.path));
      } catch (error) {
        this.state = "failed";
        await this.handle.close().catch(() => void 0);
        await unlink2(this.tempPath).catch(() => void 0);
        throw error;
      }
      this.state = "finished";
      await io(dirname3(this.path), "fsync folder", () => fsyncDir(dirname3(this.path)));
    });
  }
  /** Closes and removes the temporary file. Idempotent; a no-op after finish(). */
  async abort() {
    if (this.state === "finished" || this.state === "aborted") return;
    this.state = "aborted";
    await this.handle.close().catch(() => void 0);
    await unlink2(this.tempPath).catch((error) => {
      if (error.code !== "ENOENT") throw error;
    });
  }
  async run(op2) {
    if (this.busy) throw this.error("WRITER_STATE", "another call is still running: await each call");
    if (this.state !== "open") throw this.error("WRITER_STATE", `writer is ${this.state}`);
    this.busy = true;
    try {
      await op2();
    } finally {
      this.busy = false;
    }
  }
  expect(name) {
    const entry = this.layout.entries[this.index];
    if (entry === void 0) throw this.error("WRITE_ORDER", "all planned tensors are already written", name);
    if (entry.name !== name) {
      const planned = this.layout.entries.some((e) => e.name === name);
      throw this.error(
        "WRITE_ORDER",
        planned ? `out of order: the next tensor is ${JSON.stringify(entry.name)}` : "not in the plan",
        name
      );
    }
    return entry;
  }
  async append(bytes, name) {
    try {
      await io(this.tempPath, "write", () => writeAll(this.handle, bytes, this.position));
    } catch (error) {
      this.state = "failed";
      throw error instanceof SafetensorsError ? new SafetensorsError(error.code, error.rule, { path: this.path, tensor: name, cause: error }) : error;
    }
    this.position += bytes.byteLength;
  }
  error(code, rule, tensor2) {
    return new SafetensorsError(code, rule, { path: this.path, tensor: tensor2 });
  }
};
async function writeSafetensors(path3, tensors, options = {}) {
  const byName = new Map(tensors.map((t) => [t.name, t.data]));
  const writer = await SafetensorsWriter.create(path3, { ...options, tensors });
  try {
    for (const entry of writer.layout.entries) {
      const data = byName.get(entry.name);
      const bytes = typeof data === "function" ? await data() : data;
      await writer.write(entry.name, bytes);
    }
    await writer.finish();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

// ../safetensors/src/shard-index.ts
var SINGLE_FILE_NAME = "model.safetensors";
var INDEX_FILE_NAME = "model.safetensors.index.json";
function isPlainObject2(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function isPlainFileName(name) {
  return name.length > 0 && name !== "." && name !== ".." && !/[/\\\0]/.test(name);
}
function parseShardIndex(text, path3) {
  const fail = (rule, tensor2) => {
    throw new SafetensorsError("INVALID_INDEX", rule, { path: path3, tensor: tensor2 });
  };
  let json;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new SafetensorsError("INVALID_INDEX", `index is not valid JSON (${cause.message})`, { path: path3, cause });
  }
  if (!isPlainObject2(json)) return fail("index JSON must be an object");
  const dup = findDuplicateKey(text);
  if (dup !== void 0 && dup.path.length === 1 && dup.path[0] === "weight_map") {
    throw new SafetensorsError("SHARD_DUPLICATE_TENSOR", "tensor is listed twice in weight_map", { path: path3, tensor: dup.key });
  }
  if (dup !== void 0) fail(`key ${JSON.stringify(dup.key)} appears twice${dup.path.length > 0 ? ` in ${dup.path.join(".")}` : ""}`);
  const metadata = json.metadata ?? {};
  if (!isPlainObject2(metadata)) return fail('"metadata" must be an object');
  const total = metadata.total_size;
  if (total !== void 0 && (typeof total !== "number" || !Number.isSafeInteger(total) || total < 0)) {
    fail(`"metadata.total_size" must be a non-negative integer, got ${JSON.stringify(total)}`);
  }
  const map = json.weight_map;
  if (!isPlainObject2(map)) return fail('"weight_map" must be an object mapping tensor names to shard file names');
  const weightMap = /* @__PURE__ */ new Map();
  for (const [tensor2, file] of Object.entries(map)) {
    if (typeof file !== "string") return fail(`shard file name must be a string, got ${JSON.stringify(file)}`, tensor2);
    if (!isPlainFileName(file)) return fail(`shard ${JSON.stringify(file)} must be a plain file name in the checkpoint folder`, tensor2);
    weightMap.set(tensor2, file);
  }
  return { metadata, totalSize: total, weightMap };
}

// ../safetensors/src/checkpoint.ts
import { readFile, stat } from "node:fs/promises";
import { join as join3 } from "node:path";
var Checkpoint = class _Checkpoint extends TensorReaderBase {
  /** The folder (or, for a file opened directly, the file) this checkpoint was opened from. */
  path;
  layout;
  /** The validated index of a sharded checkpoint. */
  index;
  label;
  shards;
  owner;
  constructor(path3, layout, index, shards) {
    super();
    this.path = path3;
    this.label = path3;
    this.layout = layout;
    this.index = index;
    this.shards = shards;
    this.owner = /* @__PURE__ */ new Map();
    for (const shard of shards) for (const name of shard.names()) this.owner.set(name, shard);
  }
  /**
   * Opens a checkpoint: `path` is a .safetensors file, or a folder with `model.safetensors` (preferred when
   * both exist, as Hugging Face loaders do) or `model.safetensors.index.json` and its shards.
   */
  static async open(path3) {
    const kind = await stat(path3).catch(() => void 0);
    if (kind === void 0) throw new SafetensorsError("CHECKPOINT_NOT_FOUND", "no such file or folder", { path: path3 });
    if (kind.isFile()) return new _Checkpoint(path3, "single", void 0, [await SafetensorsFile.open(path3)]);
    const single = join3(path3, SINGLE_FILE_NAME);
    if (await isFile(single)) return new _Checkpoint(path3, "single", void 0, [await SafetensorsFile.open(single)]);
    const indexPath = join3(path3, INDEX_FILE_NAME);
    if (!await isFile(indexPath)) {
      throw new SafetensorsError("CHECKPOINT_NOT_FOUND", `folder has neither ${SINGLE_FILE_NAME} nor ${INDEX_FILE_NAME}`, { path: path3 });
    }
    const text = await io(indexPath, "read index", () => readFile(indexPath, "utf8"));
    const index = parseShardIndex(text, indexPath);
    const files = [...new Set(index.weightMap.values())].sort();
    const shards = [];
    try {
      for (const file of files) {
        const shardPath = join3(path3, file);
        if (!await isFile(shardPath)) {
          const tensor2 = [...index.weightMap].find(([, f]) => f === file)?.[0];
          throw new SafetensorsError("SHARD_MISSING", `shard ${JSON.stringify(file)} listed in the index does not exist`, {
            path: indexPath,
            tensor: tensor2
          });
        }
        shards.push(await SafetensorsFile.open(shardPath));
      }
      checkShards(indexPath, index, files, shards);
    } catch (error) {
      await Promise.all(shards.map((s) => s.close()));
      throw error;
    }
    return new _Checkpoint(path3, "sharded", index, shards);
  }
  /** The files read, in order. */
  files() {
    return this.shards.map((s) => s.path);
  }
  /** Total bytes read from all files so far (headers included). */
  get bytesRead() {
    return this.shards.reduce((sum4, s) => sum4 + s.bytesRead, 0);
  }
  names() {
    return this.shards.flatMap((s) => s.names());
  }
  has(name) {
    return this.owner.has(name);
  }
  info(name) {
    return this.shardOf(name).info(name);
  }
  metadata() {
    return this.shards[0]?.metadata();
  }
  readBytes(name) {
    return this.shardOf(name).readBytes(name);
  }
  readByteRange(name, start, end) {
    return this.shardOf(name).readByteRange(name, start, end);
  }
  async close() {
    await Promise.all(this.shards.map((s) => s.close()));
  }
  shardOf(name) {
    const shard = this.owner.get(name);
    if (shard === void 0) throw new SafetensorsError("TENSOR_NOT_FOUND", "no such tensor in this checkpoint", { path: this.path, tensor: name });
    return shard;
  }
};
function openCheckpoint(path3) {
  return Checkpoint.open(path3);
}
async function isFile(path3) {
  const s = await stat(path3).catch(() => void 0);
  return s?.isFile() ?? false;
}
function checkShards(indexPath, index, files, shards) {
  const byFile = new Map(files.map((f, i) => [f, shards[i]]));
  for (const [tensor2, file] of index.weightMap) {
    if (!byFile.get(file)?.has(tensor2)) {
      throw new SafetensorsError("SHARD_TENSOR_MISSING", `index maps the tensor to ${JSON.stringify(file)}, which does not hold it`, {
        path: indexPath,
        tensor: tensor2
      });
    }
  }
  for (const [file, shard] of byFile) {
    for (const tensor2 of shard.names()) {
      const mapped = index.weightMap.get(tensor2);
      if (mapped === file) continue;
      if (mapped !== void 0) {
        throw new SafetensorsError("SHARD_DUPLICATE_TENSOR", `tensor is in both ${JSON.stringify(mapped)} and ${JSON.stringify(file)}`, {
          path: indexPath,
          tensor: tensor2
        });
      }
      throw new SafetensorsError("SHARD_TENSOR_UNMAPPED", `shard ${JSON.stringify(file)} holds a tensor the index does not list`, {
        path: indexPath,
        tensor: tensor2
      });
    }
  }
}

// src/params.ts
import * as tf3 from "@tensorflow/tfjs-core";

// src/rng.ts
var Rng = class {
  state;
  spare;
  constructor(seed) {
    let z3 = (Math.trunc(seed) ^ 2654435769) >>> 0;
    z3 = Math.imul(z3 ^ z3 >>> 16, 2246822507) >>> 0;
    z3 = Math.imul(z3 ^ z3 >>> 13, 3266489909) >>> 0;
    this.state = (z3 ^ z3 >>> 16) >>> 0;
  }
  /** Uniform in [0, 1). */
  next() {
    this.state = this.state + 1831565813 >>> 0;
    let t = this.state;
    t = Math.imul(t ^ t >>> 15, t | 1);
    t ^= t + Math.imul(t ^ t >>> 7, t | 61);
    return ((t ^ t >>> 14) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n) {
    return Math.floor(this.next() * n);
  }
  /** Standard normal (Box-Muller, caches the second value). */
  normal() {
    if (this.spare !== void 0) {
      const v2 = this.spare;
      this.spare = void 0;
      return v2;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
  /** In-place Fisher-Yates shuffle; returns the same array. */
  shuffle(items) {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }
};

// src/params.ts
function layerNames(i) {
  const p = `transformer.h.${i}.`;
  return {
    ln1w: `${p}ln_1.weight`,
    ln1b: `${p}ln_1.bias`,
    attnW: `${p}attn.c_attn.weight`,
    attnB: `${p}attn.c_attn.bias`,
    projW: `${p}attn.c_proj.weight`,
    projB: `${p}attn.c_proj.bias`,
    ln2w: `${p}ln_2.weight`,
    ln2b: `${p}ln_2.bias`,
    fcW: `${p}mlp.c_fc.weight`,
    fcB: `${p}mlp.c_fc.bias`,
    mlpW: `${p}mlp.c_proj.weight`,
    mlpB: `${p}mlp.c_proj.bias`
  };
}
var WTE = "transformer.wte.weight";
var WPE = "transformer.wpe.weight";
var LNF_W = "transformer.ln_f.weight";
var LNF_B = "transformer.ln_f.bias";
function paramShapes(c) {
  const d = c.nEmbd;
  const out = [
    [WTE, [c.vocabSize, d]],
    [WPE, [c.nPositions, d]]
  ];
  for (let i = 0; i < c.nLayer; i++) {
    const n = layerNames(i);
    out.push(
      [n.ln1w, [d]],
      [n.ln1b, [d]],
      [n.attnW, [d, 3 * d]],
      [n.attnB, [3 * d]],
      [n.projW, [d, d]],
      [n.projB, [d]],
      [n.ln2w, [d]],
      [n.ln2b, [d]],
      [n.fcW, [d, c.nInner]],
      [n.fcB, [c.nInner]],
      [n.mlpW, [c.nInner, d]],
      [n.mlpB, [d]]
    );
  }
  out.push([LNF_W, [d]], [LNF_B, [d]]);
  return out;
}
function paramLayout(config) {
  let offset = 0;
  const specs2 = paramShapes(config).map(([name, shape]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const spec = { name, shape, offset, size, decay: shape.length === 2 };
    offset += size;
    return spec;
  });
  return { specs: specs2, size: offset };
}
var ParamStore = class _ParamStore {
  specs;
  flat;
  tensors = /* @__PURE__ */ new Map();
  constructor(config, flat) {
    const { specs: specs2, size } = paramLayout(config);
    this.specs = specs2;
    if (flat && flat.length !== size) throw new Error(`tinylm: parameter buffer has ${flat.length} values, expected ${size}`);
    this.flat = flat ?? new Float32Array(size);
    this.refresh();
  }
  get size() {
    return this.flat.length;
  }
  /** GPT-2 initialisation: N(0, 0.02) matrices and embeddings, residual projections scaled by 1/sqrt(2 n_layer). */
  static init(config, seed) {
    const store2 = new _ParamStore(config);
    const rng2 = new Rng(seed);
    const std = config.initializerRange;
    const residualStd = std / Math.sqrt(2 * config.nLayer);
    for (const spec of store2.specs) {
      const view2 = store2.view(spec.name);
      if (spec.name.endsWith("ln_1.weight") || spec.name.endsWith("ln_2.weight") || spec.name === LNF_W) view2.fill(1);
      else if (spec.shape.length === 2) {
        const s = spec.name.endsWith("c_proj.weight") ? residualStd : std;
        for (let i = 0; i < view2.length; i++) view2[i] = rng2.normal() * s;
      }
    }
    store2.refresh();
    return store2;
  }
  spec(name) {
    const spec = this.specs.find((s) => s.name === name);
    if (!spec) throw new Error(`tinylm: unknown parameter ${name}`);
    return spec;
  }
  /** Live view of one parameter inside the flat buffer. */
  view(name) {
    const s = this.spec(name);
    return this.flat.subarray(s.offset, s.offset + s.size);
  }
  /** The tfjs tensor of one parameter (valid until the next `refresh`). */
  get(name) {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`tinylm: unknown parameter ${name}`);
    return t;
  }
  /** All tensors in spec order. */
  list() {
    return this.specs.map((s) => this.get(s.name));
  }
  /** Rebuild the tensors from the flat buffer (after an optimiser step or a load). */
  refresh() {
    const next = /* @__PURE__ */ new Map();
    for (const s of this.specs) {
      next.set(s.name, tf3.keep(tf3.tensor(this.flat.slice(s.offset, s.offset + s.size), [...s.shape], "float32")));
    }
    this.disposeTensors();
    this.tensors = next;
  }
  /** A deep copy (new buffer, new tensors). */
  clone(config) {
    return new _ParamStore(config, this.flat.slice());
  }
  disposeTensors() {
    for (const t of this.tensors.values()) t.dispose();
    this.tensors.clear();
  }
  dispose() {
    this.disposeTensors();
  }
};

// src/tokenizer.ts
import { z as z2 } from "zod";
var SPECIAL_TOKENS = { pad: "<|pad|>", bos: "<|bos|>", eos: "<|eos|>", unk: "<|unk|>" };
var DEFAULT_CHARSET = "\n	" + Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");
var addedTokenSchema = z2.looseObject({
  id: z2.number().int().nonnegative(),
  content: z2.string().min(1),
  special: z2.boolean().default(false)
});
var tokenizerJsonSchema = z2.looseObject({
  added_tokens: z2.array(addedTokenSchema).default([]),
  normalizer: z2.null({ message: "normalizers are not supported (expected null)" }).optional(),
  pre_tokenizer: z2.null({ message: "pre-tokenizers are not supported (expected null)" }).optional(),
  model: z2.looseObject({
    type: z2.literal("BPE", { message: 'expected a character-level "BPE" model' }),
    vocab: z2.record(z2.string(), z2.number().int().nonnegative()),
    merges: z2.array(z2.unknown()).max(0, { message: "must be empty for a character-level tokenizer" }),
    unk_token: z2.string().nullable().optional()
  })
});
var CharTokenizer = class _CharTokenizer {
  constructor(tokens, special, specialIds) {
    this.tokens = tokens;
    this.vocabSize = tokens.length;
    this.padId = special.pad;
    this.bosId = special.bos;
    this.eosId = special.eos;
    this.unkId = special.unk;
    this.ids = new Map(tokens.map((t, i) => [t, i]));
    this.specials = [...specialIds].map((id) => ({ content: tokens[id], id }));
  }
  vocabSize;
  padId;
  bosId;
  eosId;
  unkId;
  ids;
  specials;
  /** A tokenizer whose vocabulary is [pad, bos, eos, unk, ...the characters of `charset`]. */
  static fromCharset(charset = DEFAULT_CHARSET) {
    const chars = [...new Set(Array.from(charset))];
    const specials = [SPECIAL_TOKENS.pad, SPECIAL_TOKENS.bos, SPECIAL_TOKENS.eos, SPECIAL_TOKENS.unk];
    return new _CharTokenizer([...specials, ...chars], { pad: 0, bos: 1, eos: 2, unk: 3 }, /* @__PURE__ */ new Set([0, 1, 2, 3]));
  }
  /** Parse and validate a `tokenizer.json`; `ids` are the special token ids from config.json. */
  static fromJSON(text, ids, file = "tokenizer.json") {
    let raw;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new Error(`${file}: invalid JSON (${error.message})`);
    }
    const parsed = tokenizerJsonSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`${file}: ${formatIssues(parsed.error.issues)}`);
    const { model: model2, added_tokens: added } = parsed.data;
    const entries = Object.entries(model2.vocab);
    const tokens = new Array(entries.length);
    for (const [token, id] of entries) {
      if (id >= entries.length || tokens[id] !== void 0) {
        throw new Error(`${file}: model.vocab: ids must be unique and dense in [0, ${entries.length}) (bad id ${id} for ${JSON.stringify(token)})`);
      }
      tokens[id] = token;
    }
    const specialIds = /* @__PURE__ */ new Set();
    for (const [i, t] of added.entries()) {
      if (tokens[t.id] !== t.content) {
        throw new Error(`${file}: added_tokens.${i}: ${JSON.stringify(t.content)} must have id ${t.id} in model.vocab`);
      }
      if (t.special) specialIds.add(t.id);
    }
    const unkToken = model2.unk_token;
    if (unkToken == null) throw new Error(`${file}: model.unk_token: required`);
    const unk = model2.vocab[unkToken];
    if (unk === void 0) throw new Error(`${file}: model.unk_token: ${JSON.stringify(unkToken)} is not in model.vocab`);
    for (const [name, id] of [["bos", ids.bos], ["eos", ids.eos], ["pad", ids.pad], ["unk", unk]]) {
      if (!specialIds.has(id)) throw new Error(`${file}: added_tokens: the ${name} token (id ${id}) must be a special added token`);
    }
    for (const [id, token] of tokens.entries()) {
      if (!specialIds.has(id) && Array.from(token).length !== 1) {
        throw new Error(`${file}: model.vocab: ${JSON.stringify(token)} is not a single character (only character-level vocabularies are supported)`);
      }
    }
    return new _CharTokenizer(tokens, { ...ids, unk }, specialIds);
  }
  /** Token ids of `text` (special token strings are recognised); BOS is prepended when `addBos`. */
  encode(text, addBos = false) {
    const out = addBos ? [this.bosId] : [];
    const chars = Array.from(text);
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i];
      if (ch === "<") {
        const rest = chars.slice(i, i + 16).join("");
        const special = this.specials.find((s) => rest.startsWith(s.content));
        if (special) {
          out.push(special.id);
          i += Array.from(special.content).length - 1;
          continue;
        }
      }
      out.push(this.ids.get(ch) ?? this.unkId);
    }
    return out;
  }
  /** Text of `ids`; special tokens are skipped unless `skipSpecial` is false. */
  decode(ids, skipSpecial = true) {
    let s = "";
    for (const id of ids) {
      if (skipSpecial && this.specials.some((t) => t.id === id)) continue;
      s += this.tokens[id] ?? "";
    }
    return s;
  }
  /** The token string of one id. */
  token(id) {
    return this.tokens[id];
  }
  /** The `tokenizer.json` object (Hugging Face tokenizers format). */
  toJSON() {
    const bos = this.tokens[this.bosId];
    const vocab = {};
    this.tokens.forEach((t, i) => vocab[t] = i);
    return {
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: this.specials.map((s) => ({
        id: s.id,
        content: s.content,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true
      })),
      normalizer: null,
      pre_tokenizer: null,
      post_processor: {
        type: "TemplateProcessing",
        single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }],
        pair: [
          { SpecialToken: { id: bos, type_id: 0 } },
          { Sequence: { id: "A", type_id: 0 } },
          { Sequence: { id: "B", type_id: 1 } }
        ],
        special_tokens: { [bos]: { id: bos, ids: [this.bosId], tokens: [bos] } }
      },
      decoder: { type: "Fuse" },
      model: {
        type: "BPE",
        dropout: null,
        unk_token: this.tokens[this.unkId],
        continuing_subword_prefix: null,
        end_of_word_suffix: null,
        fuse_unk: false,
        byte_fallback: false,
        vocab,
        merges: []
      }
    };
  }
  /** The `tokenizer_config.json` object. */
  toConfigJSON(maxLength) {
    return {
      tokenizer_class: "PreTrainedTokenizerFast",
      bos_token: this.tokens[this.bosId],
      eos_token: this.tokens[this.eosId],
      pad_token: this.tokens[this.padId],
      unk_token: this.tokens[this.unkId],
      model_max_length: maxLength,
      padding_side: "left",
      clean_up_tokenization_spaces: false
    };
  }
};

// src/io.ts
var WEIGHTS_FILE = "model.safetensors";
var IGNORED = /(^|\.)attn\.(bias|masked_bias)$|^lm_head\.weight$/;
async function exists(p) {
  try {
    await stat2(p);
    return true;
  } catch {
    return false;
  }
}
async function writeFileAtomic(file, text) {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes2(4).toString("hex")}`;
  await writeFile(tmp, text);
  const fh = await open4(tmp, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename3(tmp, file);
}
async function writeFiles(dir, config, tokenizer, store2) {
  const json = (v) => `${JSON.stringify(v, null, 2)}
`;
  await writeSafetensors(
    path2.join(dir, WEIGHTS_FILE),
    store2.specs.map((s) => ({
      name: s.name,
      dtype: "F32",
      shape: [...s.shape],
      data: () => encodeFromFloat32(store2.view(s.name).slice(), "F32")
    })),
    { metadata: { format: "pt" } }
  );
  await writeFileAtomic(path2.join(dir, "tokenizer.json"), json(tokenizer.toJSON()));
  await writeFileAtomic(path2.join(dir, "tokenizer_config.json"), json(tokenizer.toConfigJSON(config.nPositions)));
  const specials = tokenizer.toConfigJSON(config.nPositions);
  await writeFileAtomic(
    path2.join(dir, "special_tokens_map.json"),
    json({ bos_token: specials["bos_token"], eos_token: specials["eos_token"], pad_token: specials["pad_token"], unk_token: specials["unk_token"] })
  );
  await writeFileAtomic(path2.join(dir, "generation_config.json"), json(toGenerationConfig(config)));
  await writeFileAtomic(path2.join(dir, "config.json"), json(toHFConfig(config)));
}
async function saveModelFolder(dir, config, tokenizer, store2) {
  const target = path2.resolve(dir);
  if (await exists(target)) {
    await writeFiles(target, config, tokenizer, store2);
    return;
  }
  await mkdir(path2.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${randomBytes2(4).toString("hex")}`;
  await mkdir(tmp);
  try {
    await writeFiles(tmp, config, tokenizer, store2);
    await rename3(tmp, target);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}
async function readText(file) {
  try {
    return await readFile2(file, "utf8");
  } catch (error) {
    throw new Error(`${file}: cannot read (${error.message})`);
  }
}
async function loadModelFolder(dir) {
  const configFile = path2.join(dir, "config.json");
  const config = parseHFConfig(await readText(configFile), configFile);
  const tokFile = path2.join(dir, "tokenizer.json");
  const tokenizer = CharTokenizer.fromJSON(
    await readText(tokFile),
    { bos: config.bosTokenId, eos: config.eosTokenId, pad: config.padTokenId },
    tokFile
  );
  if (tokenizer.vocabSize !== config.vocabSize) {
    throw new Error(`${tokFile}: vocabulary has ${tokenizer.vocabSize} tokens but ${configFile} says vocab_size ${config.vocabSize}`);
  }
  const layout = paramLayout(config);
  const flat = new Float32Array(layout.size);
  const ckpt = await openCheckpoint(dir);
  try {
    const names = new Set(ckpt.names());
    const used = /* @__PURE__ */ new Set();
    for (const spec of layout.specs) {
      const bare = spec.name.replace(/^transformer\./, "");
      const name = names.has(spec.name) ? spec.name : names.has(bare) ? bare : void 0;
      if (name === void 0) throw new Error(`${dir}: checkpoint has no tensor ${spec.name}`);
      const info = ckpt.info(name);
      if (info.shape.length !== spec.shape.length || info.shape.some((d, i) => d !== spec.shape[i])) {
        throw new Error(`${dir}: tensor ${name} has shape [${info.shape.join(", ")}], config.json implies [${spec.shape.join(", ")}]`);
      }
      flat.set(await ckpt.readFloat32(name), spec.offset);
      used.add(name);
    }
    const extra = [...names].filter((n) => !used.has(n) && !IGNORED.test(n));
    if (extra.length > 0) throw new Error(`${dir}: unexpected tensors for GPT-2 with config.json's sizes: ${extra.slice(0, 5).join(", ")}`);
  } finally {
    await ckpt.close();
  }
  return { config, tokenizer, flat };
}

// src/model.ts
var TinyLM = class _TinyLM {
  constructor(config, tokenizer, store2) {
    this.config = config;
    this.tokenizer = tokenizer;
    this.store = store2;
  }
  disposed = false;
  /** A freshly initialised model (GPT-2 initialisation, seeded). */
  static async init(options = {}, seed = 0) {
    await initBackend();
    const tokenizer = CharTokenizer.fromCharset(options.charset ?? DEFAULT_CHARSET);
    const nEmbd = options.nEmbd ?? DEFAULT_SIZES.nEmbd;
    const config = checkConfig(
      {
        vocabSize: tokenizer.vocabSize,
        nPositions: options.nPositions ?? DEFAULT_SIZES.nPositions,
        nEmbd,
        nLayer: options.nLayer ?? DEFAULT_SIZES.nLayer,
        nHead: options.nHead ?? DEFAULT_SIZES.nHead,
        nInner: options.nInner ?? 4 * nEmbd,
        layerNormEpsilon: options.layerNormEpsilon ?? DEFAULT_SIZES.layerNormEpsilon,
        initializerRange: options.initializerRange ?? DEFAULT_SIZES.initializerRange,
        bosTokenId: tokenizer.bosId,
        eosTokenId: tokenizer.eosId,
        padTokenId: tokenizer.padId
      },
      "TinyLM.init"
    );
    return new _TinyLM(config, tokenizer, ParamStore.init(config, seed));
  }
  /** Load a model folder in the Hugging Face layout (config.json, model.safetensors or shards, tokenizer.json). */
  static async load(dir) {
    await initBackend();
    const { config, tokenizer, flat } = await loadModelFolder(dir);
    return new _TinyLM(config, tokenizer, new ParamStore(config, flat));
  }
  /** Write the model folder (atomically: files are renamed into place only when complete). */
  async save(dir) {
    this.assertLive();
    await saveModelFolder(dir, this.config, this.tokenizer, this.store);
  }
  /** Number of stored parameters (the tied LM head is counted once). */
  get parameterCount() {
    return this.store.size;
  }
  /** An independent copy (same config and tokenizer, copied weights). */
  clone() {
    this.assertLive();
    return new _TinyLM(this.config, this.tokenizer, this.store.clone(this.config));
  }
  /** A copy of one parameter's values by its Hugging Face name (e.g. "transformer.wte.weight"). */
  parameter(name) {
    this.assertLive();
    return this.store.view(name).slice();
  }
  /** All parameter names (Hugging Face order) with their shapes. */
  parameterShapes() {
    return this.store.specs.map((s) => ({ name: s.name, shape: [...s.shape] }));
  }
  /** Free the tensors; the model cannot be used afterwards. */
  dispose() {
    if (this.disposed) return;
    this.disposed = true;
    this.store.dispose();
  }
  get isDisposed() {
    return this.disposed;
  }
  /** @internal The parameter store (used by the trainers). */
  paramStore() {
    this.assertLive();
    return this.store;
  }
  /** @internal Current weights for a forward pass. */
  weights() {
    this.assertLive();
    return this.store;
  }
  assertLive() {
    if (this.disposed) throw new Error("tinylm: this model has been disposed");
  }
};

// src/batching.ts
function encodePair(tok, prompt, completion, maxTokens, appendEos = true) {
  const p = tok.encode(prompt, true);
  const c = tok.encode(completion);
  if (appendEos) c.push(tok.eosId);
  let ids = [...p, ...c];
  let scoredFrom = p.length;
  if (ids.length > maxTokens) {
    const drop = Math.min(ids.length - maxTokens, Math.max(0, p.length - 1));
    ids = ids.slice(drop);
    scoredFrom -= drop;
    if (ids.length > maxTokens) ids = ids.slice(0, maxTokens);
  }
  return { ids, scoredFrom: Math.max(1, scoredFrom) };
}
function makeBatch(seqs, padId) {
  const B2 = seqs.length;
  const T = Math.max(1, ...seqs.map((s) => s.ids.length - 1));
  const inputs = new Int32Array(B2 * T).fill(padId);
  const positions = new Int32Array(B2 * T);
  const targets = new Int32Array(B2 * T).fill(padId);
  const weights = new Float32Array(B2 * T);
  let realTokens = 0;
  let scoredTokens = 0;
  seqs.forEach((s, b) => {
    const n = s.ids.length - 1;
    for (let t = 0; t < T; t++) positions[b * T + t] = t;
    for (let t = 0; t < n; t++) {
      inputs[b * T + t] = s.ids[t];
      targets[b * T + t] = s.ids[t + 1];
      if (t + 1 >= s.scoredFrom) {
        weights[b * T + t] = 1;
        scoredTokens++;
      }
    }
    realTokens += n;
  });
  return { B: B2, T, inputs, positions, targets, weights, realTokens, scoredTokens };
}

// src/objective.ts
import * as tf6 from "@tensorflow/tfjs-core";

// src/forward.ts
import * as tf5 from "@tensorflow/tfjs-core";

// src/ops.ts
import * as tf4 from "@tensorflow/tfjs-core";
function smallFactor(n) {
  for (let f = 2; f * f <= n; f++) if (n % f === 0) return f;
  return 0;
}
function transpose2d(x) {
  const [r, c] = x.shape;
  const f = smallFactor(r);
  if (f === 0 || r * c < 4096) return tf4.transpose(x);
  return tf4.reshape(tf4.transpose(tf4.reshape(x, [f, r / f, c]), [2, 0, 1]), [c, r]);
}
function sumRows(x) {
  const ones4 = tf4.ones([1, x.shape[0]]);
  return tf4.reshape(tf4.matMul(ones4, x), [x.shape[1]]);
}
function tallProduct(a, b) {
  if (a.shape[1] <= b.shape[1]) return tf4.matMul(transpose2d(a), b);
  return tf4.transpose(tf4.matMul(transpose2d(b), a));
}
function linear(x, w, b) {
  const op2 = tf4.customGrad((...args) => {
    const [xi, wi, bi] = args;
    const save = args[3];
    save([xi, wi]);
    return {
      value: tf4.fused.matMul({ a: xi, b: wi, bias: bi }),
      gradFunc: (dy, saved) => {
        const [xs, ws] = saved;
        const g = dy;
        return [tf4.matMul(g, tf4.transpose(ws)), tallProduct(xs, g), sumRows(g)];
      }
    };
  });
  return op2(x, w, b);
}
function linearTransposed(x, w) {
  const op2 = tf4.customGrad((...args) => {
    const [xi, wi] = args;
    const save = args[2];
    save([xi, wi]);
    return {
      value: tf4.matMul(xi, tf4.transpose(wi)),
      gradFunc: (dy, saved) => {
        const [xs, ws] = saved;
        const g = dy;
        return [tf4.matMul(g, ws), tallProduct(g, xs)];
      }
    };
  });
  return op2(x, w);
}
function oneHotTransposed(ids, rows) {
  const n = ids.length;
  const data = new Float32Array(rows * n);
  for (let j = 0; j < n; j++) data[ids[j] * n + j] = 1;
  return tf4.tensor2d(data, [rows, n]);
}
function oneHot(ids, cols) {
  const data = new Float32Array(ids.length * cols);
  for (let j = 0; j < ids.length; j++) data[j * cols + ids[j]] = 1;
  return tf4.tensor2d(data, [ids.length, cols]);
}
function embedRows(table, ids) {
  const op2 = tf4.customGrad((...args) => {
    const [tab] = args;
    return {
      value: tf4.matMul(oneHot(ids, tab.shape[0]), tab),
      gradFunc: (dy) => [tf4.matMul(oneHotTransposed(ids, table.shape[0]), dy)]
    };
  });
  return op2(table);
}
function layerNorm(x, gamma, beta, eps) {
  const op2 = tf4.customGrad((...args) => {
    const [xi, gi, bi] = args;
    const save = args[3];
    const xc = tf4.sub(xi, tf4.mean(xi, -1, true));
    const rstd = tf4.rsqrt(tf4.add(tf4.mean(tf4.square(xc), -1, true), eps));
    const xhat = tf4.mul(xc, rstd);
    save([xhat, rstd, gi]);
    return {
      value: tf4.add(tf4.mul(xhat, gi), bi),
      gradFunc: (dy, saved) => {
        const [xh, rs2, ga] = saved;
        const d = dy;
        const g = tf4.mul(d, ga);
        const dx = tf4.mul(
          rs2,
          tf4.sub(tf4.sub(g, tf4.mean(g, -1, true)), tf4.mul(xh, tf4.mean(tf4.mul(g, xh), -1, true)))
        );
        return [dx, sumRows(tf4.mul(d, xh)), sumRows(d)];
      }
    };
  });
  return op2(x, gamma, beta);
}
var GELU_K = 2 * Math.sqrt(2 / Math.PI);
function geluNew(x) {
  const inner = tf4.mul(tf4.add(x, tf4.mul(tf4.mul(tf4.mul(x, x), x), 0.044715)), GELU_K);
  return tf4.mul(x, tf4.sigmoid(inner));
}
function tokenLogProbs(logits, targets) {
  const [n, v] = logits.shape;
  const op2 = tf4.customGrad((...args) => {
    const [z3] = args;
    const save = args[1];
    const m = tf4.max(z3, -1, true);
    const lse = tf4.add(m, tf4.log(tf4.sum(tf4.exp(tf4.sub(z3, m)), -1, true)));
    const zt = tf4.sum(tf4.mul(z3, oneHot(targets, v)), -1);
    save([z3]);
    return {
      value: tf4.sub(zt, tf4.reshape(lse, [n])),
      gradFunc: (dy, saved) => {
        const [zs] = saved;
        return [tf4.mul(tf4.reshape(dy, [n, 1]), tf4.sub(oneHot(targets, v), tf4.softmax(zs)))];
      }
    };
  });
  return op2(logits);
}
function groupedMatmulRaw(x, f) {
  const [m, k, g] = x.shape;
  const n = f.shape[2];
  const y = tf4.depthwiseConv2d(tf4.reshape(x, [1, m, k, g]), tf4.reshape(f, [1, k, g, n]), 1, "valid");
  return tf4.reshape(y, [m, g, n]);
}
function groupedMatmul(x, f) {
  const op2 = tf4.customGrad((...args) => {
    const [xi, fi] = args;
    const save = args[2];
    save([xi, fi]);
    return {
      value: groupedMatmulRaw(xi, fi),
      gradFunc: (dy, saved) => {
        const [xs, fs] = saved;
        const g = dy;
        const dx = tf4.transpose(groupedMatmulRaw(tf4.transpose(g, [0, 2, 1]), tf4.transpose(fs, [2, 1, 0])), [0, 2, 1]);
        const df = groupedMatmulRaw(tf4.transpose(xs, [1, 0, 2]), g);
        return [dx, df];
      }
    };
  });
  return op2(x, f);
}

// src/forward.ts
var MASK_VALUE = -1e9;
function embed(w, ids, positions) {
  const tok = embedRows(w.get(WTE), ids);
  const pos = embedRows(w.get(WPE), positions);
  return tf5.add(tok, pos);
}
function qkvProjections(h, w, layer) {
  const n = layerNames(layer);
  const ws = tf5.split(w.get(n.attnW), 3, 1);
  const bs = tf5.split(w.get(n.attnB), 3, 0);
  return [0, 1, 2].map((i) => linear(h, ws[i], bs[i]));
}
function attend(qx, kv, mask, B2, H) {
  const [Tq] = qx.shape;
  const Tk = kv.kf.shape[2];
  const scores = tf5.add(tf5.reshape(groupedMatmul(qx, kv.kf), [Tq, B2, H, Tk]), mask);
  const probs = tf5.reshape(tf5.softmax(scores), [Tq, B2 * H, Tk]);
  return groupedMatmul(tf5.transpose(probs, [0, 2, 1]), kv.vf);
}
function queryLayout(q, B2, T, H) {
  const dh = q.shape[1] / H;
  const scaled = tf5.mul(q, 1 / Math.sqrt(dh));
  return tf5.reshape(tf5.transpose(tf5.reshape(scaled, [B2, T, H, dh]), [1, 3, 0, 2]), [T, dh, B2 * H]);
}
function keyValueLayout(k, v, B2, T, H) {
  const dh = k.shape[1] / H;
  return {
    kf: tf5.reshape(tf5.transpose(tf5.reshape(k, [B2, T, H, dh]), [3, 0, 2, 1]), [dh, B2 * H, T]),
    vf: tf5.reshape(tf5.transpose(tf5.reshape(v, [B2, T, H, dh]), [1, 0, 2, 3]), [T, B2 * H, dh])
  };
}
function selfAttention(h, w, layer, c, B2, T, mask) {
  const n = layerNames(layer);
  const H = c.nHead;
  const [q, k, v] = qkvProjections(h, w, layer);
  const kv = keyValueLayout(k, v, B2, T, H);
  const o = attend(queryLayout(q, B2, T, H), kv, mask, B2, H);
  const merged = tf5.reshape(tf5.transpose(tf5.reshape(o, [T, B2, c.nEmbd]), [1, 0, 2]), [B2 * T, c.nEmbd]);
  return { out: linear(merged, w.get(n.projW), w.get(n.projB)), ...kv };
}
function mlp(h, w, layer) {
  const n = layerNames(layer);
  const hidden = linear(h, w.get(n.fcW), w.get(n.fcB));
  return linear(geluNew(hidden), w.get(n.mlpW), w.get(n.mlpB));
}
function transformer(w, c, ids, positions, B2, T, mask, keepCache = false) {
  let x = embed(w, ids, positions);
  const cache = [];
  const eps = c.layerNormEpsilon;
  for (let i = 0; i < c.nLayer; i++) {
    const n = layerNames(i);
    const a = selfAttention(layerNorm(x, w.get(n.ln1w), w.get(n.ln1b), eps), w, i, c, B2, T, mask);
    if (keepCache) cache.push({ kf: a.kf, vf: a.vf });
    x = tf5.add(x, a.out);
    x = tf5.add(x, mlp(layerNorm(x, w.get(n.ln2w), w.get(n.ln2b), eps), w, i));
  }
  return { hidden: layerNorm(x, w.get(LNF_W), w.get(LNF_B), eps), cache };
}
function lmHead(w, hidden) {
  return linearTransposed(hidden, w.get(WTE));
}
var causalMasks = /* @__PURE__ */ new Map();
function causalMask(T) {
  let m = causalMasks.get(T);
  if (!m) {
    const data = new Float32Array(T * T);
    for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) data[i * T + j] = MASK_VALUE;
    m = tf5.keep(tf5.tensor4d(data, [T, 1, 1, T]));
    causalMasks.set(T, m);
  }
  return m;
}

// src/objective.ts
function batchTokenLogProbs(w, config, batch2) {
  const { hidden } = transformer(w, config, batch2.inputs, batch2.positions, batch2.B, batch2.T, causalMask(batch2.T));
  return tokenLogProbs(lmHead(w, hidden), batch2.targets);
}
function meanScoredNll(logProbs, batch2) {
  const total = tf6.sum(tf6.mul(logProbs, tf6.tensor1d(batch2.weights)));
  return tf6.div(tf6.neg(total), Math.max(1, batch2.scoredTokens));
}

// ../../../../tmp/tl/steps.ts
var B = Number(process.env.B ?? 16);
var P = Number(process.env.P ?? 40);
var C = Number(process.env.C ?? 25);
var D = Number(process.env.D ?? 64);
var L = Number(process.env.L ?? 2);
var model = await TinyLM.init({ nEmbd: D, nLayer: L }, 1);
var rng = new Rng(3);
var rs = (n) => Array.from({ length: n }, () => String.fromCharCode(97 + rng.int(26))).join("");
var batch = makeBatch(Array.from({ length: B }, () => encodePair(model.tokenizer, rs(P), rs(C), 129)), 0);
var store = model.paramStore();
var specs = store.specs;
var grads = new Float32Array(store.size);
var time = (label, f, n = 20) => {
  for (let i = 0; i < 3; i++) f();
  const c = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < n; i++) f();
  const cu = process.cpuUsage(c);
  console.log(label.padEnd(30), ((performance.now() - t) / n).toFixed(2), "ms wall", ((cu.user + cu.system) / 1e3 / n).toFixed(2), "ms cpu");
};
var lossFn = (w) => meanScoredNll(batchTokenLogProbs(w, model.config, batch), batch);
console.log("B", B, "T", batch.T, "tokens", batch.realTokens);
time("forward only", () => tf7.tidy(() => {
  lossFn(store).dataSync();
}));
time("fwd+bwd", () => tf7.tidy(() => {
  const res = tf7.valueAndGrads((...ws) => {
    const m = new Map(specs.map((s, i) => [s.name, ws[i]]));
    return lossFn({ get: (n) => m.get(n) });
  })(store.list());
  res.value.dataSync();
  res.grads.forEach((g, i) => grads.set(g.dataSync(), specs[i].offset));
}));
time("refresh", () => store.refresh());
var { AdamW: AdamW2 } = await Promise.resolve().then(() => (init_adamw(), adamw_exports));
var opt = new AdamW2(specs, store.size);
time("adam", () => opt.step(store.flat, grads, 1e-9));
var prof = await tf7.profile(() => tf7.tidy(() => {
  const res = tf7.valueAndGrads((...ws) => {
    const m = new Map(specs.map((s, i) => [s.name, ws[i]]));
    return lossFn({ get: (n) => m.get(n) });
  })(store.list());
  res.grads.forEach((g) => g.dataSync());
}));
var agg = /* @__PURE__ */ new Map();
for (const k of prof.kernels) {
  const a = agg.get(k.name) ?? { ms: 0, n: 0 };
  a.ms += k.kernelTimeMs;
  a.n++;
  agg.set(k.name, a);
}
console.log("kernels", prof.kernels.length);
console.log([...agg.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30).map(([k, a]) => `${k.padEnd(20)} ${a.ms.toFixed(2)}ms x${a.n}`).join("\n"));
/*! Bundled license information:

@tensorflow/tfjs-core/dist/ops/broadcast_util.js:
@tensorflow/tfjs-core/dist/environment.js:
@tensorflow/tfjs-core/dist/util.js:
@tensorflow/tfjs-core/dist/tape.js:
@tensorflow/tfjs-core/dist/tensor.js:
@tensorflow/tfjs-core/dist/types.js:
@tensorflow/tfjs-core/dist/ops/axis_util.js:
  (**
   * @license
   * Copyright 2017 Google LLC. All Rights Reserved.
   * Licensed under the Apache License, Version 2.0 (the "License");
   * you may not use this file except in compliance with the License.
   * You may obtain a copy of the License at
   *
   * http://www.apache.org/licenses/LICENSE-2.0
   *
   * Unless required by applicable law or agreed to in writing, software
   * distributed under the License is distributed on an "AS IS" BASIS,
   * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
   * See the License for the specific language governing permissions and
   * limitations under the License.
   * =============================================================================
   *)

@tensorflow/tfjs-core/dist/backends/backend.js:
@tensorflow/tfjs-core/dist/util_base.js:
@tensorflow/tfjs-core/dist/global_util.js:
@tensorflow/tfjs-core/dist/ops/reshape.js:
@tensorflow/tfjs-core/dist/gradients/Add_grad.js:
@tensorflow/tfjs-core/dist/gradients/AddN_grad.js:
@tensorflow/tfjs-core/dist/ops/mat_mul.js:
@tensorflow/tfjs-core/dist/gradients/BatchMatMul_grad.js:
@tensorflow/tfjs-core/dist/ops/split.js:
@tensorflow/tfjs-core/dist/gradients/Concat_grad.js:
@tensorflow/tfjs-core/dist/ops/floorDiv.js:
@tensorflow/tfjs-core/dist/ops/div.js:
@tensorflow/tfjs-core/dist/ops/mul.js:
@tensorflow/tfjs-core/dist/gradients/RealDiv_grad.js:
@tensorflow/tfjs-core/dist/ops/complex.js:
@tensorflow/tfjs-core/dist/gradients/Mean_grad.js:
@tensorflow/tfjs-core/dist/gradients/Multiply_grad.js:
@tensorflow/tfjs-core/dist/gradients/Neg_grad.js:
@tensorflow/tfjs-core/dist/ops/sub.js:
@tensorflow/tfjs-core/dist/gradients/Sigmoid_grad.js:
@tensorflow/tfjs-core/dist/ops/pad.js:
@tensorflow/tfjs-core/dist/gradients/Slice_grad.js:
@tensorflow/tfjs-core/dist/gradients/Softmax_grad.js:
@tensorflow/tfjs-core/dist/gradients/Softplus_grad.js:
@tensorflow/tfjs-core/dist/ops/clone.js:
@tensorflow/tfjs-core/dist/ops/concat.js:
@tensorflow/tfjs-core/dist/gradients/SplitV_grad.js:
@tensorflow/tfjs-core/dist/gradients/Sub_grad.js:
@tensorflow/tfjs-core/dist/ops/imag.js:
@tensorflow/tfjs-core/dist/ops/real.js:
@tensorflow/tfjs-core/dist/gradients/Transpose_grad.js:
  (**
   * @license
   * Copyright 2020 Google LLC. All Rights Reserved.
   * Licensed under the Apache License, Version 2.0 (the "License");
   * you may not use this file except in compliance with the License.
   * You may obtain a copy of the License at
   *
   * http://www.apache.org/licenses/LICENSE-2.0
   *
   * Unless required by applicable law or agreed to in writing, software
   * distributed under the License is distributed on an "AS IS" BASIS,
   * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
   * See the License for the specific language governing permissions and
   * limitations under the License.
   * =============================================================================
   *)

@tensorflow/tfjs-core/dist/log.js:
@tensorflow/tfjs-core/dist/profiler.js:
@tensorflow/tfjs-core/dist/tensor_format.js:
@tensorflow/tfjs-core/dist/tensor_util.js:
@tensorflow/tfjs-core/dist/engine.js:
@tensorflow/tfjs-core/dist/tensor_util_env.js:
@tensorflow/tfjs-core/dist/ops/operation.js:
@tensorflow/tfjs-core/dist/ops/sum.js:
@tensorflow/tfjs-core/dist/ops/neg.js:
@tensorflow/tfjs-core/dist/ops/zeros.js:
@tensorflow/tfjs-core/dist/ops/ones.js:
@tensorflow/tfjs-core/dist/ops/tensor_ops_util.js:
@tensorflow/tfjs-core/dist/ops/scalar.js:
@tensorflow/tfjs-core/dist/ops/sigmoid.js:
@tensorflow/tfjs-core/dist/globals.js:
@tensorflow/tfjs-core/dist/ops/transpose.js:
  (**
   * @license
   * Copyright 2018 Google LLC. All Rights Reserved.
   * Licensed under the Apache License, Version 2.0 (the "License");
   * you may not use this file except in compliance with the License.
   * You may obtain a copy of the License at
   *
   * http://www.apache.org/licenses/LICENSE-2.0
   *
   * Unless required by applicable law or agreed to in writing, software
   * distributed under the License is distributed on an "AS IS" BASIS,
   * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
   * See the License for the specific language governing permissions and
   * limitations under the License.
   * =============================================================================
   *)

@tensorflow/tfjs-core/dist/kernel_registry.js:
@tensorflow/tfjs-core/dist/ops/square.js:
  (**
   * @license
   * Copyright 2019 Google LLC. All Rights Reserved.
   * Licensed under the Apache License, Version 2.0 (the "License");
   * you may not use this file except in compliance with the License.
   * You may obtain a copy of the License at
   *
   * http://www.apache.org/licenses/LICENSE-2.0
   *
   * Unless required by applicable law or agreed to in writing, software
   * distributed under the License is distributed on an "AS IS" BASIS,
   * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
   * See the License for the specific language governing permissions and
   * limitations under the License.
   * =============================================================================
   *)

@tensorflow/tfjs-core/dist/platforms/is_typed_array_browser.js:
  (**
   * @license
   * Copyright 2023 Google LLC.
   * Licensed under the Apache License, Version 2.0 (the "License");
   * you may not use this file except in compliance with the License.
   * You may obtain a copy of the License at
   *
   * http://www.apache.org/licenses/LICENSE-2.0
   *
   * Unless required by applicable law or agreed to in writing, software
   * distributed under the License is distributed on an "AS IS" BASIS,
   * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
   * See the License for the specific language governing permissions and
   * limitations under the License.
   * =============================================================================
   *)

@tensorflow/tfjs-core/dist/ops/cast.js:
@tensorflow/tfjs-core/dist/gradients/Reshape_grad.js:
@tensorflow/tfjs-core/dist/gradients/Sum_grad.js:
  (**
   * @license
   * Copyright 2020 Google Inc. All Rights Reserved.
   * Licensed under the Apache License, Version 2.0 (the "License");
   * you may not use this file except in compliance with the License.
   * You may obtain a copy of the License at
   *
   * http://www.apache.org/licenses/LICENSE-2.0
   *
   * Unless required by applicable law or agreed to in writing, software
   * distributed under the License is distributed on an "AS IS" BASIS,
   * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
   * See the License for the specific language governing permissions and
   * limitations under the License.
   * =============================================================================
   *)

@tensorflow/tfjs-core/dist/ops/slice_util.js:
  (**
   * @license
   * Copyright 2021 Google LLC. All Rights Reserved.
   * Licensed under the Apache License, Version 2.0 (the "License");
   * you may not use this file except in compliance with the License.
   * You may obtain a copy of the License at
   *
   * http://www.apache.org/licenses/LICENSE-2.0
   *
   * Unless required by applicable law or agreed to in writing, software
   * distributed under the License is distributed on an "AS IS" BASIS,
   * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
   * See the License for the specific language governing permissions and
   * limitations under the License.
   * =============================================================================
   *)
*/
