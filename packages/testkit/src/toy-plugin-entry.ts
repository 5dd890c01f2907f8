/** Module form of the toy plugin (default export), so a study config can list it under `plugins:`. */
import { toyPlugin } from './toy-plugin.js';
export default toyPlugin;
