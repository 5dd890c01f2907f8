import { pluginConformance } from '@lamdagent/testkit';
import plugin from './index.js';

pluginConformance(plugin);
