/**
 * The to-do's ("Do zrobienia") public surface for other domains: how to declare a provider of items
 * (docs/ARCHITECTURE.md, docs/do-zrobienia.md).
 */
export {
  defineTaskProvider,
  type TaskProvider,
  type TaskProviderInput,
  type TaskProviderResult,
} from './task-providers.js';
