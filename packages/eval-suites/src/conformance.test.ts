import { pluginConformance } from '@lamdagent/testkit';
import plugin from './index.js';

pluginConformance(plugin, {
  factoryOptions: { 'openai-compatible': { baseUrl: 'http://127.0.0.1:9/v1', model: 'served-model' } },
  scorerReferences: { judge: ['caps'], toolcall: '{"name":"f","args":{}}' },
});
