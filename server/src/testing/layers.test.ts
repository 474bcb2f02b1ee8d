/**
 * The layer rule of docs/ARCHITECTURE.md holds through the project's own lint configuration: a
 * planted wrong import in each layer fails with the message that says why, and the allowed ones pass.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repositoryRoot = path.resolve(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: repositoryRoot });

async function layerMessages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repositoryRoot, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'layers/boundaries').map((m) => m.message);
}

describe('the layer rule', () => {
  it('refuses a domain import in platform/ and points to the composition root', async () => {
    const messages = await layerMessages(
      'server/src/platform/http/planted.ts',
      "export { loadSession } from '../../accounts/sessions.js';\n",
    );
    expect(messages).toEqual([expect.stringMatching(/^platform\/ sits below the domains.*composition\.ts/)]);
  });

  it('refuses another domain’s internals and the harness in a domain, and allows its public surface', async () => {
    const messages = await layerMessages(
      'server/src/institutions/planted.ts',
      [
        "export { refreshProviderSearchText } from '../basket/cards/cards.store.js';",
        "export { createTestContext } from '../testing/test-app.js';",
        "export { canReadPartnership } from '../partnerships/partnerships.policy.js';",
        "export { reservePublicationSlug } from '../basket/index.js';",
        "export { recordAuditEvent } from '../audit/audit.service.js';",
        "export { AppError } from '../platform/http/problem.js';",
        '',
      ].join('\n'),
    );
    expect(messages).toEqual([
      expect.stringMatching(/^The institutions domain reaches into the internals of basket/),
      expect.stringMatching(/^A domain does not import the composition root, the test harness/),
    ]);
  });

  it('keeps shared/ isomorphic and web/ free of server code', async () => {
    const shared = await layerMessages(
      'shared/src/planted.ts',
      [
        "export { readFileSync } from 'node:fs';",
        "export { join } from 'path';",
        "export { useState } from 'react';",
        "export { loadConfig } from '../../server/src/platform/config.js';",
        "export { z } from 'zod';",
        '',
      ].join('\n'),
    );
    expect(shared).toEqual([
      expect.stringMatching(/^shared\/ is isomorphic .*'node:fs' is a Node module/),
      expect.stringMatching(/'path' is a Node module/),
      expect.stringMatching(/^shared\/ is isomorphic and holds no UI/),
      expect.stringMatching(/^shared\/ is below both apps/),
    ]);
    const web = await layerMessages(
      'web/src/planted.ts',
      "export { loadConfig } from '../../server/src/platform/config.js';\nexport { Problem } from '../../shared/src/contracts/common.js';\n",
    );
    expect(web).toEqual([expect.stringMatching(/^web\/ runs in the browser .* no server code/)]);
  });
});
