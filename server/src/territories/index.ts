/**
 * The territories' public surface for other domains, beside their queries (docs/ARCHITECTURE.md).
 */
// The TERYT place names, read by accounts into the list of passwords an attacker tries first.
export { parseTerc, tercPath } from './territories.loader.js';
