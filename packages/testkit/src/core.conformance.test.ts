import { corePlugin } from '@lamdagent/core';
import { pluginConformance } from './index.js';

// Core's own built-ins (random policies, local executors, aggregators) pass the suite too.
pluginConformance(corePlugin);
