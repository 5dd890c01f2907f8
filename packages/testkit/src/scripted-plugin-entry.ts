/** Module form of the scripted-runner plugin (default export), loadable by a job process from `spec.plugins`. */
import { scriptedPlugin } from './scripted-plugin.js';
export default scriptedPlugin;
