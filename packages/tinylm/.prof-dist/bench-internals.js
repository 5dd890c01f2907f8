import {
  Rng,
  encodePair,
  learningRateAt,
  lengthGroupedBatches,
  makeBatch,
  plannedSteps,
  warmupSteps
} from "./chunk-B3AZCB2Z.js";
export {
  Rng,
  encodePair,
  learningRateAt,
  lengthGroupedBatches,
  makeBatch,
  plannedSteps,
  warmupSteps
};
//# sourceMappingURL=bench-internals.js.map